package io.tributary.subscriber.events;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.ChangeEventJson;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A row image (or a document) as compact JSON bytes, read into a tree only when something needs its values.
 *
 * <p>Most rows travel from the Kafka record into the bulk request body as the bytes the producer wrote: neither
 * parsed into a tree nor written again. Renames, dropped columns, routing columns and unchanged TOAST columns need
 * the tree, which is then read once and kept.
 *
 * <p>Invariant: {@link #json()} is one JSON object on one line (no line breaks, as a bulk request body needs).
 * Not thread-safe for {@link #tree()}: used by one thread at a time.
 */
public final class RowJson {

    /** The row is {@code source[from, from + length)}: a row read from a record stays in the record's bytes. */
    private final byte[] source;
    private final int from;
    private final int length;
    private ObjectNode tree;

    private RowJson(byte[] json, ObjectNode tree) {
        this(json, 0, json.length, tree);
    }

    private RowJson(byte[] source, int from, int length, ObjectNode tree) {
        this.source = source;
        this.from = from;
        this.length = length;
        this.tree = tree;
    }

    /** The row of {@code tree}, written compactly. */
    public static RowJson of(ObjectNode tree) {
        try {
            return new RowJson(ChangeEventJson.mapper().writeValueAsBytes(tree), tree);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a row as JSON", e);
        }
    }

    /**
     * The row whose JSON object is {@code source[from, to)}, already checked to be well-formed JSON by the caller's
     * parser; {@code source} is kept, not copied, so it must not change. A pretty-printed object is read and written
     * again, so the bytes hold no line break.
     */
    static RowJson ofWellFormed(byte[] source, int from, int to) throws IOException {
        for (int i = from; i < to; i++) {
            if (source[i] == '\n' || source[i] == '\r') {
                return of((ObjectNode) ChangeEventJson.mapper().readTree(source, from, to - from));
            }
        }
        return new RowJson(source, from, to - from, null);
    }

    /**
     * This row with the string field {@code name} first, set to {@code value}: the bytes spliced, no tree read (a row
     * whose tree is already read is changed through it, replacing a field of that name).
     */
    public RowJson withLeadingField(String name, String value) {
        if (tree != null) {
            ObjectNode copy = tree.objectNode();
            copy.put(name, value);
            tree.fields().forEachRemaining(field -> {
                if (!field.getKey().equals(name)) {
                    copy.set(field.getKey(), field.getValue());
                }
            });
            return of(copy);
        }
        JsonStringEncoder encoder = JsonStringEncoder.getInstance();
        byte[] quotedName = encoder.quoteAsUTF8(name);
        byte[] quotedValue = encoder.quoteAsUTF8(value);
        int end = from + length;
        int rest = from + 1;
        while (rest < end && (source[rest] == ' ' || source[rest] == '\t')) {
            rest++;
        }
        boolean empty = rest < end && source[rest] == '}';
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(length + quotedName.length
                + quotedValue.length + 8);
        out.write('{');
        out.write('"');
        out.writeBytes(quotedName);
        out.writeBytes(new byte[] {'"', ':', '"'});
        out.writeBytes(quotedValue);
        out.write('"');
        if (!empty) {
            out.write(',');
        }
        out.write(source, rest, end - rest);
        return new RowJson(out.toByteArray(), null);
    }

    /** The compact JSON bytes (a copy when the row is part of a record's bytes); do not modify them. */
    public byte[] json() {
        return from == 0 && length == source.length ? source : java.util.Arrays.copyOfRange(source, from, from + length);
    }

    /** How many bytes the compact JSON takes. */
    public int length() {
        return length;
    }

    /** Writes the compact JSON bytes to {@code out}, without copying them first. */
    public void writeTo(java.io.ByteArrayOutputStream out) {
        out.write(source, from, length);
    }

    /** The row's values; treat the tree as immutable. */
    public ObjectNode tree() {
        if (tree == null) {
            try {
                tree = (ObjectNode) ChangeEventJson.mapper().readTree(source, from, length);
            } catch (IOException e) {
                throw new UncheckedIOException("a row's JSON no longer parses", e);
            }
        }
        return tree;
    }

    @Override
    public String toString() {
        return new String(source, from, length, java.nio.charset.StandardCharsets.UTF_8);
    }
}
