package io.tributary.verifier;

import io.tributary.config.PostgresTls;
import io.tributary.model.TableId;
import io.tributary.shaping.KeyRule;
import io.tributary.shaping.TableColumn;
import io.tributary.shaping.source.PostgresEndpoint;
import io.tributary.shaping.source.TableSelection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The verifier's one connection to the producer's database, and the catalog questions it asks: which tables, their
 * shape, their estimated size.
 *
 * <p>The session reads values exactly as pgoutput renders them for the producer
 * ({@link PostgresEndpoint#openReadOnlyConnection}: text output with the session settings the value conversion relies
 * on). The session is read-only. Not thread-safe.
 */
final class SourceDatabase implements AutoCloseable {

    /** The key flags are the producer's own ({@link KeyRule}): the primary key also under REPLICA IDENTITY FULL. */
    private static final String SHAPE_QUERY = """
            SELECT c.oid, c.relreplident, a.attname, a.atttypid, a.atttypmod,
            """ + KeyRule.IS_KEY_COLUMN + """
             AS key
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
            WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')
            ORDER BY a.attnum""";

    private final PostgresEndpoint endpoint;
    private final Connection connection;

    private SourceDatabase(PostgresEndpoint endpoint, Connection connection) {
        this.endpoint = endpoint;
        this.connection = connection;
    }

    /** @throws VerificationFailedException naming the database when it cannot be reached */
    static SourceDatabase open(PostgresEndpoint endpoint) {
        try {
            return new SourceDatabase(endpoint, endpoint.openReadOnlyConnection("tributary-verifier"));
        } catch (SQLException e) {
            throw new VerificationFailedException(PostgresTls.describeFailure(e, endpoint.url())
                    .orElse("cannot connect to PostgreSQL at " + endpoint + ": " + e.getMessage()), e);
        }
    }

    Connection connection() {
        return connection;
    }

    PostgresEndpoint endpoint() {
        return endpoint;
    }

    /** The database's name, as the producer names it in every event's source. */
    String name() throws SQLException {
        return connection.getCatalog();
    }

    /** The producer's table entries (names or patterns such as {@code shop.*}) resolved as the producer resolves them. */
    List<TableId> resolve(List<TableId> entries) throws SQLException {
        try {
            return TableSelection.resolve(connection, entries.stream().map(TableId::toString).toList());
        } catch (IllegalStateException e) {
            throw new VerificationFailedException(e.getMessage(), e);
        }
    }

    /** @throws VerificationFailedException when the table does not exist */
    TableShape shape(TableId table) throws SQLException {
        int oid = 0;
        char replicaIdentity = 'd';
        List<TableColumn> columns = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(SHAPE_QUERY)) {
            query.setString(1, table.schema());
            query.setString(2, table.table());
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    oid = (int) result.getLong("oid");
                    replicaIdentity = result.getString("relreplident").charAt(0);
                    columns.add(new TableColumn(result.getString("attname"), (int) result.getLong("atttypid"),
                            result.getInt("atttypmod"), result.getBoolean("key")));
                }
            }
        }
        if (oid == 0) {
            throw new VerificationFailedException("table " + table + " does not exist in database " + name()
                    + " at " + endpoint + " (or has no columns)");
        }
        return new TableShape(table, oid, replicaIdentity, columns);
    }

    /** PostgreSQL's estimate of the table's rows ({@code reltuples}); 0 or less when it has never been analysed. */
    long estimatedRows(TableShape table) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = ?")) {
            query.setLong(1, Integer.toUnsignedLong(table.oid()));
            try (ResultSet result = query.executeQuery()) {
                return result.next() ? result.getLong(1) : -1;
            }
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // closing: nothing left to do with it
        }
    }
}
