package io.tributary.subscriber.mapping;

import io.tributary.model.TableId;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The Elasticsearch index a table's documents live in: {@code <schema>.<table>} in lower case, checked against
 * Elasticsearch's naming rules so a table with an impossible name fails with a message naming it, not with an
 * error from the middle of a bulk request. Stateless.
 */
public final class IndexNaming {

    private static final String FORBIDDEN = "\\/*?\"<>| ,#:";

    private IndexNaming() {
    }

    /** @throws IllegalArgumentException naming the table and the rule its index name breaks */
    public static String indexFor(TableId table) {
        String name = (table.schema() + "." + table.table()).toLowerCase(Locale.ROOT);
        for (char c : name.toCharArray()) {
            if (FORBIDDEN.indexOf(c) >= 0) {
                throw invalid(table, name, "contains '" + c + "', which Elasticsearch forbids in index names");
            }
        }
        if (name.startsWith("-") || name.startsWith("_") || name.startsWith("+")) {
            throw invalid(table, name, "starts with '" + name.charAt(0) + "'");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw invalid(table, name, "is longer than 255 bytes");
        }
        return name;
    }

    private static IllegalArgumentException invalid(TableId table, String name, String rule) {
        return new IllegalArgumentException("table " + table + " cannot be indexed: its index name '" + name + "' "
                + rule);
    }
}
