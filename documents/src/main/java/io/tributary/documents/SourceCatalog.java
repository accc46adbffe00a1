package io.tributary.documents;

import io.tributary.model.TableId;
import io.tributary.shaping.KeyRule;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The catalog questions joined documents ask at startup: a table's shape, a publication's tables. Stateless. */
public final class SourceCatalog {

    private static final String COLUMNS = """
            SELECT a.attname, a.atttypid, t.typname,
                   CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE a.atttypid END AS base_type,
            """ + KeyRule.IS_KEY_COLUMN + """
             AS key
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            JOIN pg_type t ON t.oid = a.atttypid
            WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')
            ORDER BY a.attnum""";

    private static final String UNIQUE_KEYS = """
            SELECT i.indexrelid, a.attname
            FROM pg_index i
            JOIN pg_class c ON c.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY (i.indkey)
            WHERE n.nspname = ? AND c.relname = ? AND i.indisunique AND i.indexprs IS NULL AND i.indpred IS NULL
            ORDER BY i.indexrelid""";

    private SourceCatalog() {
    }

    /** The table's shape; empty when there is no such table. */
    public static Optional<CatalogTable> table(Connection connection, TableId table) throws SQLException {
        List<CatalogTable.Column> columns = new ArrayList<>();
        List<String> key = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(COLUMNS)) {
            query.setString(1, table.schema());
            query.setString(2, table.table());
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    String name = result.getString("attname");
                    columns.add(new CatalogTable.Column(name, (int) result.getLong("atttypid"),
                            result.getString("typname"), (int) result.getLong("base_type")));
                    if (result.getBoolean("key")) {
                        key.add(name);
                    }
                }
            }
        }
        if (columns.isEmpty()) {
            return Optional.empty();
        }
        List<Set<String>> uniqueKeys = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(UNIQUE_KEYS)) {
            query.setString(1, table.schema());
            query.setString(2, table.table());
            try (ResultSet result = query.executeQuery()) {
                long index = -1;
                Set<String> current = null;
                while (result.next()) {
                    if (result.getLong(1) != index) {
                        index = result.getLong(1);
                        current = new LinkedHashSet<>();
                        uniqueKeys.add(current);
                    }
                    current.add(result.getString(2));
                }
            }
        }
        if (!key.isEmpty()) {
            uniqueKeys.add(new HashSet<>(key));
        }
        return Optional.of(new CatalogTable(table, columns, key, uniqueKeys.stream().map(Set::copyOf).toList()));
    }

    /** The tables a publication publishes; empty when there is no such publication. */
    public static Optional<Set<TableId>> publicationTables(Connection connection, String publication)
            throws SQLException {
        try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            exists.setString(1, publication);
            try (ResultSet result = exists.executeQuery()) {
                if (!result.next()) {
                    return Optional.empty();
                }
            }
        }
        Set<TableId> tables = new HashSet<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = ?")) {
            query.setString(1, publication);
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    tables.add(new TableId(result.getString(1), result.getString(2)));
                }
            }
        }
        return Optional.of(tables);
    }
}
