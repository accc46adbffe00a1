package io.tributary.subscriber.decode;

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
