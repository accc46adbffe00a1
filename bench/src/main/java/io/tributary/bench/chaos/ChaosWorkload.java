package io.tributary.bench.chaos;

import io.tributary.model.Lsn;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The continuous workload of a chaos run on {@link ChaosTables}: {@value #WRITERS} writer threads, each on its own
 * connection, committing small transactions at an even pace (inserts, updates, deletes; now and then a primary-key
 * change, a multi-megabyte row, a truncate of one table).
 *
 * <p>It survives PostgreSQL going away: a failed transaction is rolled back (or its connection dropped) and the
 * writer reconnects every half second until the server is back. A commit whose answer never came has an unknown
 * outcome; that is fine, since the run is judged against PostgreSQL's final state, not against what was attempted.
 * Changes are counted only for transactions whose commit succeeded.
 *
 * <p>Thread-safe: {@link #start} and {@link #stop} from the run's thread, counters from the writers.
 */
final class ChaosWorkload {

    static final int WRITERS = 2;
    private static final Duration RECONNECT_EVERY = Duration.ofMillis(500);
    private static final int LARGE_ROW_MIN_BYTES = 1 << 20;
    private static final int LARGE_ROW_MAX_BYTES = 3 << 20;

    /** What a transaction changed, counted when it committed. */
    enum Change { INSERT, UPDATE, DELETE, KEY_CHANGE, LARGE_ROW, TRUNCATE }

    /**
     * @param committed  transactions whose commit succeeded
     * @param failed     transactions that failed before their commit (rolled back: lost connection, deadlock, a key
     *                   collision of a key change)
     * @param unknown    transactions whose commit was sent but not answered (the server went away meanwhile)
     * @param changes    statements' effects by kind, of committed transactions (rows; truncates as statements)
     * @param reconnects new connections after the first of each writer
     */
    record Tally(long committed, long failed, long unknown, Map<Change, Long> changes, long reconnects) {
    }

    private final String jdbcUrl;
    private final Properties connectionProperties = new Properties();
    private final long seed;
    private final long intervalNanos;
    private final int truncateOneIn;
    private final AtomicLong highestId = new AtomicLong(ChaosTables.SEEDED);
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong unknown = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private final Map<Change, AtomicLong> changes = new EnumMap<>(Change.class);
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean stopping;

    /**
     * @param rate          transactions per second over all writers
     * @param truncateOneIn one transaction in this many truncates a table (5000: one every four minutes at 20/s)
     */
    ChaosWorkload(String jdbcUrl, String user, String password, long seed, int rate, int truncateOneIn) {
        this.jdbcUrl = jdbcUrl;
        connectionProperties.setProperty("user", user);
        connectionProperties.setProperty("password", password);
        connectionProperties.setProperty("connectTimeout", "5");
        connectionProperties.setProperty("socketTimeout", "120");
        connectionProperties.setProperty("ApplicationName", "chaos-workload");
        this.seed = seed;
        this.intervalNanos = TimeUnit.SECONDS.toNanos(1) * WRITERS / rate;
        this.truncateOneIn = truncateOneIn;
        for (Change change : Change.values()) {
            changes.put(change, new AtomicLong());
        }
    }

    void start() {
        for (int i = 0; i < WRITERS; i++) {
            Random random = new Random(seed + 31L * (i + 1));
            Thread writer = new Thread(() -> write(random), "chaos-writer-" + i);
            writer.setDaemon(true);
            writers.add(writer);
            writer.start();
        }
    }

    /** Stops the writers (each finishes its transaction) and returns what they did. */
    Tally stop() throws InterruptedException {
        stopping = true;
        for (Thread writer : writers) {
            writer.join(TimeUnit.MINUTES.toMillis(2));
        }
        return tally();
    }

    Tally tally() {
        Map<Change, Long> counts = new EnumMap<>(Change.class);
        changes.forEach((change, count) -> counts.put(change, count.get()));
        return new Tally(committed.get(), failed.get(), unknown.get(), counts,
                Math.max(0, connections.get() - writers.size()));
    }

    /**
     * Commits one last change (an update of a customer) and returns a WAL position taken inside that transaction,
     * after its change: once the slot's confirmed position is past it, every change of the workload is in Kafka.
     * Retries until PostgreSQL answers.
     */
    Lsn commitEndMarker(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Connection connection = DriverManager.getConnection(jdbcUrl, connectionProperties);
                 Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("INSERT INTO chaos.customers VALUES (0, 'end of the chaos run', NULL,"
                        + " '{}', NULL, 0, now()) ON CONFLICT (id) DO UPDATE SET updated_at = now()");
                Lsn end;
                try (ResultSet result = statement.executeQuery("SELECT pg_current_wal_insert_lsn()")) {
                    result.next();
                    end = Lsn.parse(result.getString(1));
                }
                connection.commit();
                return end;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not commit the end marker within " + timeout.toSeconds()
                            + " s: " + e.getMessage(), e);
                }
                Thread.sleep(RECONNECT_EVERY.toMillis());
            }
        }
    }

    private void write(Random random) {
        Connection connection = null;
        long next = System.nanoTime();
        long largeRowOrder = 0; // an order whose large note the next transaction leaves unchanged (TOAST)
        try {
            while (!stopping) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                next = Math.max(next + intervalNanos, System.nanoTime() - TimeUnit.SECONDS.toNanos(1));
                if (connection == null) {
                    connection = connect();
                    if (connection == null) {
                        Thread.sleep(RECONNECT_EVERY.toMillis());
                        continue;
                    }
                }
                Map<Change, Integer> done = new EnumMap<>(Change.class);
                boolean committing = false;
                try {
                    largeRowOrder = transaction(connection, random, largeRowOrder, done);
                    committing = true;
                    connection.commit();
                    committed.incrementAndGet();
                    done.forEach((change, count) -> changes.get(change).addAndGet(count));
                } catch (SQLException e) {
                    (committing ? unknown : failed).incrementAndGet();
                    largeRowOrder = 0;
                    connection = rollbackOrDrop(connection);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            quietlyClose(connection);
        }
    }

    /**
     * One transaction of the mix, not committed; returns the order the next transaction should touch, or 0. The mix:
     * one in {@code truncateOneIn} truncates a table; of the rest, 0.35 % write a large note (and the writer's
     * next transaction updates that order leaving the note unchanged), 3 % change a key, 35 % insert an order with its
     * lines and update its customer, 30 % update an order and its lines, 10 % delete an order and its lines, 21.65 %
     * insert or update a customer.
     */
    private long transaction(Connection connection, Random random, long largeRowOrder, Map<Change, Integer> done)
            throws SQLException {
        if (largeRowOrder != 0) {
            // The note stays as it is: pgoutput sends it as an unchanged TOAST value, which the subscriber must merge.
            done.merge(Change.UPDATE, update(connection, "UPDATE chaos.orders SET status = 'noted', total = total + 1"
                    + " WHERE id = ?", largeRowOrder), Integer::sum);
            return 0;
        }
        if (random.nextInt(truncateOneIn) == 0) {
            String table = ChaosTables.TABLES.get(random.nextInt(ChaosTables.TABLES.size()));
            try (Statement statement = connection.createStatement()) {
                statement.execute("TRUNCATE " + table);
            }
            done.merge(Change.TRUNCATE, 1, Integer::sum);
            return 0;
        }
        int dice = random.nextInt(2000);
        if (dice < 7) {
            return largeRow(connection, random, done);
        }
        if (dice < 67) {
            keyChange(connection, random, done);
        } else if (dice < 767) {
            newOrder(connection, random, done);
        } else if (dice < 1367) {
            long order = pick(connection, "chaos.orders", random);
            done.merge(Change.UPDATE, update(connection, "UPDATE chaos.orders SET status = (ARRAY['paid', 'shipped',"
                    + " 'delivered'])[1 + (random() * 2)::int], total = total + 0.5, attributes = attributes"
                    + " || jsonb_build_object('touched', now()::text) WHERE id = ?", order)
                    + update(connection, "UPDATE chaos.order_lines SET qty = qty + 1 WHERE order_id = ?", order),
                    Integer::sum);
        } else if (dice < 1567) {
            long order = pick(connection, "chaos.orders", random);
            done.merge(Change.DELETE, update(connection, "DELETE FROM chaos.order_lines WHERE order_id = ?", order)
                    + update(connection, "DELETE FROM chaos.orders WHERE id = ?", order), Integer::sum);
        } else if (random.nextBoolean()) {
            long id = nextId(connection);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO chaos.customers VALUES"
                    + " (?, 'customer ' || ?, NULL, ARRAY['new'], NULL, 0, now())")) {
                insert.setLong(1, id);
                insert.setLong(2, id);
                done.merge(Change.INSERT, insert.executeUpdate(), Integer::sum);
            }
        } else {
            long customer = pick(connection, "chaos.customers", random);
            done.merge(Change.UPDATE, update(connection, "UPDATE chaos.customers SET tags = tags || ('t'"
                    + " || (random() * 9)::int), profile = jsonb_build_object('visits', coalesce((profile ->>"
                    + " 'visits')::int, 0) + 1, 'nested', jsonb_build_object('a', ARRAY[1, 2])), balance = balance"
                    + " + 1.25, updated_at = now() WHERE id = ?", customer), Integer::sum);
        }
        return 0;
    }

    private void newOrder(Connection connection, Random random, Map<Change, Integer> done) throws SQLException {
        long order = nextId(connection);
        long customer = pick(connection, "chaos.customers", random);
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO chaos.orders VALUES (?, ?, 'new', ?,"
                + " jsonb_build_object('channel', 'web', 'items', ?), ARRAY['fresh'], NULL, now())");
             PreparedStatement lines = connection.prepareStatement("INSERT INTO chaos.order_lines"
                     + " SELECT ?, k, 'SKU-' || k, k, 9.99 FROM generate_series(1, ?) k")) {
            insert.setLong(1, order);
            insert.setLong(2, customer);
            insert.setBigDecimal(3, java.math.BigDecimal.valueOf(random.nextInt(100_000), 2));
            int items = 1 + random.nextInt(3);
            insert.setInt(4, items);
            lines.setLong(1, order);
            lines.setInt(2, items);
            done.merge(Change.INSERT, insert.executeUpdate() + lines.executeUpdate(), Integer::sum);
        }
        done.merge(Change.UPDATE, update(connection, "UPDATE chaos.customers SET balance = balance - 1,"
                + " updated_at = now() WHERE id = ?", customer), Integer::sum);
    }

    /** A key change of one of the three tables (an order's moves its lines too). */
    private void keyChange(Connection connection, Random random, Map<Change, Integer> done) throws SQLException {
        switch (random.nextInt(3)) {
            case 0 -> {
                long customer = pick(connection, "chaos.customers", random);
                done.merge(Change.KEY_CHANGE, update(connection, "UPDATE chaos.customers SET id = "
                        + nextId(connection) + ", updated_at = now() WHERE id = ?", customer), Integer::sum);
            }
            case 1 -> {
                long order = pick(connection, "chaos.orders", random);
                long moved = nextId(connection);
                done.merge(Change.KEY_CHANGE, update(connection, "UPDATE chaos.orders SET id = " + moved
                        + " WHERE id = ?", order) + update(connection, "UPDATE chaos.order_lines SET order_id = "
                        + moved + " WHERE order_id = ?", order), Integer::sum);
            }
            default -> {
                long order = pick(connection, "chaos.order_lines", "order_id", random);
                done.merge(Change.KEY_CHANGE, update(connection, "UPDATE chaos.order_lines SET line_no = line_no + 10"
                        + " WHERE order_id = ? AND line_no = (SELECT max(line_no) FROM chaos.order_lines WHERE"
                        + " order_id = ?)", order, order), Integer::sum);
            }
        }
    }

    /** Writes a note of 1–3 MB into an order (a new one, or an existing one); returns that order. */
    private long largeRow(Connection connection, Random random, Map<Change, Integer> done) throws SQLException {
        String note = largeText(random);
        if (random.nextBoolean()) {
            long order = nextId(connection);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO chaos.orders VALUES (?, 1,"
                    + " 'large', 1, '{}', NULL, ?, now())")) {
                insert.setLong(1, order);
                insert.setString(2, note);
                done.merge(Change.LARGE_ROW, insert.executeUpdate(), Integer::sum);
            }
            return order;
        }
        long order = pick(connection, "chaos.orders", random);
        try (PreparedStatement update = connection.prepareStatement("UPDATE chaos.orders SET note = ? WHERE id = ?")) {
            update.setString(1, note);
            update.setLong(2, order);
            done.merge(Change.LARGE_ROW, update.executeUpdate(), Integer::sum);
        }
        return order;
    }

    private static String largeText(Random random) {
        int length = LARGE_ROW_MIN_BYTES + random.nextInt(LARGE_ROW_MAX_BYTES - LARGE_ROW_MIN_BYTES);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            int c = random.nextInt(27);
            text.append(c == 26 ? ' ' : (char) ('a' + c));
        }
        return text.toString();
    }

    /** The first key at or above a random one below the highest issued: an existing row, mostly; 0 if none. */
    private long pick(Connection connection, String table, Random random) throws SQLException {
        return pick(connection, table, "id", random);
    }

    private long pick(Connection connection, String table, String column, Random random) throws SQLException {
        long from = 1 + (long) (random.nextDouble() * highestId.get());
        try (PreparedStatement query = connection.prepareStatement("SELECT " + column + " FROM " + table + " WHERE "
                + column + " >= ? ORDER BY " + column + " LIMIT 1")) {
            query.setLong(1, from);
            try (ResultSet result = query.executeQuery()) {
                return result.next() ? result.getLong(1) : 0;
            }
        }
    }

    private long nextId(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT nextval('" + ChaosTables.IDS + "')")) {
            result.next();
            long id = result.getLong(1);
            highestId.accumulateAndGet(id, Math::max);
            return id;
        }
    }

    private static int update(Connection connection, String sql, long... keys) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < keys.length; i++) {
                statement.setLong(i + 1, keys[i]);
            }
            return statement.executeUpdate();
        }
    }

    /** A new connection in a transaction, or null while PostgreSQL does not accept one. */
    private Connection connect() {
        try {
            Connection connection = DriverManager.getConnection(jdbcUrl, connectionProperties);
            connection.setAutoCommit(false);
            connections.incrementAndGet();
            return connection;
        } catch (SQLException e) {
            return null;
        }
    }

    /** Rolls back; returns the connection, or null when it is broken (then it is closed). */
    private static Connection rollbackOrDrop(Connection connection) {
        try {
            connection.rollback();
            if (connection.isValid(2)) {
                return connection;
            }
        } catch (SQLException e) {
            // broken: dropped below
        }
        quietlyClose(connection);
        return null;
    }

    private static void quietlyClose(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // gone anyway
            }
        }
    }
}
