package io.tributary.localstack;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** The last lines of a log file, for error messages. Stateless and thread-safe. */
final class LogTail {

    static final int DEFAULT_LINES = 40;
    private static final int MAX_BYTES = 16 * 1024;

    private LogTail() {
    }

    /** A block to append to an error message: a header naming the file, then its last {@code lines} lines. */
    static String describe(Path file, int lines) {
        return System.lineSeparator() + "--- last lines of " + file + " ---" + System.lineSeparator() + of(file, lines);
    }

    static String describe(Path file) {
        return describe(file, DEFAULT_LINES);
    }

    /** The last {@code lines} lines of {@code file} (reading at most its last 16 KiB), or why they are missing. */
    static String of(Path file, int lines) {
        if (!Files.exists(file)) {
            return "(" + file + " does not exist)";
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, in.length() - MAX_BYTES);
            byte[] bytes = new byte[(int) (in.length() - start)];
            in.seek(start);
            in.readFully(bytes);
            String[] all = new String(bytes, StandardCharsets.UTF_8).split("\\R");
            int from = Math.max(0, all.length - lines);
            return String.join(System.lineSeparator(), Arrays.asList(all).subList(from, all.length));
        } catch (IOException e) {
            return "(could not read " + file + ": " + e + ")";
        }
    }
}
