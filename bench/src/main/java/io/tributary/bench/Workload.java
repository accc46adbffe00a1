package io.tributary.bench;

import io.tributary.model.Lsn;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The producer benchmark's workload on one table that looks like users' tables: {@value #TABLE} with a numeric
 * total, a {@code text[]} of tags, a {@code jsonb} document, a note and two {@code timestamptz}, under
 * {@code REPLICA IDENTITY FULL}, so every update and delete carries the whole old row. Every change is counted
 * exactly (each statement's row count is checked), so the drains' rates are changes per second of a known total.
 *
 * <p>Order of use: {@link #createSchema} once, then per phase {@link #createSlot} (one per drain, before any change
 * of the phase), {@link #writeSmallTransactions} or {@link #writeBulkTransaction}, and last {@link #commitEndMarker},
 * whose positions are where every drain of the phase stops. Not thread-safe; the small transactions use their own
 * connections internally.
 */
final class Workload {

    static final String SCHEMA = "bench";
    static final String PUBLICATION = "bench";
    static final String TABLE = "bench.orders";
    static final List<String> TABLES = List.of(TABLE);
    /** Insert an order, pay the writer's previous one, re-order a seeded one, delete another seeded one. */
    static final int CHANGES_PER_SMALL_TRANSACTION = 4;
    /** Seeded orders 1..{@value} are updated by the small transactions; the ones above are deleted, once each. */
    private static final long UPDATED_SEED_ORDERS = 50_000;
    /** Orders written after the seed get ids from here. */
    private static final long NEW_ORDER_IDS = 1_000_000_000L;
    /** Bulk orders get ids from here, far above the small transactions' orders. */
    private static final long BULK_ORDER_IDS = 1_000_000_000_000L;
    /** The columns every insert writes, in this order. */
    private static final String COLUMNS = "(id, customer_id, status, total, tags, attributes, note, created_at,"
            + " updated_at)";

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private long deletedUpTo;
    private long nextNewOrder = NEW_ORDER_IDS;
    private int markers;

    Workload(String jdbcUrl, String user, String password) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    /** What was written. */
    record Written(long transactions, long changes, int writers, Duration took) {
    }

    /**
     * Creates the table (autovacuum off, so it does not compete with the drains), seeds the
     * {@value #UPDATED_SEED_ORDERS} orders the small transactions update and {@code deletableSeedOrders} more for them
     * to delete, and creates the publication. Nothing here is streamed: the slots are created afterwards.
     */
    void createSchema(long deletableSeedOrders) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + SCHEMA);
            statement.execute("CREATE TABLE " + TABLE + " (id bigint PRIMARY KEY, customer_id bigint NOT NULL,"
                    + " status text NOT NULL, total numeric(12,2) NOT NULL, tags text[] NOT NULL,"
                    + " attributes jsonb NOT NULL, note text, created_at timestamptz NOT NULL,"
                    + " updated_at timestamptz NOT NULL) WITH (autovacuum_enabled = false)");
            statement.execute("ALTER TABLE " + TABLE + " REPLICA IDENTITY FULL");
            statement.execute("INSERT INTO " + TABLE + " " + COLUMNS + " SELECT " + generatedOrder("0")
                    + " FROM generate_series(1, " + (UPDATED_SEED_ORDERS + deletableSeedOrders) + ") g");
            statement.execute("CREATE PUBLICATION " + PUBLICATION + " FOR TABLE " + TABLE);
            deletedUpTo = UPDATED_SEED_ORDERS;
        }
    }

    /**
     * The select list of an order numbered {@code g} (plus {@code offset}): what a shop's order row holds — a few
     * hundred bytes with a nested jsonb document, two or three tags and a note on every fifth order.
     */
    private static String generatedOrder(String offset) {
        return offset + " + g, 1 + g % 100000, (ARRAY['new','paid','shipped','delivered'])[1 + g % 4],"
                + " (g % 100000) / 100.0 + 0.99,"
                + " CASE WHEN g % 3 = 0 THEN ARRAY['priority','b2b','gift'] ELSE ARRAY['web','returning'] END,"
                + " jsonb_build_object('channel', (ARRAY['web','app','store'])[1 + g % 3], 'items', 1 + g % 9,"
                + " 'coupon', CASE WHEN g % 7 = 0 THEN 'SPRING' || g % 100 END, 'gift', g % 11 = 0,"
                + " 'shipping', jsonb_build_object('method', (ARRAY['standard','express'])[1 + g % 2],"
                + " 'city', 'City ' || g % 5000, 'zip', lpad((g % 99999)::text, 5, '0'), 'weight_kg', (g % 400) / 10.0)),"
                + " CASE WHEN g % 5 = 0 THEN 'Please leave the parcel with the neighbour at number ' || g % 200 END,"
                + " now() - (g % 86400) * interval '1 second', now()";
    }

    /** Creates a pgoutput slot now; it will stream every change committed from here on. Returns its position. */
    Lsn createSlot(String slot) throws SQLException {
        try (Connection connection = connect();
             PreparedStatement create = connection.prepareStatement(
                     "SELECT lsn FROM pg_create_logical_replication_slot(?, 'pgoutput')")) {
            create.setString(1, slot);
            try (ResultSet result = create.executeQuery()) {
                result.next();
                return Lsn.parse(result.getString(1));
            }
        }
    }

    /**
     * Writes {@code transactions} transactions of {@value #CHANGES_PER_SMALL_TRANSACTION} changes, spread over
     * {@code writers} connections, each writing its own range of orders. Needs that many deletable seed orders left.
     */
    Written writeSmallTransactions(long transactions, int writers) throws SQLException, InterruptedException {
        long started = System.nanoTime();
        long firstNew = nextNewOrder;
        long firstDeleted = deletedUpTo + 1;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (int writer = 0; writer < writers; writer++) {
                long first = transactions * writer / writers;
                long end = transactions * (writer + 1) / writers;
                done.add(pool.submit(() -> {
                    writeOrders(firstNew, firstDeleted, first, end);
                    return null;
                }));
            }
            for (Future<Void> writer : done) {
                writer.get();
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new IllegalStateException("a workload writer failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        nextNewOrder += transactions;
        deletedUpTo += transactions;
        return new Written(transactions, transactions * CHANGES_PER_SMALL_TRANSACTION, writers,
                Duration.ofNanos(System.nanoTime() - started));
    }

    /** One writer: transactions {@code first} (inclusive) to {@code end} (exclusive) of the phase. */
    private void writeOrders(long firstNew, long firstDeleted, long first, long end) throws SQLException {
        try (Connection connection = connect();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO " + TABLE + " " + COLUMNS
                     + " VALUES (?, ?, 'new', ?, ARRAY['web', ?], ?::jsonb, NULL, now(), now())");
             PreparedStatement pay = connection.prepareStatement("UPDATE " + TABLE + " SET status = 'paid',"
                     + " attributes = attributes || jsonb_build_object('paid_at', now(), 'payment', 'card'),"
                     + " updated_at = now() WHERE id = ?");
             PreparedStatement reorder = connection.prepareStatement("UPDATE " + TABLE + " SET total = total + 1,"
                     + " tags = tags[1:2] || 'reordered'::text, updated_at = now() WHERE id = ?");
             PreparedStatement delete = connection.prepareStatement("DELETE FROM " + TABLE + " WHERE id = ?")) {
            connection.setAutoCommit(false);
            for (long transaction = first; transaction < end; transaction++) {
                long order = firstNew + transaction;
                insert.setLong(1, order);
                insert.setLong(2, 1 + order % 100_000);
                insert.setBigDecimal(3, BigDecimal.valueOf(order % 1_000_000, 2));
                insert.setString(4, transaction % 3 == 0 ? "priority" : "returning");
                insert.setString(5, "{\"channel\": \"web\", \"items\": " + (1 + order % 9) + ", \"coupon\": null,"
                        + " \"gift\": false, \"shipping\": {\"method\": \"standard\", \"city\": \"City "
                        + order % 5000 + "\", \"zip\": \"" + String.format("%05d", order % 99_999)
                        + "\", \"weight_kg\": " + (order % 400) / 10.0 + "}}");
                expectRows(insert, 1);
                // The previous order of this writer (or this one, for its first): committed, so no lock waits.
                pay.setLong(1, transaction > first ? order - 1 : order);
                expectRows(pay, 1);
                reorder.setLong(1, 1 + transaction % UPDATED_SEED_ORDERS);
                expectRows(reorder, 1);
                delete.setLong(1, firstDeleted + transaction);
                expectRows(delete, 1);
                connection.commit();
            }
        }
    }

    /** One transaction inserting {@code rows} orders with a single statement. */
    Written writeBulkTransaction(long rows) throws SQLException {
        try (Connection connection = connect()) {
            long started = System.nanoTime();
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + TABLE + " " + COLUMNS
                    + " SELECT " + generatedOrder("?::bigint") + " FROM generate_series(1, ?) g")) {
                insert.setLong(1, BULK_ORDER_IDS);
                insert.setLong(2, rows);
                expectRows(insert, rows);
            }
            return new Written(1, rows, 1, Duration.ofNanos(System.nanoTime() - started));
        }
    }

    /**
     * Where a phase ends, both positions taken inside the end marker's transaction.
     *
     * @param beforeChange before the marker's change and after every other change of the phase: the marker's change,
     *                     and no other, lies at or past it (a drain that sees each change's own position, such as
     *                     Debezium's {@code source.lsn}, is complete once it has a change at or past it)
     * @param end          after the marker's change and before its commit: a drain that reports positions of
     *                     commits ({@code pg_recvlogical -E}, the producer's flushed position) is complete once it
     *                     has passed it
     */
    record EndMarker(Lsn beforeChange, Lsn end) {
    }

    /**
     * Commits one last change (an order insert with an id of its own, below every other) and returns the positions
     * just before and just after that change, inside its transaction: every change of the phase lies before the
     * first, and the marker's commit after the second. {@code pg_recvlogical -E} stops at the end, and the
     * producer's flushed position (the end of the last fully acknowledged transaction) passes it only with the marker.
     */
    EndMarker commitEndMarker() throws SQLException {
        try (Connection connection = connect()) {
            connection.setAutoCommit(false);
            markers++;
            Lsn beforeChange = currentInsertLsn(connection);
            try (Statement statement = connection.createStatement()) {
                int inserted = statement.executeUpdate("INSERT INTO " + TABLE + " " + COLUMNS + " SELECT "
                        + generatedOrder("-" + markers + " - 1") + " FROM generate_series(1, 1) g");
                if (inserted != 1) {
                    throw new IllegalStateException("the end marker inserted " + inserted + " rows, expected 1");
                }
            }
            Lsn end = currentInsertLsn(connection);
            connection.commit();
            return new EndMarker(beforeChange, end);
        }
    }

    /** Runs a checkpoint, so that its writes do not fall into a drain's timing. */
    void checkpoint() throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("CHECKPOINT");
        }
    }

    /** The WAL insert position now. */
    Lsn currentLsn() throws SQLException {
        try (Connection connection = connect()) {
            return currentInsertLsn(connection);
        }
    }

    /** The server process streaming {@code slot} right now, or 0 when none does. */
    long activePid(Connection connection, String slot) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT active_pid FROM pg_replication_slots WHERE slot_name = ?")) {
            query.setString(1, slot);
            try (ResultSet result = query.executeQuery()) {
                return result.next() ? result.getLong(1) : 0;
            }
        }
    }

    /** Drops the slots and checkpoints, so the phase's WAL can be recycled. */
    void dropSlots(List<String> slots) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            for (String slot : slots) {
                statement.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                        + " WHERE slot_name = '" + slot + "'");
            }
            statement.execute("CHECKPOINT");
        }
    }

    /** Drops the publication and the schema. */
    void dropSchema() throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("DROP PUBLICATION IF EXISTS " + PUBLICATION);
            statement.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            statement.execute("CHECKPOINT");
        }
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    private static Lsn currentInsertLsn(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT pg_current_wal_insert_lsn()")) {
            result.next();
            return Lsn.parse(result.getString(1));
        }
    }

    private static void expectRows(PreparedStatement statement, long expected) throws SQLException {
        long rows = statement.executeLargeUpdate();
        if (rows != expected) {
            throw new IllegalStateException("a workload statement changed " + rows + " rows instead of " + expected
                    + " (the change count would be wrong): " + statement);
        }
    }
}
