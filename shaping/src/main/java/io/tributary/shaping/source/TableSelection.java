package io.tributary.shaping.source;

import io.tributary.config.SettingsReader;
import io.tributary.model.TableId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Resolves {@code tributary.postgres.tables} against the catalog: each entry is a table name ({@code shop.orders})
 * or a pattern where {@code *} stands for any run of characters ({@code shop.*}, {@code shop.order_*}). Resolved
 * once at startup; a table created later that matches a pattern is picked up at the next start.
 */
public final class TableSelection {

    private TableSelection() {
    }

    /**
     * The entries of {@code tributary.postgres.tables}, names or patterns, as written.
     *
     * @throws io.tributary.config.InvalidConfigException when there is none, or one is not {@code schema.table}
     */
    public static List<TableId> entries(SettingsReader read) {
        return read.stringList("tributary.postgres.tables", 1).stream()
                .map(name -> {
                    try {
                        return TableId.parse(name);
                    } catch (IllegalArgumentException e) {
                        throw read.invalid("tributary.postgres.tables", e.getMessage());
                    }
                }).toList();
    }

    /**
     * @throws IllegalStateException naming every entry that matches no table
     */
    public static List<TableId> resolve(Connection connection, List<String> entries) throws SQLException {
        List<TableId> existing = userTables(connection);
        Set<TableId> selected = new LinkedHashSet<>();
        List<String> unmatched = new ArrayList<>();
        for (String entry : entries) {
            TableId pattern = TableId.parse(entry);
            Pattern schema = glob(pattern.schema());
            Pattern table = glob(pattern.table());
            List<TableId> matches = existing.stream()
                    .filter(id -> schema.matcher(id.schema()).matches() && table.matcher(id.table()).matches())
                    .toList();
            if (matches.isEmpty()) {
                unmatched.add(entry);
            }
            selected.addAll(matches);
        }
        if (!unmatched.isEmpty()) {
            throw new IllegalStateException("tributary.postgres.tables: " + unmatched + " match no table in database "
                    + connection.getCatalog() + " (entries are schema.table as in the catalog, * matches any characters)");
        }
        return List.copyOf(selected);
    }

    private static List<TableId> userTables(Connection connection) throws SQLException {
        List<TableId> tables = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT n.nspname, c.relname FROM pg_class c"
                     + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                     + " WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition"
                     + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'"
                     // the producer's own records of its snapshots (SnapshotStateTable, TableSnapshotLedger)
                     + " AND n.nspname <> 'tributary'"
                     + " ORDER BY 1, 2")) {
            while (result.next()) {
                tables.add(new TableId(result.getString(1), result.getString(2)));
            }
        }
        return tables;
    }

    /** {@code *} matches any run of characters; everything else matches itself. */
    static Pattern glob(String text) {
        List<String> literals = new ArrayList<>();
        for (String part : text.split("\\*", -1)) {
            literals.add(part.isEmpty() ? "" : Pattern.quote(part));
        }
        return Pattern.compile(String.join(".*", literals));
    }
}
