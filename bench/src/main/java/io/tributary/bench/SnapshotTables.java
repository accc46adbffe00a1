package io.tributary.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The snapshot benchmark's tables in schema {@value #SCHEMA} of one database: {@code snap_1} … {@code snap_T}, each of
 * one {@link Shape}. They are filled on the server ({@code INSERT … SELECT … FROM generate_series}), then frozen and
 * analysed, so that {@code pg_class.reltuples} is exact and neither reader of the tables (the producer's snapshot,
 * Debezium's, or the COPY baseline) pays for setting hint bits the other then finds set.
 */
final class SnapshotTables {

    static final String SCHEMA = "bench";

    /** What a row holds. */
    enum Shape {
        /**
         * What users' tables look like (an order): bigint key, text, {@code numeric(12,2)}, a {@code text[]} of 2–4
         * tags, a {@code jsonb} document of five fields (one a nested array), two {@code timestamptz}; about 270
         * bytes a row as COPY text.
         */
        ORDERS("id bigint NOT NULL, customer text NOT NULL, status text NOT NULL, note text,"
                + " total numeric(12,2) NOT NULL, tags text[] NOT NULL, details jsonb NOT NULL,"
                + " created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL",
                "g, 'customer ' || g % 100003, (ARRAY['new', 'paid', 'shipped', 'delivered', 'returned'])[g % 5 + 1],"
                        + " CASE WHEN g % 4 = 0 THEN NULL ELSE 'leave at door, ring ' || md5(g::text) END,"
                        + " (g % 10000000) / 100.0,"
                        + " CASE g % 3 WHEN 0 THEN ARRAY['gift', 't' || g % 7] WHEN 1 THEN ARRAY['t' || g % 7,"
                        + " 'u' || g % 11, 'express'] ELSE ARRAY['t' || g % 7, 'u' || g % 11, 'v' || g % 13,"
                        + " 'fragile'] END,"
                        + " jsonb_build_object('sku', 'SKU-' || g % 9973, 'quantity', g % 9 + 1, 'gift', g % 5 = 0,"
                        + " 'channel', (ARRAY['web', 'app', 'store'])[g % 3 + 1],"
                        + " 'dimensions', jsonb_build_array(g % 50 + 0.5, g % 30 + 1, g % 20 + 2)),"
                        + " timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second',"
                        + " timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second' + (g % 86400) * interval"
                        + " '1 second 250 ms'"),
        /**
         * The first snapshot benchmark's table (docs/performance.md's older figures): bigint key, three text, numeric,
         * one timestamptz, boolean and a small jsonb; about 200 bytes a row as COPY text.
         */
        SIMPLE("id bigint NOT NULL, name text NOT NULL, email text NOT NULL, note text, amount numeric(12,2) NOT NULL,"
                + " created_at timestamptz NOT NULL, active boolean NOT NULL, attributes jsonb NOT NULL",
                "g, 'customer ' || g, 'customer.' || g || '@example.com', repeat(md5(g::text), 2), (g % 1000000) / 100.0,"
                        + " timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second', g % 3 = 0,"
                        + " jsonb_build_object('tier', g % 5, 'tags', jsonb_build_array('t' || g % 7, 'u' || g % 11),"
                        + " 'score', g % 1000)");

        private final String columns;
        private final String rowOfG;

        Shape(String columns, String rowOfG) {
            this.columns = columns;
            this.rowOfG = rowOfG;
        }

        /** How the report names it. */
        String describe() {
            return this == ORDERS ? "orders (bigint key, text, numeric(12,2), text[], jsonb, 2 timestamptz)"
                    : "simple (bigint key, text, numeric, timestamptz, boolean, jsonb)";
        }
    }

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final List<String> names;
    private final long rows;
    private final Shape shape;

    /** {@code rows} spread over {@code tables} tables (the first ones get one more when it does not divide). */
    SnapshotTables(String jdbcUrl, String user, String password, int tables, long rows, Shape shape) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.rows = rows;
        this.shape = shape;
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
                statement.execute("CREATE TABLE " + table + " (" + shape.columns + ")"
                        + " WITH (autovacuum_enabled = false)");
                long inserted = statement.executeUpdate("INSERT INTO " + table + " SELECT " + shape.rowOfG
                        + " FROM generate_series(" + firstId + ", " + (firstId + tableRows - 1) + ") g");
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
        try (Connection connection = connect()) {
            return HeapSize.ofTables(connection, names);
        }
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }
}
