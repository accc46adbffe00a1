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

    private final byte[] json;
    private ObjectNode tree;

    private RowJson(byte[] json, ObjectNode tree) {
        this.json = json;
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
     * parser. A pretty-printed object is read and written again, so the bytes hold no line break.
     */
    static RowJson ofWellFormed(byte[] source, int from, int to) throws IOException {
        for (int i = from; i < to; i++) {
            if (source[i] == '\n' || source[i] == '\r') {
                return of((ObjectNode) ChangeEventJson.mapper().readTree(source, from, to - from));
            }
        }
        byte[] json = new byte[to - from];
        System.arraycopy(source, from, json, 0, json.length);
        return new RowJson(json, null);
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
        int rest = 1;
        while (rest < json.length && (json[rest] == ' ' || json[rest] == '\t')) {
            rest++;
        }
        boolean empty = rest < json.length && json[rest] == '}';
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(json.length + quotedName.length
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
        out.write(json, rest, json.length - rest);
        return new RowJson(out.toByteArray(), null);
    }

    /** The compact JSON bytes; do not modify them. */
    public byte[] json() {
        return json;
    }

    /** The row's values; treat the tree as immutable. */
    public ObjectNode tree() {
        if (tree == null) {
            try {
                tree = (ObjectNode) ChangeEventJson.mapper().readTree(json);
            } catch (IOException e) {
                throw new UncheckedIOException("a row's JSON no longer parses", e);
            }
        }
        return tree;
    }

    @Override
    public String toString() {
        return new String(json, java.nio.charset.StandardCharsets.UTF_8);
    }
}
