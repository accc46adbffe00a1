package io.tributary.producer.replication;

import io.tributary.model.TableId;
import io.tributary.producer.decoding.ReplicationMessage.Column;
import io.tributary.producer.decoding.ReplicationMessage.Relation;
import io.tributary.producer.decoding.StreamedTable;
import io.tributary.shaping.TypeNames;
import io.tributary.shaping.source.PostgresEndpoint;
import io.tributary.shaping.source.TypeCatalogLoader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Loads, once at startup, what {@code decoding.TestDecodingParser} needs to know and test_decoding does not print:
 * the OIDs of the type names it prints, and the shape and replica identity of each streamed table. Nothing is
 * queried in the middle of the stream.
 *
 * <p>Type names are {@code format_type(oid, NULL)}, which qualifies a type with its schema when the schema is not on
 * the search path; they are loaded twice, under this connection's search path (the replication connection has the
 * same role and database, so the same one) and under {@code pg_catalog} alone (every non-built-in type qualified), so
 * either form is found. Like {@link TypeCatalogLoader}, the row types of tables are left out, except those a
 * streamed table's column has.
 *
 * <p>Each streamed table becomes a Relation as pgoutput would send it: the table's OID as relation id, its
 * {@code relreplident}, its columns in order with the key flag on the columns that key its events
 * ({@link KeyColumns}: the primary key under DEFAULT and FULL, the index's columns under USING INDEX, every column
 * under FULL without a primary key, none under NOTHING), generated columns left out (pgoutput does not send them
 * before PostgreSQL 18; test_decoding prints them).
 */
public final class TestDecodingCatalogLoader {

    static final String TYPE_NAMES_QUERY = """
            SELECT t.oid, format_type(t.oid, NULL) AS type_name
            FROM pg_type t
            LEFT JOIN pg_type e ON e.oid = t.typelem AND e.typarray = t.oid
            LEFT JOIN pg_class r ON r.oid = t.typrelid
            LEFT JOIN pg_class er ON er.oid = e.typrelid
            WHERE coalesce(r.relkind, 'c') = 'c' AND coalesce(er.relkind, 'c') = 'c'""";

    static final String TABLE_QUERY = """
            SELECT c.oid AS table_oid, c.relkind, c.relreplident, a.attname, a.atttypid, a.atttypmod,
                   a.attgenerated <> '' AS generated,
            """ + KeyColumns.IS_KEY_COLUMN + """
             AS key
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE n.nspname = ? AND c.relname = ?
            ORDER BY a.attnum""";

    private final PostgresEndpoint endpoint;

    public TestDecodingCatalogLoader(PostgresEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /**
     * The type names of the database, and those of the streamed tables' columns.
     *
     * @param streamedTables the tables {@link #loadTables} returned, whose column types are always included
     */
    public TypeNames loadTypeNames(List<StreamedTable> streamedTables) throws SQLException {
        Map<String, Integer> oids = new HashMap<>(8192);
        try (Connection connection = endpoint.openQueryConnection();
             Statement statement = connection.createStatement()) {
            addTypeNames(statement, oids);
            addColumnTypeNames(connection, streamedTables, oids);
            statement.execute("SET search_path = pg_catalog");
            addTypeNames(statement, oids);
            addColumnTypeNames(connection, streamedTables, oids);
        }
        return TypeNames.of(oids);
    }

    /**
     * The shape and replica identity of each table, as a Relation, and its generated columns.
     *
     * @throws IllegalStateException naming a table that does not exist, or that is partitioned (test_decoding names
     *                               the partitions)
     */
    public List<StreamedTable> loadTables(List<TableId> tables) throws SQLException {
        List<StreamedTable> relations = new ArrayList<>(tables.size());
        try (Connection connection = endpoint.openQueryConnection();
             PreparedStatement query = connection.prepareStatement(TABLE_QUERY)) {
            for (TableId table : tables) {
                relations.add(relation(query, table));
            }
        }
        return relations;
    }

    private static StreamedTable relation(PreparedStatement query, TableId table) throws SQLException {
        query.setString(1, table.schema());
        query.setString(2, table.table());
        int oid = 0;
        char replicaIdentity = 'd';
        List<Column> columns = new ArrayList<>();
        Set<String> generated = new HashSet<>();
        try (ResultSet result = query.executeQuery()) {
            while (result.next()) {
                oid = (int) result.getLong("table_oid");
                if ("p".equals(result.getString("relkind"))) {
                    throw new IllegalStateException("table " + table + " is partitioned: test_decoding names the"
                            + " partition of each change, not " + table + ", so its changes would be dropped; list"
                            + " its partitions in tributary.postgres.tables, or use the pgoutput plugin");
                }
                replicaIdentity = result.getString("relreplident").charAt(0);
                if (result.getBoolean("generated")) {
                    generated.add(result.getString("attname"));
                    continue;
                }
                columns.add(new Column(result.getBoolean("key"), result.getString("attname"),
                        (int) result.getLong("atttypid"), result.getInt("atttypmod")));
            }
        }
        if (oid == 0) {
            throw new IllegalStateException("table " + table + " does not exist or has no columns; test_decoding"
                    + " cannot stream it");
        }
        return new StreamedTable(new Relation(oid, table.schema(), table.table(), replicaIdentity, columns),
                generated);
    }

    private static void addTypeNames(Statement statement, Map<String, Integer> oids) throws SQLException {
        try (ResultSet result = statement.executeQuery(TYPE_NAMES_QUERY)) {
            while (result.next()) {
                oids.putIfAbsent(result.getString("type_name"), (int) result.getLong("oid"));
            }
        }
    }

    /** The column types of the streamed tables, row types of tables included, by the names this session prints. */
    private static void addColumnTypeNames(Connection connection, List<StreamedTable> tables,
                                           Map<String, Integer> oids) throws SQLException {
        StringJoiner tableOids = new StringJoiner(",", "{", "}");
        tables.forEach(table -> tableOids.add(Integer.toUnsignedString(table.relation().relationId())));
        try (PreparedStatement query = connection.prepareStatement("SELECT DISTINCT a.atttypid,"
                + " format_type(a.atttypid, NULL) AS type_name FROM pg_attribute a"
                + " WHERE a.attrelid = ANY (?::oid[]) AND a.attnum > 0 AND NOT a.attisdropped")) {
            query.setString(1, tableOids.toString());
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    oids.putIfAbsent(result.getString("type_name"), (int) result.getLong("atttypid"));
                }
            }
        }
    }
}
