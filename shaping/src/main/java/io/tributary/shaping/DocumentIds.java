package io.tributary.shaping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;

/**
 * The Elasticsearch {@code _id} of a row, from its key columns.
 *
 * <p>One key column: the value's text ({@code 42}, {@code a0eebc99-…}), which is what people type when they look a
 * document up. Several: a JSON array of the values in key order ({@code [1,23]}), which can never collide —
 * {@code (1,23)} and {@code (12,3)} give {@code [1,23]} and {@code [12,3]}, and a string {@code "1"} differs from
 * the number {@code 1}. Stateless.
 */
public final class DocumentIds {

    private DocumentIds() {
    }

    /** @throws IllegalArgumentException when the key is empty */
    public static String idFor(ObjectNode key) {
        if (key.isEmpty()) {
            throw new IllegalArgumentException("a document id needs at least one key column");
        }
        if (key.size() == 1) {
            JsonNode value = key.elements().next();
            return value.isTextual() ? value.textValue() : value.isIntegralNumber() ? value.asText() : value.toString();
        }
        ArrayNode values = JsonNodeFactory.instance.arrayNode(key.size());
        for (Iterator<JsonNode> it = key.elements(); it.hasNext(); ) {
            values.add(it.next());
        }
        return values.toString();
    }
}
