package io.tributary.documents;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import io.tributary.config.PostgresTls;
import java.util.Properties;
import org.postgresql.PGProperty;

/**
 * One read-only connection to the database documents are read from (the primary or a read replica), set up to read
 * values exactly as pgoutput renders them for the producer: text output, {@code DateStyle=ISO}, {@code TimeZone=UTC},
 * {@code extra_float_digits=3}, {@code bytea_output=hex}, {@code IntervalStyle=postgres} — what value conversion
 * relies on. Reads run in REPEATABLE READ transactions, each at one {@link Snapshot}. Not thread-safe.
 */
public final class SourceSession implements AutoCloseable {

    private static final String SESSION_OPTIONS =
            "-c DateStyle=ISO -c TimeZone=UTC -c extra_float_digits=3 -c bytea_output=hex -c IntervalStyle=postgres"
                    + " -c default_transaction_read_only=on";

    private final Connection connection;
    private final String snapshotFunction;

    private SourceSession(Connection connection) throws SQLException {
        this.connection = connection;
        this.snapshotFunction = connection.getMetaData().getDatabaseMajorVersion() >= 13
                ? "pg_current_snapshot()" : "txid_current_snapshot()";
    }

    /**
     * @param url a JDBC URL ({@code jdbc:postgresql://host:5432/db}), which may carry more settings
     * @param tls {@code tributary.postgres.ssl.*}
     * @throws SQLException when PostgreSQL cannot be reached or refuses the user
     */
    public static SourceSession open(String url, String user, String password, PostgresTls tls,
                                     String applicationName) throws SQLException {
        Properties properties = new Properties();
        PGProperty.USER.set(properties, user);
        if (password != null && !password.isEmpty()) {
            PGProperty.PASSWORD.set(properties, password);
        }
        PGProperty.CONNECT_TIMEOUT.set(properties, 10);
        PGProperty.SOCKET_TIMEOUT.set(properties, 600);
        PGProperty.TCP_KEEP_ALIVE.set(properties, true);
        PGProperty.APPLICATION_NAME.set(properties, applicationName);
        PGProperty.BINARY_TRANSFER.set(properties, false);
        PGProperty.OPTIONS.set(properties, SESSION_OPTIONS);
        tls.applyTo(properties);
        return new SourceSession(DriverManager.getConnection(url, properties));
    }

    public Connection connection() {
        return connection;
    }

    /** Begins a REPEATABLE READ transaction and returns the snapshot every read of it sees. */
    public Snapshot begin() throws SQLException {
        connection.setAutoCommit(false);
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT " + snapshotFunction + "::text")) {
            result.next();
            return Snapshot.parse(result.getString(1));
        }
    }

    /** Ends the transaction {@link #begin} started (it only read). */
    public void end() throws SQLException {
        connection.rollback();
    }

    public boolean isValid() {
        try {
            return connection.isValid(5);
        } catch (SQLException e) {
            return false;
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
