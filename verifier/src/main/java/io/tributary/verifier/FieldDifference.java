package io.tributary.verifier;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * One field whose value in Elasticsearch is not the one the pipeline would write.
 *
 * @param field    the document's field name; in a joined document, the path of the first difference within it
 *                 ({@code items[1].qty})
 * @param expected the value shaped from the PostgreSQL row; empty when the row has no such field
 * @param stored   the value in the document's {@code _source}; empty when the document has no such field
 */
record FieldDifference(String field, Optional<JsonNode> expected, Optional<JsonNode> stored) {

    private static final int MAX_VALUE_CHARS = 40;

    /** {@code name: "Ada" ≠ "Eve"}, {@code name: "Ada" ≠ (absent)}, long values cut short with {@code …}. */
    String describe() {
        return field + ": " + shortText(expected) + " ≠ " + shortText(stored);
    }

    private static String shortText(Optional<JsonNode> value) {
        if (value.isEmpty()) {
            return "(absent)";
        }
        String text = value.get().toString();
        return text.length() <= MAX_VALUE_CHARS ? text : text.substring(0, MAX_VALUE_CHARS - 1) + "…";
    }
}
