package io.tributary.verifier;

import io.tributary.config.PostgresTls;
import io.tributary.model.TableId;
import io.tributary.producer.decoding.ReplicationMessage.Column;
import io.tributary.producer.replication.KeyColumns;
import io.tributary.producer.replication.PostgresEndpoint;
import io.tributary.producer.replication.TableSelection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.postgresql.PGProperty;

/**
 * The verifier's one connection to the producer's database, and the catalog questions it asks: which tables, their
 * shape, their estimated size.
 *
 * <p>The session reads values exactly as pgoutput renders them for the producer: text output (no binary transfer,
 * so {@code getString} is PostgreSQL's own output function) with the settings the producer's value conversion relies
 * on ({@code DateStyle=ISO}, {@code TimeZone=UTC}, {@code extra_float_digits=3}, {@code bytea_output=hex},
 * {@code IntervalStyle=postgres}). The session is read-only. Not thread-safe.
 */
final class SourceDatabase implements AutoCloseable {

    private static final String SESSION_OPTIONS =
            "-c DateStyle=ISO -c TimeZone=UTC -c extra_float_digits=3 -c bytea_output=hex -c IntervalStyle=postgres"
                    + " -c default_transaction_read_only=on";

    /** The key flags are the producer's own ({@link KeyColumns}): the primary key also under REPLICA IDENTITY FULL. */
    private static final String SHAPE_QUERY = """
            SELECT c.oid, c.relreplident, a.attname, a.atttypid, a.atttypmod,
            """ + KeyColumns.IS_KEY_COLUMN + """
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
        Properties properties = endpoint.properties();
        PGProperty.APPLICATION_NAME.set(properties, "tributary-verifier");
        PGProperty.BINARY_TRANSFER.set(properties, false);
        PGProperty.OPTIONS.set(properties, SESSION_OPTIONS);
        try {
            return new SourceDatabase(endpoint, DriverManager.getConnection(endpoint.url(), properties));
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
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(SHAPE_QUERY)) {
            query.setString(1, table.schema());
            query.setString(2, table.table());
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    oid = (int) result.getLong("oid");
                    replicaIdentity = result.getString("relreplident").charAt(0);
                    columns.add(new Column(result.getBoolean("key"), result.getString("attname"),
                            (int) result.getLong("atttypid"), result.getInt("atttypmod")));
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
