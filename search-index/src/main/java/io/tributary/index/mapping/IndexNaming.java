package io.tributary.index.mapping;

import io.tributary.model.TableId;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * The Elasticsearch index a table's documents live in by default — {@code <schema>.<table>} in lower case — and
 * Elasticsearch's naming rules for index and alias names, so a table or a configured name that is impossible fails
 * with a message naming it, not with an error from the middle of a bulk request. Stateless.
 */
public final class IndexNaming {

    private static final String FORBIDDEN = "\\/*?\"<>| ,#:";

    private IndexNaming() {
    }

    /** @throws IllegalArgumentException naming the table and the rule its index name breaks */
    public static String indexFor(TableId table) {
        String name = (table.schema() + "." + table.table()).toLowerCase(Locale.ROOT);
        Optional<String> problem = problem(name);
        if (problem.isPresent()) {
            throw new IllegalArgumentException("table " + table + " cannot be indexed: its index name '" + name + "' "
                    + problem.get());
        }
        return name;
    }

    /**
     * The rule {@code name} breaks as an index or alias name ("contains ' '", …); empty when Elasticsearch accepts
     * it. Names are never repaired: an upper-case letter is a problem, not lower-cased.
     */
    public static Optional<String> problem(String name) {
        if (name.isEmpty()) {
            return Optional.of("is empty");
        }
        for (char c : name.toCharArray()) {
            if (FORBIDDEN.indexOf(c) >= 0) {
                return Optional.of("contains '" + c + "', which Elasticsearch forbids in index names");
            }
        }
        if (!name.equals(name.toLowerCase(Locale.ROOT))) {
            return Optional.of("contains upper-case letters, which Elasticsearch forbids in index names");
        }
        if (name.startsWith("-") || name.startsWith("_") || name.startsWith("+")) {
            return Optional.of("starts with '" + name.charAt(0) + "'");
        }
        if (name.equals(".") || name.equals("..")) {
            return Optional.of("is '" + name + "'");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > 255) {
            return Optional.of("is longer than 255 bytes");
        }
        return Optional.empty();
    }
}
