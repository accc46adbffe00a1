package io.tributary.bench.chaos;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The chaos run's three tables in schema {@value #SCHEMA}, between them every kind of value the pipeline converts
 * specially: {@code customers} (bigint key, {@code text[]}, {@code jsonb}, {@code numeric}, {@code timestamptz}),
 * {@code orders} (the same, plus {@code note}, the column large rows fill) and {@code order_lines} (a composite key).
 * No foreign keys, so a truncate of any one table is allowed. New keys come from the sequence {@value #IDS}, above
 * every seeded key.
 */
final class ChaosTables {

    static final String SCHEMA = "chaos";
    static final List<String> TABLES = List.of("chaos.customers", "chaos.orders", "chaos.order_lines");
    static final String IDS = "chaos.ids";
    /** Seeded rows per table (lines: two per order), streamed by the producer's initial snapshot. */
    static final int SEEDED = 2000;

    private ChaosTables() {
    }

    /** Creates the tables and the sequence and seeds them; the producer's initial snapshot will read the seed. */
    static void createAndSeed(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + SCHEMA);
            statement.execute("CREATE TABLE chaos.customers (id bigint PRIMARY KEY, name text NOT NULL, email text,"
                    + " tags text[] NOT NULL, profile jsonb, balance numeric(14,2) NOT NULL,"
                    + " updated_at timestamptz NOT NULL)");
            statement.execute("CREATE TABLE chaos.orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL,"
                    + " status text NOT NULL, total numeric(12,2) NOT NULL, attributes jsonb NOT NULL,"
                    + " labels text[], note text, created_at timestamptz NOT NULL)");
            statement.execute("CREATE TABLE chaos.order_lines (order_id bigint, line_no int, sku text NOT NULL,"
                    + " qty int NOT NULL, price numeric(10,2) NOT NULL, PRIMARY KEY (order_id, line_no))");
            statement.execute("CREATE SEQUENCE " + IDS + " START " + (SEEDED + 1));
            statement.execute("INSERT INTO chaos.customers SELECT g, 'customer ' || g, 'c' || g || '@example.com',"
                    + " ARRAY['seed', 't' || g % 7], jsonb_build_object('tier', g % 3, 'since', 2000 + g % 25),"
                    + " (g % 10000) / 100.0, now() FROM generate_series(1, " + SEEDED + ") g");
            statement.execute("INSERT INTO chaos.orders SELECT g, 1 + g % " + SEEDED + ", 'new', (g % 5000) / 10.0,"
                    + " jsonb_build_object('channel', (ARRAY['web', 'app'])[1 + g % 2], 'n', g), ARRAY['l' || g % 5],"
                    + " NULL, now() FROM generate_series(1, " + SEEDED + ") g");
            statement.execute("INSERT INTO chaos.order_lines SELECT g, k, 'SKU-' || (g * 7 + k) % 500, 1 + k,"
                    + " (g % 900) / 10.0 + 1 FROM generate_series(1, " + SEEDED + ") g, generate_series(1, 2) k");
        }
    }
}
