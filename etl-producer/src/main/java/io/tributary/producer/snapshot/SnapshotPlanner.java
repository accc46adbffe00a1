package io.tributary.producer.snapshot;

import io.tributary.model.TableId;
import io.tributary.producer.decoding.StreamedTable;
import io.tributary.producer.replication.Identifiers;
import io.tributary.producer.replication.TestDecodingCatalogLoader;
import io.tributary.shaping.source.PostgresEndpoint;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Describes each streamed table for the snapshot: its shape and key flags exactly as the stream's Relation message
 * will (the same catalog description the test_decoding parser streams with), the unique key to page by, and the
 * planner's row estimate. A partitioned table is replaced by its leaf partitions, because the stream (the
 * publication does not publish via the partition root) names each change after its partition.
 */
final class SnapshotPlanner {

    private static final String LEAF_PARTITIONS = """
            SELECT n.nspname, c.relname
            FROM pg_partition_tree(CAST(? AS regclass)) p
            JOIN pg_class c ON c.oid = p.relid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE p.isleaf AND c.relkind = 'r'
            ORDER BY 1, 2""";

    /** The primary key's columns, else the replica identity index's, in index order. */
    private static final String PAGING_COLUMNS = """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS sql_type, i.indisprimary
            FROM pg_index i
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
            WHERE i.indrelid = CAST(? AS regclass) AND (i.indisprimary OR i.indisreplident)
            ORDER BY i.indisprimary DESC, array_position(CAST(i.indkey AS int2[]), a.attnum)""";

    private SnapshotPlanner() {
    }

    /** @param tables the producer's resolved table selection */
    static List<SnapshotTable> plan(PostgresEndpoint endpoint, List<TableId> tables) throws SQLException {
        try (Connection connection = endpoint.openQueryConnection()) {
            List<TableId> leaves = leafTables(connection, tables);
            List<StreamedTable> shapes = new TestDecodingCatalogLoader(endpoint).loadTables(leaves);
            List<SnapshotTable> planned = new ArrayList<>(leaves.size());
            for (int i = 0; i < leaves.size(); i++) {
                TableId table = leaves.get(i);
                planned.add(new SnapshotTable(table, shapes.get(i).relation(), pagingColumns(connection, table),
                        estimatedRows(connection, table)));
            }
            return planned;
        }
    }

    /** The tables the stream names: each table, a partitioned one replaced by its leaf partitions. */
    static List<TableId> leaves(PostgresEndpoint endpoint, List<TableId> tables) throws SQLException {
        try (Connection connection = endpoint.openQueryConnection()) {
            return leafTables(connection, tables);
        }
    }

    private static List<TableId> leafTables(Connection connection, List<TableId> tables) throws SQLException {
        List<TableId> leaves = new ArrayList<>();
        try (PreparedStatement kind = connection.prepareStatement(
                "SELECT relkind FROM pg_class WHERE oid = CAST(? AS regclass)");
             PreparedStatement partitions = connection.prepareStatement(LEAF_PARTITIONS)) {
            for (TableId table : tables) {
                kind.setString(1, Identifiers.qualified(table));
                boolean partitioned;
                try (ResultSet result = kind.executeQuery()) {
                    partitioned = result.next() && "p".equals(result.getString(1));
                }
                if (!partitioned) {
                    leaves.add(table);
                    continue;
                }
                partitions.setString(1, Identifiers.qualified(table));
                try (ResultSet result = partitions.executeQuery()) {
                    while (result.next()) {
                        leaves.add(new TableId(result.getString(1), result.getString(2)));
                    }
                }
            }
        }
        return leaves;
    }

    private static List<PagingColumn> pagingColumns(Connection connection, TableId table) throws SQLException {
        List<PagingColumn> columns = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(PAGING_COLUMNS)) {
            query.setString(1, Identifiers.qualified(table));
            try (ResultSet result = query.executeQuery()) {
                Boolean primary = null;
                while (result.next()) {
                    boolean fromPrimaryKey = result.getBoolean("indisprimary");
                    if (primary != null && primary != fromPrimaryKey) {
                        break; // the primary key's columns came first; the identity index is not needed
                    }
                    primary = fromPrimaryKey;
                    columns.add(new PagingColumn(result.getString("attname"), result.getString("sql_type")));
                }
            }
        }
        return columns;
    }

    private static long estimatedRows(Connection connection, TableId table) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT CAST(reltuples AS bigint) FROM pg_class WHERE oid = CAST(? AS regclass)")) {
            query.setString(1, Identifiers.qualified(table));
            try (ResultSet result = query.executeQuery()) {
                return result.next() ? result.getLong(1) : -1;
            }
        }
    }
}
