package io.tributary.producer.replication;

import io.tributary.shaping.source.PostgresEndpoint;
import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection for side work of the replication thread (heartbeats, measurements, incremental snapshot chunks):
 * opened on first use, and after a failure closed so that the next use opens a fresh one. Not thread-safe: used by
 * the replication thread.
 */
public final class ReopeningConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReopeningConnection.class);

    /** Opens a connection of the kind wanted. */
    @FunctionalInterface
    public interface Opener {
        Connection open() throws SQLException;
    }

    private final Opener opener;
    private final String purpose;
    private Connection connection;

    /** A query connection ({@link PostgresEndpoint#openQueryConnection}); {@code purpose} names it in log lines. */
    ReopeningConnection(PostgresEndpoint endpoint, String purpose) {
        this(endpoint::openQueryConnection, purpose);
    }

    /** @param purpose what the connection is for, in log lines */
    public ReopeningConnection(Opener opener, String purpose) {
        this.opener = opener;
        this.purpose = purpose;
    }

    /** The open connection, opened now if need be. */
    public Connection get() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = opener.open();
        }
        return connection;
    }

    /** Closes the connection; the next {@link #get} opens a new one. */
    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("closing the {} connection failed: {}", purpose, e.getMessage());
            }
            connection = null;
        }
    }
}
