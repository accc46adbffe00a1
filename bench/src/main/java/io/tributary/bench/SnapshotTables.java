package io.tributary.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The snapshot benchmark's tables in schema {@value #SCHEMA} of one database: {@code snap_1} … {@code snap_T}, each
 * a bigint primary key and text, numeric, timestamptz, boolean and jsonb columns, about 200 bytes a row. They are
 * filled on the server ({@code INSERT … SELECT … FROM generate_series}), then frozen and analysed, so that
 * {@code pg_class.reltuples} is exact and neither reader of the tables (the producer's snapshot or the COPY
 * baseline) pays for setting hint bits the other then finds set.
 */
final class SnapshotTables {

    static final String SCHEMA = "bench";

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final List<String> names;
    private final long rows;

    /** {@code rows} spread over {@code tables} tables (the first ones get one more when it does not divide). */
    SnapshotTables(String jdbcUrl, String user, String password, int tables, long rows) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.rows = rows;
        List<String> tableNames = new ArrayList<>(tables);
        for (int i = 1; i <= tables; i++) {
            tableNames.add(SCHEMA + ".snap_" + i);
        }
        this.names = List.copyOf(tableNames);
    }

    /** The tables as schema.table. */
    List<String> names() {
        return names;
    }

    long rows() {
        return rows;
    }

    /** Creates and fills every table; returns how long that took (not part of any measurement). */
    Duration createAndFill() throws SQLException {
        long started = System.nanoTime();
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + SCHEMA);
            long firstId = 1;
            for (int i = 0; i < names.size(); i++) {
                long tableRows = rows / names.size() + (i < rows % names.size() ? 1 : 0);
                String table = names.get(i);
                statement.execute("CREATE TABLE " + table + " (id bigint NOT NULL, name text NOT NULL,"
                        + " email text NOT NULL, note text, amount numeric(12,2) NOT NULL,"
                        + " created_at timestamptz NOT NULL, active boolean NOT NULL, attributes jsonb NOT NULL)"
                        + " WITH (autovacuum_enabled = false)");
                long inserted = statement.executeUpdate("INSERT INTO " + table + " SELECT g, 'customer ' || g,"
                        + " 'customer.' || g || '@example.com', repeat(md5(g::text), 2), (g % 1000000) / 100.0,"
                        + " timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second', g % 3 = 0,"
                        + " jsonb_build_object('tier', g % 5, 'tags', jsonb_build_array('t' || g % 7, 'u' || g % 11),"
                        + " 'score', g % 1000) FROM generate_series(" + firstId + ", " + (firstId + tableRows - 1)
                        + ") g");
                if (inserted != tableRows) {
                    throw new IllegalStateException("inserting into " + table + " wrote " + inserted + " rows, not "
                            + tableRows);
                }
                // The key after the rows: building the index once is faster than maintaining it row by row.
                statement.execute("ALTER TABLE " + table + " ADD PRIMARY KEY (id)");
                statement.execute("VACUUM (FREEZE, ANALYZE) " + table);
                firstId += tableRows;
            }
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** The tables' size on disk (heap, without indexes and TOAST), in bytes. */
    long heapBytes() throws SQLException {
        long bytes = 0;
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            for (String table : names) {
                try (var result = statement.executeQuery("SELECT pg_relation_size('" + table + "')")) {
                    result.next();
                    bytes += result.getLong(1);
                }
            }
        }
        return bytes;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }
}
