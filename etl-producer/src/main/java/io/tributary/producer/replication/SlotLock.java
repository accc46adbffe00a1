package io.tributary.producer.replication;

import io.tributary.shaping.source.PostgresEndpoint;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One active producer per slot: a session-level advisory lock, keyed by the slot's name, held on a connection of
 * its own for as long as this producer streams. A second producer for the same slot waits as a standby; when the
 * active one dies its connection closes, the lock is released, and the standby takes over at its next attempt.
 *
 * <p><b>A node that disappears</b> closes nothing: without help PostgreSQL would keep its session, and the lock, for
 * as long as the kernel's keepalive takes (two hours by default). So the lock's session asks the server for TCP
 * keepalives and a {@code tcp_user_timeout} that end it about {@code takeoverTimeout} after the node went silent
 * ({@link LockTimings}). The active producer, for its part, {@linkplain #confirm() confirms} the lock every
 * {@link LockTimings#checkInterval()} with a round trip that gives up after {@link LockTimings#checkTimeout()}:
 * together well under {@code takeoverTimeout}, so a producer cut off from the database stops streaming (and stops
 * publishing) before the server can hand its lock to a standby.
 *
 * <p>Not thread-safe: used by the replication thread only.
 */
public final class SlotLock implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SlotLock.class);

    private final PostgresEndpoint endpoint;
    private final String slot;
    private final LockTimings timings;
    private Connection connection;
    private boolean loggedWaiting;

    public SlotLock(PostgresEndpoint endpoint, String slot, Duration takeoverTimeout) {
        this.endpoint = endpoint;
        this.slot = slot;
        this.timings = LockTimings.of(takeoverTimeout);
    }

    /** Takes the lock if it is free; returns whether this producer holds it now. */
    public boolean tryAcquire() throws SQLException {
        if (isHeld()) {
            return true;
        }
        quietlyClose();
        connection = endpoint.openLockConnection(timings.serverSessionOptions());
        try (PreparedStatement lock = connection.prepareStatement(
                "SELECT pg_try_advisory_lock(hashtext('tributary-slot:' || ?))")) {
            lock.setString(1, slot);
            try (ResultSet result = lock.executeQuery()) {
                result.next();
                if (result.getBoolean(1)) {
                    LOG.info("this producer is now the active one for slot {}", slot);
                    loggedWaiting = false;
                    return true;
                }
            }
        }
        quietlyClose();
        if (!loggedWaiting) {
            LOG.info("standby: another producer holds slot {}; taking over when it stops", slot);
            loggedWaiting = true;
        }
        return false;
    }

    /**
     * Whether the lock's session is still alive, asked with a round trip that gives up after
     * {@link LockTimings#checkTimeout()} (a server restart, a terminated session or a network cut all end it, and
     * the lock with it).
     */
    public boolean isHeld() {
        try {
            return connection != null && connection.isValid(timings.checkTimeoutSeconds());
        } catch (SQLException e) {
            return false;
        }
    }

    /** How often the active producer confirms it still holds the lock. */
    public Duration checkInterval() {
        return timings.checkInterval();
    }

    @Override
    public void close() {
        quietlyClose();
    }

    private void quietlyClose() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("closing the lock connection of slot {} failed: {}", slot, e.getMessage());
            }
            connection = null;
        }
    }
}
