package io.tributary.producer.snapshot;

import io.tributary.model.ChangeEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads tables chunk by chunk on one connection that imported the exported snapshot, and hands each chunk of
 * events on. At most one chunk of rows is held at a time: keyset pages of {@code chunkSize} rows for a table with a
 * unique key ({@link ChunkQueries}), a cursor fetching {@code chunkSize} rows at a time for one without.
 *
 * <p>Values are read with {@code getString} on a connection without binary transfer, so each is the text the type's
 * output function prints, under the same session settings as the stream: what pgoutput sends for the same value.
 * Not thread-safe: one reader per worker thread and connection.
 */
final class TableReader {

    /** Where each chunk's events go; may block (backpressure). */
    @FunctionalInterface
    interface ChunkSink {
        void accept(SnapshotTable table, List<ChangeEvent> events) throws InterruptedException;
    }

    private final Connection connection;
    private final int chunkSize;

    /** @param connection a connection from {@link #importSnapshot}, inside the snapshot's transaction */
    TableReader(Connection connection, int chunkSize) {
        this.connection = connection;
        this.chunkSize = chunkSize;
    }

    /**
     * Starts a read-only repeatable-read transaction on {@code connection} that sees exactly the exported snapshot.
     * Must happen while the exporting replication connection is still open.
     */
    static void importSnapshot(Connection connection, String snapshotName) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            statement.execute("SET TRANSACTION SNAPSHOT '" + snapshotName.replace("'", "''") + "'");
        }
    }

    /** Reads every row of {@code table}; returns how many. */
    long read(SnapshotTable table, ReadEvents events, ChunkSink sink) throws SQLException, InterruptedException {
        return table.pagedByKey() ? readByKey(table, events, sink) : readWithCursor(table, events, sink);
    }

    private long readByKey(SnapshotTable table, ReadEvents events, ChunkSink sink)
            throws SQLException, InterruptedException {
        long rows = 0;
        List<String> lastKey = List.of();
        try (PreparedStatement first = connection.prepareStatement(ChunkQueries.firstChunk(table, chunkSize));
             PreparedStatement next = connection.prepareStatement(ChunkQueries.chunkAfter(table, chunkSize))) {
            while (true) {
                ReadChunk chunk = readPage(lastKey.isEmpty() ? first : next, table, lastKey, events);
                throwIfInterrupted();
                if (!chunk.events().isEmpty()) {
                    sink.accept(table, chunk.events());
                    rows += chunk.events().size();
                }
                if (chunk.last()) {
                    return rows;
                }
                lastKey = chunk.lastKey();
            }
        }
    }

    /**
     * The one chunk of a table paged by key that follows {@code lastKey} (the first chunk when empty), read in the
     * connection's current transaction, or in a statement's own snapshot when it is in autocommit mode (an
     * incremental snapshot).
     */
    ReadChunk readChunk(SnapshotTable table, List<String> lastKey, ReadEvents events) throws SQLException {
        String sql = lastKey.isEmpty() ? ChunkQueries.firstChunk(table, chunkSize)
                : ChunkQueries.chunkAfter(table, chunkSize);
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            return readPage(query, table, lastKey, events);
        }
    }

    private ReadChunk readPage(PreparedStatement query, SnapshotTable table, List<String> lastKey, ReadEvents events)
            throws SQLException {
        for (int i = 0; i < lastKey.size(); i++) {
            query.setString(i + 1, lastKey.get(i));
        }
        int[] pagingIndexes = pagingIndexes(table);
        List<ChangeEvent> chunk = new ArrayList<>(Math.min(chunkSize, 1024));
        List<String> lastRow = null;
        try (ResultSet result = query.executeQuery()) {
            while (result.next()) {
                lastRow = values(result, table.selectedColumns().size());
                chunk.add(events.eventFor(lastRow));
            }
        }
        List<String> readUpTo = new ArrayList<>(pagingIndexes.length);
        if (lastRow != null) {
            for (int index : pagingIndexes) {
                readUpTo.add(lastRow.get(index));
            }
        }
        return new ReadChunk(table, chunk, readUpTo, chunk.size() < chunkSize);
    }

    private long readWithCursor(SnapshotTable table, ReadEvents events, ChunkSink sink)
            throws SQLException, InterruptedException {
        long rows = 0;
        try (Statement statement = connection.createStatement()) {
            statement.setFetchSize(chunkSize); // a server-side cursor: autocommit is off (importSnapshot)
            try (ResultSet result = statement.executeQuery(ChunkQueries.wholeTable(table))) {
                List<ChangeEvent> chunk = new ArrayList<>(Math.min(chunkSize, 1024));
                while (result.next()) {
                    chunk.add(events.eventFor(values(result, table.selectedColumns().size())));
                    if (chunk.size() == chunkSize) {
                        throwIfInterrupted();
                        sink.accept(table, chunk);
                        rows += chunk.size();
                        chunk = new ArrayList<>(Math.min(chunkSize, 1024));
                    }
                }
                if (!chunk.isEmpty()) {
                    sink.accept(table, chunk);
                    rows += chunk.size();
                }
            }
        }
        return rows;
    }

    private static List<String> values(ResultSet result, int columns) throws SQLException {
        String[] values = new String[columns];
        for (int i = 0; i < columns; i++) {
            values[i] = result.getString(i + 1);
        }
        return Arrays.asList(values);
    }

    /** Where each paging column is among the selected columns. */
    private static int[] pagingIndexes(SnapshotTable table) {
        List<String> selected = table.selectedColumns();
        return table.pagingColumns().stream().mapToInt(column -> selected.indexOf(column.name())).toArray();
    }

    private static void throwIfInterrupted() throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("snapshot reader interrupted");
        }
    }
}
