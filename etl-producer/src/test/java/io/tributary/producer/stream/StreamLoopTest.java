package io.tributary.producer.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.model.Lsn;
import io.tributary.ops.ServiceLoop;
import io.tributary.producer.ProducerSettings;
import io.tributary.producer.publish.KafkaSendFailedException;
import java.sql.SQLException;
import io.tributary.localstack.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/** Steps the session loop with a fake slot, sessions, clock and sleeper: no database, no Kafka, no sleeping. */
class StreamLoopTest {

    private static final ProducerSettings SETTINGS = ProducerSettings.parse("""
            tributary.postgres { url = "jdbc:postgresql://db:5432/app", user = replicator, tables = [shop.items] }
            tributary.postgres { slot = fake, status-interval = 1s, takeover-timeout = 10s }
            tributary.postgres.reconnect { initial-backoff = 1s, max-backoff = 4s }
            tributary.kafka.bootstrap-servers = "kafka:9092"
            """);
    private static final SQLException CONNECTION_LOST = new SQLException("An I/O error occurred", "08006");

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T05:00:00Z"));
    private final List<Long> sleeps = new ArrayList<>();
    private final FakeSlot slot = new FakeSlot();
    private final StreamMetrics metrics = new StreamMetrics(new SimpleMeterRegistry(), clock, () -> false,
            () -> false);
    private boolean stopRequested;
    private final StreamLoop loop = new StreamLoop(SETTINGS, slot, metrics, clock, millis -> {
        sleeps.add(millis);
        clock.advance(Duration.ofMillis(millis));
    }, () -> stopRequested);

    @Test
    void theBackoffDoublesWithEachFailureInARowUpToItsMaximum() throws Exception {
        loop.openFirstSession();
        List<Long> waits = new ArrayList<>();
        for (int failure = 0; failure < 4; failure++) {
            slot.current().failNextStep(CONNECTION_LOST);
            loop.runOnce();
            assertFalse(loop.isActive(), "a lost connection ends the session");
            waits.add(millisUntilTheNextSessionOpens());
        }
        assertEquals(List.of(1_000L, 2_000L, 4_000L, 4_000L), waits);
        assertEquals(4, metrics.registry().counter("tributary.producer.reconnects").count());
        assertTrue(slot.sessions.subList(0, 4).stream().allMatch(session -> session.closed && !session.abandoned),
                "still the lock's owner: each session is closed, letting Kafka send what it holds");
    }

    @Test
    void theBackoffStartsAnewOnlyOnceASessionFlushedPastTheWalReceivedAtTheLastFailure() throws Exception {
        loop.openFirstSession();
        positions().received().set(100);
        slot.current().failNextStep(CONNECTION_LOST);
        loop.runOnce();
        assertEquals(1_000, millisUntilTheNextSessionOpens());

        positions().flushed().set(100); // the keepalive position every session confirms first: no progress
        loop.runOnce();
        slot.current().failNextStep(CONNECTION_LOST);
        loop.runOnce();
        assertEquals(2_000, millisUntilTheNextSessionOpens(), "flushing up to the failure point is no progress");

        positions().flushed().set(101);
        loop.runOnce();
        slot.current().failNextStep(CONNECTION_LOST);
        loop.runOnce();
        assertEquals(1_000, millisUntilTheNextSessionOpens(), "flushed past it: the backoff starts anew");
    }

    @Test
    void aRetriableErrorOpeningASessionIsRetriedAfterTheBackoff() throws Exception {
        loop.openFirstSession();
        slot.current().failNextStep(CONNECTION_LOST);
        loop.runOnce();
        slot.openFailures.add(new SQLException("the database system is starting up", "57P03"));
        assertEquals(1_000 + 2_000, millisUntilTheNextSessionOpens(), "1 s, a failed open, then 2 s");
        assertEquals(2, slot.sessions.size());
    }

    @Test
    void aStandbyPollsTheLockEverySecondAndTakesOverWhenItFrees() throws Exception {
        slot.lockFree = false;
        loop.openFirstSession();
        assertTrue(loop.isStandby());
        assertFalse(loop.isActive());

        for (int i = 0; i < 3; i++) {
            loop.runOnce();
        }
        assertEquals(List.of(1_000L, 1_000L, 1_000L), sleeps);
        assertTrue(loop.isStandby());
        assertEquals(0, slot.sessions.size(), "no session without the lock");

        slot.lockFree = true;
        loop.runOnce();
        assertFalse(loop.isStandby());
        assertTrue(loop.isActive(), "took over");
        assertEquals(1, slot.sessions.size());
    }

    @Test
    void anActiveProducerThatLosesItsLockAbandonsTheSessionAtOnceAndWaitsAsAStandby() throws Exception {
        loop.openFirstSession();
        loop.runOnce();
        assertEquals(1, slot.lockChecks, "the lock is confirmed at the first step");
        loop.runOnce();
        assertEquals(1, slot.lockChecks, "and not again within the status interval");

        slot.lockHeld = false;
        slot.lockFree = false;
        clock.advance(Duration.ofSeconds(1));
        loop.runOnce();
        FakeSession lost = slot.sessions.get(0);
        assertTrue(lost.abandoned, "unsent events discarded: another producer may own the slot now");
        assertFalse(lost.closed);
        assertEquals(2, lost.steps, "no step after the lock was found gone");
        assertFalse(loop.isActive());

        loop.runOnce();
        assertTrue(loop.isStandby(), "tries the lock again like a standby");
        assertEquals(1, metrics.registry().counter("tributary.producer.reconnects").count());
    }

    @Test
    void aSessionThatFailsWithoutItsLockIsAbandonedNotClosed() throws Exception {
        loop.openFirstSession();
        loop.runOnce(); // confirms the lock; the next check is a status interval away
        slot.lockHeld = false;
        slot.current().failNextStep(CONNECTION_LOST);
        loop.runOnce();
        assertEquals(2, slot.lockChecks, "the failure asked whether the lock is still held");
        assertTrue(slot.sessions.get(0).abandoned);
        assertFalse(slot.sessions.get(0).closed);
        assertFalse(loop.isActive());
    }

    @Test
    void aFatalDatabaseErrorEndsTheLoopWithTheFailureAndClosesEverything() throws Exception {
        SQLException refused = new SQLException("password authentication failed", "28P01");
        loop.openFirstSession();
        slot.current().failNextStep(refused);

        ServiceLoop service = new ServiceLoop("stream-loop-test");
        loop.runOn(service);
        service.awaitTermination();

        assertSame(refused, service.failure().orElseThrow());
        assertTrue(slot.sessions.get(0).closed);
        assertTrue(slot.closed, "the lock, heartbeat and snapshots are closed with the loop");
    }

    @Test
    void aSendKafkaCanNeverAcceptIsFatalAndSaysWhatToChangeWhileATimeoutIsRetried() throws Exception {
        loop.openFirstSession();
        slot.current().failNextStep(new KafkaSendFailedException("shop.items key 1", new TimeoutException("slow")));
        loop.runOnce();
        assertFalse(loop.isActive(), "a timeout ends the session, to be retried");

        millisUntilTheNextSessionOpens();
        slot.current().failNextStep(new KafkaSendFailedException("shop.items key 2",
                new RecordTooLargeException("too large")));
        IllegalStateException fatal = assertThrows(IllegalStateException.class, loop::runOnce);
        assertTrue(fatal.getMessage().contains("raise tributary.kafka.max-event-bytes (now 67108864 bytes)"),
                fatal.getMessage());
        assertTrue(fatal.getMessage().contains("slot fake keeps the WAL"), fatal.getMessage());
    }

    @Test
    void aGracefulStopDrainsTheOpenSessionBeforeClosingIt() throws Exception {
        loop.openFirstSession();
        ServiceLoop service = new ServiceLoop("stream-loop-test");
        loop.runOn(service);
        service.stop();

        assertTrue(service.failure().isEmpty());
        assertTrue(slot.sessions.get(0).drained);
        assertTrue(slot.sessions.get(0).closed);
        assertTrue(slot.closed);
    }

    private StreamPositions positions() {
        return metrics.positions();
    }

    /** Steps the loop until it opens a session; returns how long that took on the loop's clock. */
    private long millisUntilTheNextSessionOpens() throws Exception {
        long start = clock.millis();
        int opened = slot.sessions.size();
        for (int step = 0; slot.sessions.size() == opened; step++) {
            assertTrue(step < 1_000, "no session opened");
            loop.runOnce();
        }
        assertTrue(loop.isActive());
        return clock.millis() - start;
    }

    /** The slot's lock and sessions, as the test sets them. */
    private static final class FakeSlot implements SessionSource {

        private final List<FakeSession> sessions = new ArrayList<>();
        private final Deque<SQLException> openFailures = new ArrayDeque<>();
        private boolean lockFree = true;
        private boolean lockHeld = true;
        private int lockChecks;
        private boolean closed;

        FakeSession current() {
            return sessions.get(sessions.size() - 1);
        }

        @Override
        public boolean tryAcquireLock() {
            if (lockFree) {
                lockHeld = true;
            }
            return lockFree;
        }

        @Override
        public boolean lockHeld() {
            lockChecks++;
            return lockHeld;
        }

        @Override
        public Duration lockCheckInterval() {
            return Duration.ofSeconds(2);
        }

        @Override
        public StreamSession open(Lsn received) throws SQLException {
            if (!openFailures.isEmpty()) {
                throw openFailures.poll();
            }
            FakeSession session = new FakeSession();
            sessions.add(session);
            return session;
        }

        @Override
        public void doPeriodicWork(long nowMillis) {
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static final class FakeSession implements StreamSession {

        private Exception failNext;
        private int steps;
        private boolean drained;
        private boolean abandoned;
        private boolean closed;

        void failNextStep(Exception error) {
            failNext = error;
        }

        @Override
        public void runOnce() throws SQLException {
            steps++;
            Exception error = failNext;
            failNext = null;
            if (error instanceof SQLException sql) {
                throw sql;
            }
            if (error instanceof RuntimeException runtime) {
                throw runtime;
            }
        }

        @Override
        public void drainAndReportFinalPosition() {
            drained = true;
        }

        @Override
        public void abandon() {
            abandoned = true;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
