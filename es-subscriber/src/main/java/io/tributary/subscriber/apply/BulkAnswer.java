package io.tributary.subscriber.apply;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What Elasticsearch answered to a bulk request, read with a streaming parser from the answer filtered to
 * {@link #FILTER_PATH}. When no item failed ({@code "errors": false}, which comes first), the items are not read at
 * all: each action was applied, in order.
 *
 * @param errors true when at least one item failed
 * @param items  each action's answer, in request order; read only when {@code errors}
 */
record BulkAnswer(boolean errors, List<Item> items) {

    /** The parts of the answer read here; a refused request's own error too. */
    static final String FILTER_PATH = "errors,items.*._index,items.*._id,items.*.status,items.*.error.type,"
            + "items.*.error.reason,error.type,error.reason,status";

    private static final JsonFactory JSON = new JsonFactory();

    /**
     * One action's answer.
     *
     * @param action      {@code index} or {@code delete}
     * @param index       the concrete index (behind an alias, the index's own name)
     * @param errorType   null when the action succeeded
     * @param errorReason null when the action succeeded
     */
    record Item(String action, String index, String id, int status, String errorType, String errorReason) {
    }

    /** @throws IOException when the answer is not a bulk answer */
    static BulkAnswer read(byte[] answer) throws IOException {
        try (JsonParser parser = JSON.createParser(answer)) {
            expect(parser.nextToken(), JsonToken.START_OBJECT, "a bulk answer");
            boolean errors = true;
            List<Item> items = List.of();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("errors".equals(field)) {
                    errors = value == JsonToken.VALUE_TRUE;
                    if (!errors) {
                        return new BulkAnswer(false, List.of());
                    }
                } else if ("items".equals(field)) {
                    expect(value, JsonToken.START_ARRAY, "items");
                    items = items(parser);
                } else {
                    parser.skipChildren();
                }
            }
            return new BulkAnswer(errors, items);
        }
    }

    /** The error type and reason of a refused request's answer ({@code {"error":{"type":…}}}); nulls when absent. */
    static Item requestError(byte[] answer) {
        try (JsonParser parser = JSON.createParser(answer)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return new Item("", "", "", -1, null, null);
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("error".equals(field) && value == JsonToken.START_OBJECT) {
                    return item("", parser);
                }
                parser.skipChildren();
            }
        } catch (IOException e) {
            // not JSON: no Elasticsearch error
        }
        return new Item("", "", "", -1, null, null);
    }

    private static List<Item> items(JsonParser parser) throws IOException {
        List<Item> items = new ArrayList<>();
        while (parser.nextToken() == JsonToken.START_OBJECT) {
            expect(parser.nextToken(), JsonToken.FIELD_NAME, "an item's action");
            String action = parser.currentName();
            expect(parser.nextToken(), JsonToken.START_OBJECT, "an item");
            items.add(item(action, parser));
            expect(parser.nextToken(), JsonToken.END_OBJECT, "the end of an item");
        }
        return items;
    }

    /** Reads the object the parser is at the start of: an item's fields, or an error's type and reason. */
    private static Item item(String action, JsonParser parser) throws IOException {
        String index = "";
        String id = "";
        int status = -1;
        String errorType = null;
        String errorReason = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "_index" -> index = parser.getValueAsString("");
                case "_id" -> id = parser.getValueAsString("");
                case "status" -> status = parser.getValueAsInt(-1);
                case "type" -> errorType = parser.getValueAsString();
                case "reason" -> errorReason = parser.getValueAsString();
                case "error" -> {
                    if (value == JsonToken.START_OBJECT) {
                        Item error = item(action, parser);
                        errorType = error.errorType();
                        errorReason = error.errorReason();
                    } else {
                        errorType = parser.getValueAsString();
                    }
                }
                default -> parser.skipChildren();
            }
        }
        return new Item(action, index, id, status, errorType, errorReason);
    }

    private static void expect(JsonToken found, JsonToken expected, String what) throws IOException {
        if (found != expected) {
            throw new IOException("Elasticsearch's bulk answer is not as expected: " + what + " should start with "
                    + expected + ", found " + found);
        }
    }
}
