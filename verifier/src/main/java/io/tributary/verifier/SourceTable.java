package io.tributary.verifier;

import io.tributary.documents.SqlNames;
import io.tributary.producer.decoding.ReplicationMessage.Column;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Reads one table's rows in key order, a chunk at a time (keyset pagination: each chunk starts after the last key of
 * the previous one, so memory is one chunk however large the table), reads some rows again by key, and tells which
 * of some keys exist.
 *
 * <p>Values are PostgreSQL's text output (null for SQL NULL), in the table's column order; keys are passed back as
 * text of unspecified type, so PostgreSQL reads them as the key columns' types. Not thread-safe.
 */
final class SourceTable {

    /** PostgreSQL takes at most 65535 parameters per statement; a page of keys stays well below. */
    static final int MAX_KEY_PARAMETERS = 30_000;

    /** The SQLSTATE class of data exceptions: a key text the column's type cannot read. */
    private static final String DATA_EXCEPTION_CLASS = "22";

    private final Connection connection;
    private final TableShape shape;
    private final int chunkSize;
    private final List<Integer> keyPositions = new ArrayList<>();
    private final List<String> columnNames;
    private final List<String> keyNames;
    private final String firstChunkSql;
    private final String nextChunkSql;
    private List<String> lastKey;
    private boolean exhausted;

    SourceTable(Connection connection, TableShape shape, int chunkSize) {
        this.connection = connection;
        this.shape = shape;
        this.chunkSize = chunkSize;
        List<String> columns = shape.columns().stream().map(Column::name).toList();
        List<String> keys = shape.keyColumns().stream().map(Column::name).toList();
        this.columnNames = columns;
        this.keyNames = keys;
        for (int i = 0; i < shape.columns().size(); i++) {
            if (shape.columns().get(i).key()) {
                keyPositions.add(i);
            }
        }
        String select = "SELECT " + SqlNames.list(columns) + " FROM " + SqlNames.table(shape.table());
        String order = " ORDER BY " + SqlNames.list(keys) + " LIMIT ?";
        this.firstChunkSql = select + order;
        this.nextChunkSql = select + " WHERE (" + SqlNames.list(keys) + ") > (" + SqlNames.placeholders(keys.size())
                + ")" + order;
    }

    /** The next rows in key order, at most the chunk size; empty once every row was read. */
    List<List<String>> nextChunk() throws SQLException {
        if (exhausted) {
            return List.of();
        }
        List<List<String>> rows = new ArrayList<>(chunkSize);
        try (PreparedStatement query = connection.prepareStatement(lastKey == null ? firstChunkSql : nextChunkSql)) {
            int parameter = 1;
            if (lastKey != null) {
                for (String value : lastKey) {
                    query.setObject(parameter++, value, Types.OTHER);
                }
            }
            query.setInt(parameter, chunkSize);
            try (ResultSet result = query.executeQuery()) {
                int width = shape.columns().size();
                while (result.next()) {
                    List<String> row = new ArrayList<>(width);
                    for (int i = 1; i <= width; i++) {
                        row.add(result.getString(i));
                    }
                    rows.add(Collections.unmodifiableList(row));
                }
            }
        }
        if (rows.size() < chunkSize) {
            exhausted = true;
        }
        if (!rows.isEmpty()) {
            List<String> last = rows.get(rows.size() - 1);
            lastKey = keyPositions.stream().map(last::get).toList();
        }
        return rows;
    }

    /**
     * The keys among {@code keys} (each the texts of the key values, in key order) that name a row, as that row's key
     * texts. A key its column's type cannot read (a text where a number belongs) names no row. Inside a transaction
     * (the connection not in auto-commit), a statement that fails so is rolled back to a savepoint, and the
     * transaction goes on.
     */
    List<List<String>> existingKeys(List<List<String>> keys) throws SQLException {
        if (keys.isEmpty()) {
            return List.of();
        }
        Optional<List<List<String>>> all = selectReadableKeys(keys);
        if (all.isPresent()) {
            return all.get();
        }
        List<List<String>> found = new ArrayList<>();
        for (List<String> key : keys) {
            selectReadableKeys(List.of(key)).ifPresent(found::addAll);
        }
        return found;
    }

    /**
     * The rows among {@code rows} (each in column order, as {@link #nextChunk} returns them) as they are now, read
     * again by their keys in statements of their own; a row deleted meanwhile is not among them. In key order within each
     * statement.
     */
    List<List<String>> reread(List<List<String>> rows) throws SQLException {
        int perStatement = Math.max(1, MAX_KEY_PARAMETERS / keyNames.size());
        List<List<String>> found = new ArrayList<>(rows.size());
        for (int from = 0; from < rows.size(); from += perStatement) {
            List<List<String>> keys = rows.subList(from, Math.min(rows.size(), from + perStatement)).stream()
                    .map(row -> keyPositions.stream().map(row::get).toList()).toList();
            found.addAll(select(columnNames, keys));
        }
        return found;
    }

    /** The rows of {@code keys}, as key texts; empty when PostgreSQL cannot read one of them as its column's type. */
    private Optional<List<List<String>>> selectReadableKeys(List<List<String>> keys) throws SQLException {
        Savepoint savepoint = connection.getAutoCommit() ? null : connection.setSavepoint();
        try {
            List<List<String>> found = select(keyNames, keys);
            if (savepoint != null) {
                connection.releaseSavepoint(savepoint);
            }
            return Optional.of(found);
        } catch (SQLException e) {
            if (e.getSQLState() == null || !e.getSQLState().startsWith(DATA_EXCEPTION_CLASS)) {
                throw e;
            }
            if (savepoint != null) {
                connection.rollback(savepoint);
            }
            return Optional.empty();
        }
    }

    /** The {@code columns} of the rows whose keys are among {@code keys}, as text. */
    private List<List<String>> select(List<String> columns, List<List<String>> keys) throws SQLException {
        String tuple = keyNames.size() == 1 ? "?" : "(" + SqlNames.placeholders(keyNames.size()) + ")";
        String sql = "SELECT " + SqlNames.list(columns) + " FROM " + SqlNames.table(shape.table())
                + " WHERE (" + SqlNames.list(keyNames) + ") IN (" + String.join(", ", Collections.nCopies(keys.size(),
                tuple)) + ") ORDER BY " + SqlNames.list(keyNames);
        List<List<String>> found = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            int parameter = 1;
            for (List<String> key : keys) {
                for (String value : key) {
                    query.setObject(parameter++, value, Types.OTHER);
                }
            }
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    List<String> row = new ArrayList<>(columns.size());
                    for (int i = 1; i <= columns.size(); i++) {
                        row.add(result.getString(i));
                    }
                    found.add(Collections.unmodifiableList(row));
                }
            }
        }
        return found;
    }
}
