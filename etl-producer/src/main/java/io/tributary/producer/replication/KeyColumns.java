package io.tributary.producer.replication;

import io.tributary.model.TableId;
import io.tributary.producer.decoding.PrimaryKeys;
import io.tributary.shaping.KeyRule;
import io.tributary.shaping.source.PostgresEndpoint;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which columns key a table's change events (the event's {@code key}, the subscriber's {@code _id}), asked of the
 * catalog by {@link KeyRule}.
 *
 * <p>The initial and incremental snapshots and the test_decoding parser describe tables with {@link #IS_KEY_COLUMN}
 * ({@link TestDecodingCatalogLoader}); pgoutput's Relation messages flag every column under FULL, so the stream's
 * {@code ChangeAssembler} keys those tables by the {@link PrimaryKeys} loaded here at the start of each session.
 */
public final class KeyColumns {

    /** A boolean SQL expression: whether column {@code a} (pg_attribute) of table {@code c} (pg_class) keys events. */
    public static final String IS_KEY_COLUMN = KeyRule.IS_KEY_COLUMN;

    /** Every table of the database with its primary key's columns (none: one row with a null column). */
    private static final String PRIMARY_KEYS = """
            SELECT n.nspname, c.relname, a.attname
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
            LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY (i.indkey)
            WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')""";

    private static final String PRIMARY_KEY_OF_ONE = PRIMARY_KEYS + " AND n.nspname = ? AND c.relname = ?";

    private KeyColumns() {
    }

    /**
     * The primary keys of every table of the database, for one stream session; a table created later is looked up
     * once when its first Relation arrives.
     */
    public static PrimaryKeys loadPrimaryKeys(PostgresEndpoint endpoint) throws SQLException {
        try (Connection connection = endpoint.openQueryConnection();
             PreparedStatement query = connection.prepareStatement(PRIMARY_KEYS)) {
            return PrimaryKeys.fromCatalog(primaryKeys(query), table -> lookUp(endpoint, table));
        }
    }

    private static Set<String> lookUp(PostgresEndpoint endpoint, TableId table) {
        try (Connection connection = endpoint.openQueryConnection();
             PreparedStatement query = connection.prepareStatement(PRIMARY_KEY_OF_ONE)) {
            query.setString(1, table.schema());
            query.setString(2, table.table());
            return primaryKeys(query).getOrDefault(table, Set.of());
        } catch (SQLException e) {
            throw new IllegalStateException("looking up the primary key of " + table + " (first seen in the stream"
                    + " after the session started) in " + endpoint + " failed: " + e.getMessage(), e);
        }
    }

    private static Map<TableId, Set<String>> primaryKeys(PreparedStatement query) throws SQLException {
        Map<TableId, Set<String>> keys = new HashMap<>();
        try (ResultSet result = query.executeQuery()) {
            while (result.next()) {
                Set<String> key = keys.computeIfAbsent(new TableId(result.getString(1), result.getString(2)),
                        table -> new HashSet<>());
                String column = result.getString(3);
                if (column != null) {
                    key.add(column);
                }
            }
        }
        return keys;
    }
}
