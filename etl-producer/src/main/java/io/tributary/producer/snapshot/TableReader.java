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
 * Reads tables chunk by chunk on one connection that imported the exported snapshot, and hands each chunk of rows
 * on (each row its values' text, in the relation's column order, then any extra paging column). At most one chunk
 * of rows is held at a time: keyset pages of {@code chunkSize} rows for a table with a unique key
 * ({@link ChunkQueries}), a cursor fetching {@code chunkSize} rows at a time for one without.
 *
 * <p>Values are read with {@code getString} on a connection without binary transfer, so each is the text the type's
 * output function prints, under the same session settings as the stream: what pgoutput sends for the same value.
 * Not thread-safe: one reader per worker thread and connection.
 */
final class TableReader {

    /** Where each chunk's rows go: the list is the sink's from then on (a new one follows). May block (backpressure). */
    @FunctionalInterface
    interface ChunkSink {
        void accept(SnapshotTable table, List<String[]> rows) throws InterruptedException;
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
    long read(SnapshotTable table, ChunkSink sink) throws SQLException, InterruptedException {
        return table.pagedByKey() ? readByKey(table, sink) : readWithCursor(table, sink);
    }

    private long readByKey(SnapshotTable table, ChunkSink sink) throws SQLException, InterruptedException {
        long read = 0;
        List<String> lastKey = List.of();
        int[] pagingIndexes = pagingIndexes(table);
        try (PreparedStatement first = connection.prepareStatement(ChunkQueries.firstChunk(table, chunkSize));
             PreparedStatement next = connection.prepareStatement(ChunkQueries.chunkAfter(table, chunkSize))) {
            while (true) {
                List<String[]> rows = readPage(lastKey.isEmpty() ? first : next, table, lastKey);
                throwIfInterrupted();
                if (rows.isEmpty()) {
                    return read;
                }
                lastKey = keyOf(rows.get(rows.size() - 1), pagingIndexes);
                sink.accept(table, rows);
                read += rows.size();
                if (rows.size() < chunkSize) {
                    return read;
                }
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
        List<String[]> rows = readPage(query, table, lastKey);
        List<ChangeEvent> chunk = new ArrayList<>(rows.size());
        for (String[] row : rows) {
            chunk.add(events.eventFor(Arrays.asList(row)));
        }
        List<String> readUpTo = rows.isEmpty() ? List.of() : keyOf(rows.get(rows.size() - 1), pagingIndexes(table));
        return new ReadChunk(table, chunk, readUpTo, chunk.size() < chunkSize);
    }

    private List<String[]> readPage(PreparedStatement query, SnapshotTable table, List<String> lastKey)
            throws SQLException {
        for (int i = 0; i < lastKey.size(); i++) {
            query.setString(i + 1, lastKey.get(i));
        }
        int columns = table.selectedColumns().size();
        List<String[]> rows = new ArrayList<>(Math.min(chunkSize, 1024));
        try (ResultSet result = query.executeQuery()) {
            while (result.next()) {
                rows.add(values(result, columns));
            }
        }
        return rows;
    }

    private long readWithCursor(SnapshotTable table, ChunkSink sink) throws SQLException, InterruptedException {
        long read = 0;
        int columns = table.selectedColumns().size();
        try (Statement statement = connection.createStatement()) {
            statement.setFetchSize(chunkSize); // a server-side cursor: autocommit is off (importSnapshot)
            try (ResultSet result = statement.executeQuery(ChunkQueries.wholeTable(table))) {
                List<String[]> rows = new ArrayList<>(Math.min(chunkSize, 1024));
                while (result.next()) {
                    rows.add(values(result, columns));
                    if (rows.size() == chunkSize) {
                        throwIfInterrupted();
                        sink.accept(table, rows);
                        read += rows.size();
                        rows = new ArrayList<>(Math.min(chunkSize, 1024));
                    }
                }
                if (!rows.isEmpty()) {
                    sink.accept(table, rows);
                    read += rows.size();
                }
            }
        }
        return read;
    }

    private static String[] values(ResultSet result, int columns) throws SQLException {
        String[] values = new String[columns];
        for (int i = 0; i < columns; i++) {
            values[i] = result.getString(i + 1);
        }
        return values;
    }

    /** The paging columns' values of {@code row}. */
    private static List<String> keyOf(String[] row, int[] pagingIndexes) {
        List<String> key = new ArrayList<>(pagingIndexes.length);
        for (int index : pagingIndexes) {
            key.add(row[index]);
        }
        return key;
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
