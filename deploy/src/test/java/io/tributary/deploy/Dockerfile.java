package io.tributary.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Dockerfile's instructions, read as plain text: comments dropped, continuation lines joined.
 *
 * @param instructions each as {@code KEYWORD arguments}, the keyword upper-cased
 */
record Dockerfile(Path file, List<Instruction> instructions) {

    /** One instruction: {@code COPY a b} is keyword COPY, arguments {@code a b}. */
    record Instruction(String keyword, String arguments) {
    }

    static Dockerfile read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String line : lines) {
            String text = line.strip();
            if (text.startsWith("#") || text.isEmpty() && pending.isEmpty()) {
                continue;
            }
            if (text.endsWith("\\")) {
                pending.append(text, 0, text.length() - 1).append(' ');
                continue;
            }
            pending.append(text);
            String[] parts = pending.toString().strip().split("\\s+", 2);
            instructions.add(new Instruction(parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1] : ""));
            pending.setLength(0);
        }
        return new Dockerfile(file, instructions);
    }

    /** The arguments of every {@code keyword} instruction, in order. */
    List<String> all(String keyword) {
        return instructions.stream().filter(instruction -> instruction.keyword().equals(keyword))
                .map(Instruction::arguments).toList();
    }

    /** The arguments of the only {@code keyword} instruction. */
    String only(String keyword) {
        List<String> found = all(keyword);
        if (found.size() != 1) {
            throw new AssertionError(file + ": expected one " + keyword + ", found " + found.size() + ": " + found);
        }
        return found.get(0);
    }
}
