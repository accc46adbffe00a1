package io.tributary.producer.snapshot;

import io.tributary.model.Lsn;
import io.tributary.producer.replication.ReopeningConnection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

/**
 * Reads one chunk of an incremental snapshot between its two watermarks, on a connection of its own with the
 * stream's session settings (values as text, as pgoutput sends them): low watermark, the slot's position, one keyset
 * chunk (autocommit: the statement's own snapshot), high watermark. The returned window then waits for the stream to
 * show the watermarks ({@link ChunkWindow}).
 *
 * <p>The chunk's rows are versioned {@code restart_lsn − 1} (see {@link IncrementalSnapshots}). The connection is
 * opened on first use and again after a failure; the ledger is written on it too. Not thread-safe.
 */
final class WatermarkedChunkReader implements AutoCloseable {

    private static final String SLOT_POSITION =
            "SELECT restart_lsn, pg_current_wal_lsn() FROM pg_replication_slots WHERE slot_name = ?";

    private final IncrementalSnapshots.Setup setup;
    private final Clock clock;
    private final ReopeningConnection connection;

    /** A chunk waiting for its watermarks, and the slot's {@code restart_lsn} read just before it. */
    record WatermarkedChunk(ChunkWindow window, Lsn restartLsn) {
    }

    WatermarkedChunkReader(IncrementalSnapshots.Setup setup, Clock clock) {
        this.setup = setup;
        this.clock = clock;
        this.connection = new ReopeningConnection(setup.endpoint()::openSnapshotConnection, "incremental snapshot");
    }

    /** Reads the chunk of {@code table} after {@code lastKey} (from the first row when empty). */
    WatermarkedChunk read(SnapshotTable table, List<String> lastKey) throws SQLException {
        String window = UUID.randomUUID().toString();
        Connection reading = connection();
        emit(reading, new Watermark(setup.slot(), window, Watermark.Mark.LOW));
        Lsn restart;
        Lsn current;
        try (PreparedStatement query = reading.prepareStatement(SLOT_POSITION)) {
            query.setString(1, setup.slot());
            try (ResultSet result = query.executeQuery()) {
                if (!result.next() || result.getString(1) == null) {
                    throw new SQLException("slot " + setup.slot() + " vanished during an incremental snapshot of "
                            + table.table(), "08006");
                }
                restart = Lsn.parse(result.getString(1));
                current = Lsn.parse(result.getString(2));
            }
        }
        SnapshotPoint point = new SnapshotPoint(setup.database(), Lsn.of(restart.value() - 1), current,
                clock.instant());
        ReadChunk chunk = new TableReader(reading, setup.chunkSize())
                .readChunk(table, lastKey, new ReadEvents(table, setup.converter(), point));
        emit(reading, new Watermark(setup.slot(), window, Watermark.Mark.HIGH));
        return new WatermarkedChunk(new ChunkWindow(window, chunk), restart);
    }

    /**
     * Writes the watermark and makes sure the WAL holding it is flushed: the walsender sends only flushed WAL, and a
     * non-transactional message alone would wait for the WAL writer (up to {@code wal_writer_delay}). Taking a
     * transaction id in the same statement makes its commit flush the WAL (with {@code synchronous_commit} on).
     */
    private static void emit(Connection connection, Watermark mark) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT pg_logical_emit_message(false, ?, ?), txid_current()")) {
            statement.setString(1, Watermark.PREFIX);
            statement.setString(2, mark.content());
            statement.execute();
        }
    }

    /** The open connection, opened now if need be. */
    Connection connection() throws SQLException {
        return connection.get();
    }

    /** Closes the connection (after a failure: the next use opens a new one). */
    @Override
    public void close() {
        connection.close();
    }
}
