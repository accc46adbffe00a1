package io.tributary.producer.replication;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One active producer per slot: a session-level advisory lock, keyed by the slot's name, held on a connection of
 * its own for as long as this producer streams. A second producer for the same slot waits as a standby; when the
 * active one dies its connection closes, the lock is released, and the standby takes over at its next attempt.
 *
 * <p>Not thread-safe: used by the replication thread only.
 */
public final class SlotLock implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SlotLock.class);

    private final PostgresEndpoint endpoint;
    private final String slot;
    private Connection connection;
    private boolean loggedWaiting;

    public SlotLock(PostgresEndpoint endpoint, String slot) {
        this.endpoint = endpoint;
        this.slot = slot;
    }

    /** Takes the lock if it is free; returns whether this producer holds it now. */
    public boolean tryAcquire() throws SQLException {
        if (isHeld()) {
            return true;
        }
        quietlyClose();
        connection = endpoint.openQueryConnection();
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

    /** Whether the lock's connection is still alive (a server restart ends it, and the lock with it). */
    public boolean isHeld() {
        try {
            return connection != null && connection.isValid(5);
        } catch (SQLException e) {
            return false;
        }
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
