package io.tributary.inspector;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.tributary.config.InvalidUsageException;
import io.tributary.model.ChangeEventJson;
import java.util.Map;

/**
 * A row key given on the command line, as the event's {@code key} object: either JSON ({@code {"id":42}}) or
 * {@code column=value} pairs separated by commas ({@code order_id=7,line=2}), in key order.
 *
 * <p>In the pair form a value is read as a JSON scalar when it is one ({@code 42}, {@code 1.5}, {@code true},
 * {@code null}, {@code "42"}) and as text otherwise ({@code sku=AB-1}); quote it ({@code code="42"}) for a text key
 * that looks like a number. Numbers are read as {@link ChangeEventJson} reads them, so they equal the event's.
 *
 * @param columns the key columns and their values, in the order given
 */
record RowKey(ObjectNode columns) {

    /** @throws InvalidUsageException naming the text when it is neither a JSON object nor column=value pairs */
    static RowKey parse(String text) {
        String trimmed = text.trim();
        if (trimmed.startsWith("{")) {
            return new RowKey(parseJsonObject(trimmed));
        }
        ObjectNode columns = ChangeEventJson.mapper().createObjectNode();
        for (String pair : trimmed.split(",")) {
            int equals = pair.indexOf('=');
            if (equals < 1) {
                throw new InvalidUsageException("key '" + text + "' is neither a JSON object like {\"id\":42} nor"
                        + " column=value pairs like id=42 or order_id=7,line=2");
            }
            columns.set(pair.substring(0, equals).trim(), scalar(pair.substring(equals + 1).trim()));
        }
        return new RowKey(columns);
    }

    /** Whether every column given here has the same value in {@code eventKey} (a prefix of a composite key works). */
    boolean matches(ObjectNode eventKey) {
        for (Map.Entry<String, JsonNode> column : columns.properties()) {
            if (!column.getValue().equals(eventKey.get(column.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static ObjectNode parseJsonObject(String text) {
        try {
            JsonNode node = ChangeEventJson.mapper().readTree(text);
            if (node instanceof ObjectNode object && !object.isEmpty()) {
                return object;
            }
        } catch (JsonProcessingException e) {
            throw new InvalidUsageException("key '" + text + "' is not valid JSON: " + e.getOriginalMessage(), e);
        }
        throw new InvalidUsageException("key '" + text + "' must be a JSON object with at least one column");
    }

    private static JsonNode scalar(String value) {
        try {
            JsonNode node = ChangeEventJson.mapper().readTree(value);
            if (node != null && node.isValueNode()) {
                return node;
            }
        } catch (JsonProcessingException e) {
            // not JSON: the text itself
        }
        return TextNode.valueOf(value);
    }

    @Override
    public String toString() {
        return columns.toString();
    }
}
