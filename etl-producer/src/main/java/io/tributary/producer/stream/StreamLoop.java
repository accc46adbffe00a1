package io.tributary.producer.stream;

import io.tributary.model.Lsn;
import io.tributary.ops.ServiceLoop;
import io.tributary.producer.ProducerSettings;
import io.tributary.producer.publish.KafkaSendFailedException;
import io.tributary.producer.publish.SendFailures;
import io.tributary.producer.replication.ReplicationErrors;
import io.tributary.producer.snapshot.SnapshotAbortedException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's session loop: each {@link #runOnce} waits as a standby or for a retry, opens a session, or streams
 * one message of the open one. Decisions, in order:
 * <ul>
 *   <li>no session: wait out the backoff; then take the slot's lock (standby, polled every second, while another
 *       producer holds it) and open a session;</li>
 *   <li>at every status interval (at most {@link SessionSource#lockCheckInterval()} apart) confirm the lock; when it
 *       is gone, abandon the session at once (Kafka producer first) and try the lock again like a standby;</li>
 *   <li>a retriable error (a lost connection, PostgreSQL restarting, a change Kafka gave up on) ends the session and
 *       schedules the next after a backoff ({@link ReconnectBackoff}); anything else ends the loop with the error.
 *       A send Kafka can never accept is fatal too ({@link SendFailures}).</li>
 * </ul>
 * A session found without its lock after a failure is abandoned, not closed: another producer may own the slot.
 * Time comes from the injected clock and waits go through the {@link Sleeper}, so unit tests step it with fakes.
 *
 * <p>Run by the replication thread; {@link #isActive()} and {@link #isStandby()} may be read by any thread.
 */
public final class StreamLoop {

    private static final Logger LOG = LoggerFactory.getLogger(StreamLoop.class);
    private static final Duration STANDBY_POLL = Duration.ofSeconds(1);
    /** The longest single wait while backing off, so a stop is noticed soon. */
    private static final long RETRY_WAIT_SLICE_MILLIS = 200;

    private final ProducerSettings settings;
    private final SessionSource sessions;
    private final StreamMetrics metrics;
    private final Clock clock;
    private final Sleeper sleeper;
    private final BooleanSupplier stopRequested;
    private final ReconnectBackoff backoff;
    private volatile StreamSession session;
    /** Waiting on the slot's lock, which another producer holds: healthy, and ready, but not streaming. */
    private volatile boolean standby;
    private long nextLockCheckMillis;

    StreamLoop(ProducerSettings settings, SessionSource sessions, StreamMetrics metrics, Clock clock, Sleeper sleeper,
               BooleanSupplier stopRequested) {
        this.settings = settings;
        this.sessions = sessions;
        this.metrics = metrics;
        this.clock = clock;
        this.sleeper = sleeper;
        this.stopRequested = stopRequested;
        this.backoff = new ReconnectBackoff(settings.source().timing().reconnectBackoff());
    }

    /**
     * The loop of a producer with {@link SlotSessions}, waiting with a {@link Sleeper#untilStopped sleeper that
     * notices a stop}.
     */
    public static StreamLoop create(ProducerSettings settings, StreamSetup setup, StreamMetrics metrics, Clock clock,
                                    BooleanSupplier stopRequested) {
        SlotSessions sessions = new SlotSessions(settings, setup, metrics, clock, stopRequested);
        return new StreamLoop(settings, sessions, metrics, clock, Sleeper.untilStopped(clock, stopRequested),
                stopRequested);
    }

    /**
     * Takes the slot's lock and opens the first session, so the slot exists (created if need be, its snapshot in
     * Kafka) when this returns and no later change is missed; or, when another producer holds the lock, becomes a
     * standby. Closes everything when it fails.
     *
     * @throws IllegalStateException when interrupted (during an initial snapshot, which the next start takes again)
     */
    public void openFirstSession() throws SQLException {
        try {
            standby = !sessions.tryAcquireLock();
            if (!standby) {
                session = sessions.open(Lsn.of(metrics.positions().received().get()));
            }
        } catch (SQLException | RuntimeException e) {
            sessions.close();
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sessions.close();
            throw new IllegalStateException("interrupted while starting slot " + slotName()
                    + " (during its initial snapshot, which the next start takes again)", e);
        }
    }

    /** Runs this loop on {@code loop}'s thread: steps until a stop or a failure, then drains and closes. */
    public void runOn(ServiceLoop loop) {
        loop.start(this::runOnce, this::stopGracefully, () -> {
            closeEverything();
            loop.failure().ifPresent(e -> LOG.error("streaming slot {} stopped at received position {}; last flushed"
                    + " position {}", slotName(), Lsn.of(metrics.positions().received().get()), flushedLsn()));
        });
    }

    /** One step: wait as standby or for a retry, open a session, or stream one message of the open session. */
    void runOnce() throws Exception {
        StreamSession streaming = session;
        if (streaming == null) {
            openSessionWhenDue();
            return;
        }
        if (lockCheckDue() && !sessions.lockHeld()) {
            abandonAfterLosingTheLock(streaming);
            return;
        }
        try {
            streaming.runOnce();
            backoff.flushedTo(metrics.positions().flushed().get());
            sessions.doPeriodicWork(clock.millis());
        } catch (KafkaSendFailedException e) {
            if (SendFailures.isFatal(e)) {
                throw new IllegalStateException(e.getMessage() + ". Sending it again cannot succeed: "
                        + SendFailures.advice(e, settings.target().limits().maxEventBytes())
                        + "; then restart the producer (slot " + slotName() + " keeps the WAL meanwhile)", e);
            }
            endSessionAfter(e);
        } catch (SQLException e) {
            if (!ReplicationErrors.isRetriable(e)) {
                throw e;
            }
            endSessionAfter(e);
        }
    }

    private void openSessionWhenDue() throws Exception {
        long wait = backoff.millisUntilRetry(clock.millis());
        if (wait > 0) {
            sleeper.sleep(Math.min(wait, RETRY_WAIT_SLICE_MILLIS));
            return;
        }
        try {
            standby = !sessions.tryAcquireLock();
            if (standby) {
                sleeper.sleep(STANDBY_POLL.toMillis());
                return;
            }
            session = sessions.open(Lsn.of(metrics.positions().received().get()));
        } catch (SnapshotAbortedException e) {
            if (!stopRequested.getAsBoolean()) {
                throw e;
            }
            LOG.warn("{}", e.getMessage()); // stopping: the loop ends after this step
        } catch (SQLException e) {
            standby = false;
            if (!ReplicationErrors.isRetriable(e)) {
                throw e;
            }
            scheduleRetry(e);
        }
    }

    /** Whether it is time to confirm the lock again: every status interval, at most the lock's check interval. */
    private boolean lockCheckDue() {
        long now = clock.millis();
        if (now < nextLockCheckMillis) {
            return false;
        }
        nextLockCheckMillis = now + Math.min(sessions.lockCheckInterval().toMillis(),
                settings.source().timing().statusInterval().toMillis());
        return true;
    }

    /**
     * The lock's session ended (a network cut, a server restart, a terminated backend): a standby may hold the lock
     * now, or soon. Stop publishing at once, before anything else, then try the lock again like a standby.
     */
    private void abandonAfterLosingTheLock(StreamSession streaming) {
        session = null;
        streaming.abandon();
        metrics.reconnected();
        LOG.error("lost the lock of slot {} (its session ended: a network cut, a server restart or a terminated"
                + " backend); stopped streaming and publishing at once, unsent events discarded (never confirmed,"
                + " so they are streamed again by whoever holds the lock next). Confirmed position {}",
                slotName(), flushedLsn());
    }

    private void endSessionAfter(Exception error) {
        StreamSession ended = session;
        session = null;
        if (sessions.lockHeld()) {
            ended.close(); // still the owner: what Kafka has yet to send may go
        } else {
            ended.abandon(); // another producer may own the slot by now: nothing more of this session may land
            LOG.warn("lost the lock of slot {} with the connection; unsent events discarded, taking the lock again"
                    + " before streaming", slotName());
        }
        metrics.reconnected();
        scheduleRetry(error);
    }

    private void scheduleRetry(Exception error) {
        Duration delay = backoff.failed(metrics.positions().received().get(), clock.millis());
        LOG.warn("stream of slot {} interrupted (attempt {}), retrying in {} ms from the last confirmed position {}: {}",
                slotName(), backoff.failedAttempts(), delay.toMillis(), flushedLsn(), error.getMessage());
    }

    private void stopGracefully() throws SQLException {
        StreamSession streaming = session;
        if (streaming != null) {
            streaming.drainAndReportFinalPosition();
            LOG.info("stopped streaming slot {}; flushed position {}", slotName(), flushedLsn());
        }
    }

    /** Closes the open session, if any, and everything the slot holds (lock, heartbeat, snapshots). */
    void closeEverything() {
        StreamSession streaming = session;
        session = null;
        if (streaming != null) {
            streaming.close();
        }
        sessions.close();
    }

    /** True while this producer streams the slot. */
    public boolean isActive() {
        return session != null;
    }

    /** True while this producer waits on the slot's lock, which another producer holds. */
    public boolean isStandby() {
        return standby;
    }

    private Lsn flushedLsn() {
        return Lsn.of(metrics.positions().flushed().get());
    }

    private String slotName() {
        return settings.source().slot().name();
    }
}
