package io.tributary.model;

import java.util.Objects;

/**
 * A table's schema-qualified name. Its {@link #toString() canonical form} {@code schema.table} (unquoted, as stored
 * in the catalog) is what the partitioner hashes and what configuration names.
 */
public record TableId(String schema, String table) {

    public TableId {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(table, "table");
        if (schema.isEmpty() || table.isEmpty()) {
            throw new IllegalArgumentException("table name needs a schema and a table, got '" + schema + "." + table + "'");
        }
    }

    /**
     * Parses {@code schema.table}; a name without a dot is in schema {@code public}.
     *
     * @throws IllegalArgumentException naming the text when it has more than one dot or an empty part
     */
    public static TableId parse(String qualifiedName) {
        String text = qualifiedName == null ? "" : qualifiedName.trim();
        String[] parts = text.split("\\.", -1);
        if (parts.length == 1) {
            return new TableId("public", parts[0]);
        }
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new IllegalArgumentException("not a table name (expected schema.table): '" + qualifiedName + "'");
        }
        return new TableId(parts[0], parts[1]);
    }

    @Override
    public String toString() {
        return schema + "." + table;
    }
}
