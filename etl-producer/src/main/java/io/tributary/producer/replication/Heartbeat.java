package io.tributary.producer.replication;

import io.tributary.shaping.source.PostgresEndpoint;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a small non-transactional message into the WAL ({@code pg_logical_emit_message}) at a fixed interval, so
 * the server's position moves and the slot can be confirmed forward even on a database with no traffic at all.
 * A failure is logged and retried at the next interval: a heartbeat is never worth stopping the stream for.
 * Not thread-safe: used by the replication thread.
 */
public final class Heartbeat implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

    private final long intervalMillis;
    private final ReopeningConnection connection;
    private long lastMillis;

    /** @param interval zero for never */
    public Heartbeat(PostgresEndpoint endpoint, Duration interval) {
        this.connection = new ReopeningConnection(endpoint, "heartbeat");
        this.intervalMillis = interval.toMillis();
    }

    public void emitIfDue(long nowMillis) {
        if (intervalMillis == 0 || nowMillis - lastMillis < intervalMillis) {
            return;
        }
        lastMillis = nowMillis;
        try (Statement statement = connection.get().createStatement()) {
            statement.execute("SELECT pg_logical_emit_message(false, 'tributary-heartbeat', '')");
        } catch (SQLException e) {
            LOG.warn("writing the WAL heartbeat failed (retrying in {} ms): {}", intervalMillis, e.getMessage());
            close();
        }
    }

    @Override
    public void close() {
        connection.close();
    }
}
