package io.tributary.producer.snapshot;

import io.tributary.model.Lsn;
import io.tributary.model.TableId;
import io.tributary.producer.replication.TributarySchema;
import io.tributary.shaping.source.PostgresEndpoint;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The durable record of incremental snapshots, one row per slot and table in {@value #QUALIFIED_NAME} (in the source
 * database, beside {@link SnapshotStateTable}): which tables the slot streams, which must be (re)read while streaming
 * goes on, and how far each got.
 *
 * <p>A row is {@code pending} when a snapshot was asked for (a table new to the slot, an operator's
 * {@code scripts/snapshot.sh request}, every table after a lost slot), {@code running} once its first chunk was read,
 * with the key of the last chunk Kafka acknowledged ({@code last_key}, the paging columns' values in text form), and
 * {@code done} when every chunk and the closing sweep marker are in Kafka. A crash resumes after {@code last_key}: at
 * most the chunk in flight is read again.
 *
 * <p>Operators write to it too (the request command); the producer polls it. Created when missing (CREATE on the
 * database, as for the publication); {@link #DDL} creates it by hand.
 */
public final class TableSnapshotLedger {

    /** The table's name; {@code TableSelection} never streams it. */
    public static final String QUALIFIED_NAME = "tributary.table_snapshots";

    static final String DDL = "CREATE TABLE " + QUALIFIED_NAME + " (slot_name text NOT NULL, table_name text NOT NULL,"
            + " status text NOT NULL, reason text NOT NULL, requested_at timestamptz NOT NULL,"
            + " sweep_version pg_lsn, last_key text[], rows bigint NOT NULL DEFAULT 0,"
            + " estimated_rows bigint NOT NULL DEFAULT -1, updated_at timestamptz NOT NULL, error text,"
            + " PRIMARY KEY (slot_name, table_name))";

    /** Where a table's snapshot stands. */
    public enum Status {
        PENDING, RUNNING, DONE, FAILED;

        String column() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Status of(String column) {
            return valueOf(column.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /**
     * One table's row.
     *
     * @param requestedAt  when the snapshot was asked for; a new request of the same table changes it
     * @param sweepVersion below this version a document of the table belongs to a row that no longer exists (set
     *                     when the first chunk is read); null before
     * @param lastKey      the paging columns' values of the last chunk Kafka acknowledged; empty before the first
     * @param estimatedRows {@code pg_class.reltuples} when the snapshot began; negative when unknown
     */
    public record Entry(String slot, TableId table, Status status, String reason, OffsetDateTime requestedAt,
                        Lsn sweepVersion, List<String> lastKey, long rows, long estimatedRows, String error) {

        public Entry {
            lastKey = lastKey == null ? List.of() : List.copyOf(lastKey);
        }
    }

    private final PostgresEndpoint endpoint;

    public TableSnapshotLedger(PostgresEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /**
     * Records the tables the slot streams now, and returns those that are new to it (they get a pending snapshot).
     * A slot without any row yet (its first start, or one from before this ledger existed) records every table as
     * done: its rows came with the initial snapshot or, under {@code snapshot.mode = never}, are not wanted.
     * Rows of tables no longer streamed are removed, so a table added back later is snapshotted again.
     *
     * @param snapshotNewTables false under {@code snapshot.mode = never}: new tables are recorded as done
     */
    public List<TableId> register(String slot, Collection<TableId> streamed, boolean snapshotNewTables)
            throws SQLException {
        try (Connection connection = openCreatingIfMissing()) {
            connection.setAutoCommit(false);
            Set<TableId> known = entries(connection, slot).stream().map(Entry::table).collect(Collectors.toSet());
            boolean firstRegistration = known.isEmpty();
            List<TableId> added = new ArrayList<>();
            for (TableId table : streamed) {
                if (!known.contains(table)) {
                    boolean snapshot = snapshotNewTables && !firstRegistration;
                    insert(connection, slot, table, snapshot ? Status.PENDING : Status.DONE,
                            snapshot ? "new table" : "streamed from the start");
                    if (snapshot) {
                        added.add(table);
                    }
                }
            }
            try (PreparedStatement forget = connection.prepareStatement("DELETE FROM " + QUALIFIED_NAME
                    + " WHERE slot_name = ? AND NOT (table_name = ANY (?))")) {
                forget.setString(1, slot);
                forget.setArray(2, textArray(connection, streamed.stream().map(TableId::toString).toList()));
                forget.executeUpdate();
            }
            connection.commit();
            return added;
        }
    }

    /**
     * Asks for a (new) snapshot of each table, from its first row: the row becomes pending whatever it was, and a
     * snapshot under way starts over. A partitioned table stands for its leaf partitions.
     *
     * @param reason why, shown by the status command and the log
     * @return the tables requested (partitions in place of a partitioned table)
     */
    public List<TableId> request(String slot, List<TableId> tables, String reason) throws SQLException {
        List<TableId> leaves = SnapshotPlanner.leaves(endpoint, tables);
        try (Connection connection = openCreatingIfMissing()) {
            connection.setAutoCommit(false);
            for (TableId table : leaves) {
                try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + QUALIFIED_NAME
                        + " (slot_name, table_name, status, reason, requested_at, updated_at)"
                        + " VALUES (?, ?, 'pending', ?, now(), now()) ON CONFLICT (slot_name, table_name) DO UPDATE"
                        + " SET status = 'pending', reason = EXCLUDED.reason, requested_at = now(), updated_at = now(),"
                        + " sweep_version = NULL, last_key = NULL, rows = 0, estimated_rows = -1, error = NULL")) {
                    upsert.setString(1, slot);
                    upsert.setString(2, table.toString());
                    upsert.setString(3, reason);
                    upsert.executeUpdate();
                }
            }
            connection.commit();
        }
        return leaves;
    }

    /** Forgets every row of the slot: a new slot's initial snapshot covered every table. */
    public void forget(String slot) throws SQLException {
        try (Connection connection = endpoint.openQueryConnection()) {
            if (!TributarySchema.exists(connection, QUALIFIED_NAME)) {
                return;
            }
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + QUALIFIED_NAME
                    + " WHERE slot_name = ?")) {
                delete.setString(1, slot);
                delete.executeUpdate();
            }
        }
    }

    /** Every row of the slot, in request order. */
    public List<Entry> entries(String slot) throws SQLException {
        try (Connection connection = endpoint.openQueryConnection()) {
            return TributarySchema.exists(connection, QUALIFIED_NAME) ? entries(connection, slot) : List.of();
        }
    }

    /** The table to work on next: one already running first, else the oldest request. */
    Optional<Entry> next(Connection connection, String slot) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(SELECT + " WHERE slot_name = ? AND status IN"
                + " ('running', 'pending') ORDER BY status = 'running' DESC, requested_at, table_name LIMIT 1")) {
            query.setString(1, slot);
            try (ResultSet result = query.executeQuery()) {
                return result.next() ? Optional.of(entry(result)) : Optional.empty();
            }
        }
    }

    /** The table's snapshot begins: what the sweep will compare versions with, and the row estimate. */
    boolean markRunning(Connection connection, Entry entry, Lsn sweepVersion, long estimatedRows) throws SQLException {
        return update(connection, entry, "status = 'running', sweep_version = CAST(? AS pg_lsn), estimated_rows = ?",
                statement -> {
                    statement.setString(1, sweepVersion.toString());
                    statement.setLong(2, estimatedRows);
                    return 3;
                });
    }

    /** A chunk is in Kafka: the next one starts after {@code lastKey}. */
    boolean saveProgress(Connection connection, Entry entry, List<String> lastKey, long rows) throws SQLException {
        return update(connection, entry, "last_key = ?, rows = ?", statement -> {
            statement.setArray(1, textArray(connection, lastKey));
            statement.setLong(2, rows);
            return 3;
        });
    }

    /** Every chunk and the sweep marker are in Kafka. */
    boolean markDone(Connection connection, Entry entry, long rows) throws SQLException {
        return update(connection, entry, "status = 'done', rows = ?", statement -> {
            statement.setLong(1, rows);
            return 2;
        });
    }

    /** The table cannot be snapshotted (the message says why); other tables go on. */
    boolean markFailed(Connection connection, Entry entry, String error) throws SQLException {
        return update(connection, entry, "status = 'failed', error = ?", statement -> {
            statement.setString(1, error);
            return 2;
        });
    }

    /** Sets the parameters of an UPDATE's SET clause and returns the index of the first WHERE parameter. */
    @FunctionalInterface
    private interface Parameters {
        int set(PreparedStatement statement) throws SQLException;
    }

    /**
     * Updates the row only while it is still the request {@code entry} was read from: an operator's new request in
     * the meantime (a new {@code requested_at}) is not overwritten.
     *
     * @return false when the row belongs to a newer request (or is gone): the snapshot under way must start over
     */
    private static boolean update(Connection connection, Entry entry, String assignments, Parameters parameters)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("UPDATE " + QUALIFIED_NAME + " SET "
                + assignments + ", updated_at = now() WHERE slot_name = ? AND table_name = ? AND requested_at = ?"
                + " AND status IN ('pending', 'running')")) {
            int next = parameters.set(statement);
            statement.setString(next, entry.slot());
            statement.setString(next + 1, entry.table().toString());
            statement.setObject(next + 2, entry.requestedAt());
            return statement.executeUpdate() == 1;
        }
    }

    private static final String SELECT = "SELECT slot_name, table_name, status, reason, requested_at, sweep_version,"
            + " last_key,"
            + " rows, estimated_rows, error FROM " + QUALIFIED_NAME;

    private static List<Entry> entries(Connection connection, String slot) throws SQLException {
        List<Entry> entries = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(SELECT
                + " WHERE slot_name = ? ORDER BY requested_at, table_name")) {
            query.setString(1, slot);
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    entries.add(entry(result));
                }
            }
        }
        return entries;
    }

    private static Entry entry(ResultSet result) throws SQLException {
        String sweep = result.getString("sweep_version");
        Array lastKey = result.getArray("last_key");
        return new Entry(result.getString("slot_name"), TableId.parse(result.getString("table_name")),
                Status.of(result.getString("status")), result.getString("reason"),
                result.getObject("requested_at", OffsetDateTime.class),
                sweep == null ? null : Lsn.parse(sweep),
                lastKey == null ? List.of() : Arrays.asList((String[]) lastKey.getArray()),
                result.getLong("rows"), result.getLong("estimated_rows"), result.getString("error"));
    }

    private static void insert(Connection connection, String slot, TableId table, Status status, String reason)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + QUALIFIED_NAME
                + " (slot_name, table_name, status, reason, requested_at, updated_at) VALUES (?, ?, ?, ?, now(), now())"
                + " ON CONFLICT DO NOTHING")) {
            insert.setString(1, slot);
            insert.setString(2, table.toString());
            insert.setString(3, status.column());
            insert.setString(4, reason);
            insert.executeUpdate();
        }
    }

    private static Array textArray(Connection connection, List<String> values) throws SQLException {
        return connection.createArrayOf("text", values.toArray());
    }

    private Connection openCreatingIfMissing() throws SQLException {
        Connection connection = endpoint.openQueryConnection();
        try {
            TributarySchema.createIfMissing(connection, QUALIFIED_NAME, DDL);
            return connection;
        } catch (SQLException e) {
            connection.close();
            throw new SQLException("cannot create " + QUALIFIED_NAME + ", where incremental snapshots are recorded ("
                    + e.getMessage() + "); the role needs CREATE on the database, or create it yourself:"
                    + " CREATE SCHEMA tributary; " + DDL, e.getSQLState(), e);
        }
    }
}
