package io.tributary.producer.replication;

import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A query connection for side work done at an interval (heartbeats, measurements): opened on first use, and after a
 * failure closed so that the next use opens a fresh one. Not thread-safe: used by the replication thread.
 */
final class ReopeningConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReopeningConnection.class);

    private final PostgresEndpoint endpoint;
    private final String purpose;
    private Connection connection;

    /** @param purpose what the connection is for, in log lines */
    ReopeningConnection(PostgresEndpoint endpoint, String purpose) {
        this.endpoint = endpoint;
        this.purpose = purpose;
    }

    /** The open connection, opened now if need be. */
    Connection get() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = endpoint.openQueryConnection();
        }
        return connection;
    }

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
