package io.tributary.verifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.subscriber.mapping.TableTag;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compares the document the subscriber would index for a row with the {@code _source} Elasticsearch holds, as JSON
 * trees, field by field.
 *
 * <p>Numbers are equal when their values are ({@code 1.50} and {@code 1.5}, {@code 7} and {@code 7.0}): a JSON number
 * has no scale, and readers of Elasticsearch do not see one either. Everything else is equal only when it is the same
 * JSON: {@code numeric} columns written as strings (the producer's default) must have the same digits, and the number
 * {@code 5} is not the string {@code "5"}. Objects compare their members regardless of order; arrays element by
 * element. The table tag the subscriber adds to documents of a shared index ({@link TableTag}) is not a column and
 * is not compared. Stateless.
 */
final class DocumentComparison {

    /** Leaves of the trees: numbers by value, the rest by JSON equality. */
    private static final Comparator<JsonNode> LEAVES = (a, b) -> {
        if (a.equals(b)) {
            return 0;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0 ? 0 : 1;
        }
        return 1;
    };

    private DocumentComparison() {
    }

    /**
     * The fields that differ: those of {@code expected} in its order, then those only {@code stored} has; empty when
     * the document is what the pipeline would write.
     */
    static List<FieldDifference> differences(ObjectNode expected, ObjectNode stored) {
        List<FieldDifference> differences = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = expected.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode storedValue = stored.get(field.getKey());
            if (storedValue == null || !field.getValue().equals(LEAVES, storedValue)) {
                differences.add(new FieldDifference(field.getKey(), Optional.of(field.getValue()),
                        Optional.ofNullable(storedValue)));
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = stored.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!expected.has(field.getKey()) && !field.getKey().equals(TableTag.FIELD)) {
                differences.add(new FieldDifference(field.getKey(), Optional.empty(), Optional.of(field.getValue())));
            }
        }
        return differences;
    }
}
