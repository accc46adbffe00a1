package io.tributary.producer.stream;

import io.tributary.model.Lsn;
import java.sql.SQLException;
import java.time.Duration;

/**
 * What {@link StreamLoop} needs of the slot across sessions: its lock, new sessions, and the work done between
 * steps. {@link SlotSessions} in production; a fake in unit tests, which step the loop with no database.
 */
interface SessionSource extends AutoCloseable {

    /** Takes the slot's lock if it is free; whether this producer holds it now. */
    boolean tryAcquireLock() throws SQLException;

    /** Whether the lock's session is still alive (a round trip). */
    boolean lockHeld();

    /** How often the active producer must confirm its lock, at the most. */
    Duration lockCheckInterval();

    /**
     * Obtains the slot (creating it, with its snapshot, when missing and allowed) and opens a session on it.
     *
     * @param received the highest WAL position this process received (0/0 before any)
     */
    StreamSession open(Lsn received) throws SQLException, InterruptedException;

    /** Work due between two steps of an open session (heartbeats, slot retention). */
    void doPeriodicWork(long nowMillis);

    @Override
    void close();
}
