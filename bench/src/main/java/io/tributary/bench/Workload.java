package io.tributary.bench;

import io.tributary.model.Lsn;
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
 * The benchmark's fixed workload on three tables of schema {@value #SCHEMA}: a shop's customers, orders and order
 * lines. Every change is counted exactly (each statement's row count is checked), so the drains' rates are
 * changes per second of a known total.
 *
 * <p>Order of use: {@link #createSchema}, {@link #createSlot} (one per drain, before any change), then
 * {@link #writeSmallTransactions}, {@link #writeBulkTransaction}, and last {@link #commitEndMarker}, whose position
 * is where both drains stop. Not thread-safe; the small transactions use their own connections internally.
 */
final class Workload {

    static final String SCHEMA = "bench";
    static final String PUBLICATION = "bench";
    static final List<String> TABLES = List.of("bench.customers", "bench.orders", "bench.order_lines");
    /** Insert an order, insert two lines, update the customer, then update an order or delete a line. */
    static final int CHANGES_PER_SMALL_TRANSACTION = 5;
    private static final int CUSTOMERS = 10_000;
    /** Bulk orders get ids from here, far above the small transactions' orders. */
    private static final long BULK_ORDER_IDS = 1_000_000_000_000L;

    private final String jdbcUrl;
    private final String user;
    private final String password;

    Workload(String jdbcUrl, String user, String password) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    /** What was written, and where in the WAL. */
    record SmallTransactions(long transactions, long changes, int writers, Duration took) {
    }

    /** @param startLsn the WAL insert position just before the bulk statement (every small change lies before it) */
    record BulkTransaction(long rows, Lsn startLsn, Duration took) {
    }

    /**
     * Creates the tables (autovacuum off, so it does not compete with the drains), seeds the customers and creates
     * the publication. Nothing here is streamed: the slots are created afterwards.
     */
    void createSchema() throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + SCHEMA);
            statement.execute("CREATE TABLE bench.customers (id bigint PRIMARY KEY, name text NOT NULL,"
                    + " email text NOT NULL, order_count int NOT NULL, updated_at timestamptz NOT NULL)"
                    + " WITH (autovacuum_enabled = false)");
            statement.execute("CREATE TABLE bench.orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL,"
                    + " status text NOT NULL, total numeric(12,2) NOT NULL, created_at timestamptz NOT NULL)"
                    + " WITH (autovacuum_enabled = false)");
            statement.execute("CREATE TABLE bench.order_lines (order_id bigint, line_no int, sku text NOT NULL,"
                    + " quantity int NOT NULL, price numeric(10,2) NOT NULL, PRIMARY KEY (order_id, line_no))"
                    + " WITH (autovacuum_enabled = false)");
            statement.execute("INSERT INTO bench.customers SELECT g, 'customer ' || g, 'c' || g || '@example.com',"
                    + " 0, now() FROM generate_series(1, " + CUSTOMERS + ") g");
            statement.execute("CREATE PUBLICATION " + PUBLICATION + " FOR TABLE " + String.join(", ", TABLES));
        }
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
     * Writes at least {@code changes} row changes as transactions of {@value #CHANGES_PER_SMALL_TRANSACTION}, spread
     * over {@code writers} connections, each writing its own range of orders.
     */
    SmallTransactions writeSmallTransactions(long changes, int writers) throws SQLException, InterruptedException {
        long transactions = (changes + CHANGES_PER_SMALL_TRANSACTION - 1) / CHANGES_PER_SMALL_TRANSACTION;
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (int writer = 0; writer < writers; writer++) {
                long first = 1 + transactions * writer / writers;
                long end = 1 + transactions * (writer + 1) / writers;
                done.add(pool.submit(() -> {
                    writeOrders(first, end);
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
        return new SmallTransactions(transactions, transactions * CHANGES_PER_SMALL_TRANSACTION, writers,
                Duration.ofNanos(System.nanoTime() - started));
    }

    /** One writer: orders {@code first} (inclusive) to {@code end} (exclusive), one transaction each. */
    private void writeOrders(long first, long end) throws SQLException {
        try (Connection connection = connect();
             PreparedStatement insertOrder = connection.prepareStatement("INSERT INTO bench.orders"
                     + " (id, customer_id, status, total, created_at) VALUES (?, ?, 'new', ?, now())");
             PreparedStatement insertLines = connection.prepareStatement("INSERT INTO bench.order_lines"
                     + " (order_id, line_no, sku, quantity, price) VALUES (?, 1, ?, ?, ?), (?, 2, ?, ?, ?)");
             PreparedStatement updateCustomer = connection.prepareStatement("UPDATE bench.customers"
                     + " SET order_count = order_count + 1, updated_at = now() WHERE id = ?");
             PreparedStatement payOrder = connection.prepareStatement(
                     "UPDATE bench.orders SET status = 'paid' WHERE id = ?");
             PreparedStatement deleteLine = connection.prepareStatement(
                     "DELETE FROM bench.order_lines WHERE order_id = ? AND line_no = 2")) {
            connection.setAutoCommit(false);
            for (long order = first; order < end; order++) {
                long customer = 1 + order % CUSTOMERS;
                insertOrder.setLong(1, order);
                insertOrder.setLong(2, customer);
                insertOrder.setBigDecimal(3, java.math.BigDecimal.valueOf(order % 100_000, 2));
                expectRows(insertOrder, 1);
                for (int line = 0; line < 2; line++) {
                    insertLines.setLong(1 + 4 * line, order);
                    insertLines.setString(2 + 4 * line, "SKU-" + (order * 7 + line) % 50_000);
                    insertLines.setInt(3 + 4 * line, 1 + (int) (order % 5));
                    insertLines.setBigDecimal(4 + 4 * line, java.math.BigDecimal.valueOf(100 + order % 9_900, 2));
                }
                expectRows(insertLines, 2);
                updateCustomer.setLong(1, customer);
                expectRows(updateCustomer, 1);
                // The previous order of this writer (or this one, for its first): committed, so no lock waits.
                long earlier = order > first ? order - 1 : order;
                PreparedStatement fifth = order % 2 == 0 ? payOrder : deleteLine;
                fifth.setLong(1, earlier);
                expectRows(fifth, 1);
                connection.commit();
            }
        }
    }

    /** One transaction inserting {@code rows} orders with a single statement. */
    BulkTransaction writeBulkTransaction(long rows) throws SQLException {
        try (Connection connection = connect()) {
            Lsn start = currentInsertLsn(connection);
            long started = System.nanoTime();
            if (rows > 0) {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO bench.orders"
                        + " (id, customer_id, status, total, created_at) SELECT ? + g, 1 + g % " + CUSTOMERS
                        + ", 'imported', (g % 100000) / 100.0, now() FROM generate_series(1, ?) g")) {
                    insert.setLong(1, BULK_ORDER_IDS);
                    insert.setLong(2, rows);
                    expectRows(insert, rows);
                }
            }
            return new BulkTransaction(rows, start, Duration.ofNanos(System.nanoTime() - started));
        }
    }

    /**
     * Commits one last change (a customer insert) and returns a position taken inside that transaction, after its
     * change: every change of the workload lies before it, and the marker's commit lies after it. A drain is
     * complete once it has passed this position: {@code pg_recvlogical -E} stops there, and the producer's flushed
     * position (the end of the last fully acknowledged transaction) passes it only with the marker.
     */
    Lsn commitEndMarker() throws SQLException {
        try (Connection connection = connect()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                int inserted = statement.executeUpdate("INSERT INTO bench.customers VALUES"
                        + " (0, 'end of workload', 'end@example.com', 0, now())");
                if (inserted != 1) {
                    throw new IllegalStateException("the end marker inserted " + inserted + " rows, expected 1");
                }
            }
            Lsn end = currentInsertLsn(connection);
            connection.commit();
            return end;
        }
    }

    /** Runs a checkpoint, so that its writes do not fall into a drain's timing. */
    void checkpoint() throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("CHECKPOINT");
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

    /** Drops the slots and the schema and checkpoints, so the run's WAL can be recycled. */
    void dropEverything(List<String> slots) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            for (String slot : slots) {
                statement.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                        + " WHERE slot_name = '" + slot + "'");
            }
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
