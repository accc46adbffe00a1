package io.tributary.verifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.index.mapping.TableTag;
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
 * is not compared. Joined documents ({@link #documentDifferences}) are compared the same way, each difference named
 * by its path. Stateless.
 */
final class DocumentComparison {

    /** The start of the names of the pipeline's own fields in documents. */
    static final String OWN_FIELD_PREFIX = "_tributary";

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

    /**
     * The fields of a joined document that differ, each by the path of its first difference and the two values
     * there ({@code customer.name}, {@code items[1].qty}; {@code items[2]} for an element only one side has): those
     * of {@code expected} in its order, then those only {@code stored} has. Fields starting with
     * {@value #OWN_FIELD_PREFIX} are the pipeline's own (a delete marker's, a table tag) and are not compared.
     */
    static List<FieldDifference> documentDifferences(ObjectNode expected, ObjectNode stored) {
        List<FieldDifference> differences = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = expected.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            firstDifference(field.getKey(), field.getValue(), stored.get(field.getKey())).ifPresent(differences::add);
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = stored.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!expected.has(field.getKey()) && !field.getKey().startsWith(OWN_FIELD_PREFIX)) {
                differences.add(new FieldDifference(field.getKey(), Optional.empty(), Optional.of(field.getValue())));
            }
        }
        return differences;
    }

    /** The first place, in document order, where {@code stored} is not {@code expected}; empty when none. */
    private static Optional<FieldDifference> firstDifference(String path, JsonNode expected, JsonNode stored) {
        if (stored == null) {
            return Optional.of(new FieldDifference(path, Optional.of(expected), Optional.empty()));
        }
        if (expected.isObject() && stored.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = expected.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                Optional<FieldDifference> found = firstDifference(path + "." + field.getKey(), field.getValue(),
                        stored.get(field.getKey()));
                if (found.isPresent()) {
                    return found;
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> fields = stored.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!expected.has(field.getKey())) {
                    return Optional.of(new FieldDifference(path + "." + field.getKey(), Optional.empty(),
                            Optional.of(field.getValue())));
                }
            }
            return Optional.empty();
        }
        if (expected.isArray() && stored.isArray()) {
            for (int i = 0; i < Math.max(expected.size(), stored.size()); i++) {
                String element = path + "[" + i + "]";
                if (i >= expected.size()) {
                    return Optional.of(new FieldDifference(element, Optional.empty(), Optional.of(stored.get(i))));
                }
                Optional<FieldDifference> found = firstDifference(element, expected.get(i), stored.get(i));
                if (found.isPresent()) {
                    return found;
                }
            }
            return Optional.empty();
        }
        return expected.equals(LEAVES, stored) ? Optional.empty()
                : Optional.of(new FieldDifference(path, Optional.of(expected), Optional.of(stored)));
    }
}
