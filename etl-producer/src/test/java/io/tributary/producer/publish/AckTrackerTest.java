package io.tributary.producer.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.model.Lsn;
import io.tributary.ops.CommitLatency;
import io.tributary.producer.publish.AckTracker.InFlightTransaction;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AckTrackerTest {

    private final AckTracker tracker = new AckTracker(Lsn.of(100));

    private InFlightTransaction transactionWithEvents(int events) {
        InFlightTransaction transaction = tracker.begin();
        for (int i = 0; i < events; i++) {
            tracker.sent(transaction);
        }
        return transaction;
    }

    @Test
    void startsAtThePositionPostgresAlreadyHolds() {
        assertEquals(Lsn.of(100), tracker.flushableLsn());
    }

    @Test
    void committedTransactionIsFlushableOnlyOnceKafkaAcknowledgedAllItsEvents() {
        InFlightTransaction first = transactionWithEvents(2);
        tracker.committed(first, Lsn.of(200));
        assertEquals(Lsn.of(100), tracker.flushableLsn());

        tracker.acknowledged(first);
        assertEquals(Lsn.of(100), tracker.flushableLsn(), "one event still unacknowledged");

        tracker.acknowledged(first);
        assertEquals(Lsn.of(200), tracker.flushableLsn());
    }

    @Test
    void laterTransactionAcknowledgedFirstWaitsForTheEarlierOne() {
        InFlightTransaction first = transactionWithEvents(1);
        tracker.committed(first, Lsn.of(200));
        InFlightTransaction second = transactionWithEvents(1);
        tracker.committed(second, Lsn.of(300));

        tracker.acknowledged(second);
        assertEquals(Lsn.of(100), tracker.flushableLsn(), "must not pass the unacknowledged first transaction");

        tracker.acknowledged(first);
        assertEquals(Lsn.of(300), tracker.flushableLsn());
    }

    @Test
    void openTransactionIsNeverFlushedEvenWhenAllItsEventsAreAcknowledged() {
        InFlightTransaction open = transactionWithEvents(3);
        tracker.acknowledged(open);
        tracker.acknowledged(open);
        tracker.acknowledged(open);

        assertEquals(Lsn.of(100), tracker.flushableLsn());
    }

    @Test
    void transactionWithoutEventsIsFlushableAtCommit() {
        InFlightTransaction empty = tracker.begin();
        tracker.committed(empty, Lsn.of(150));

        assertEquals(Lsn.of(150), tracker.flushableLsn());
    }

    @Test
    void aFailedSendStopsFlushingForGood() {
        InFlightTransaction first = transactionWithEvents(2);
        tracker.committed(first, Lsn.of(200));
        tracker.acknowledged(first);
        tracker.failed(first, "the 'c' event of public.t", new RuntimeException("broker gone"));

        KafkaSendFailedException error = assertThrows(KafkaSendFailedException.class, tracker::flushableLsn);
        assertTrue(error.getMessage().contains("public.t") && error.getMessage().contains("broker gone"));
        assertEquals(0, tracker.unacknowledgedEvents());
    }

    @Test
    void memoryIsOneEntryPerTransactionNotPerEvent() {
        InFlightTransaction huge = transactionWithEvents(1_000_000);
        assertEquals(1_000_000, tracker.unacknowledgedEvents());
        for (int i = 0; i < 1_000_000; i++) {
            tracker.acknowledged(huge);
        }
        tracker.committed(huge, Lsn.of(999));
        assertEquals(Lsn.of(999), tracker.flushableLsn());
    }

    @Test
    void idleServerPositionIsFlushableOnlyWhenNothingIsInFlight() {
        InFlightTransaction open = transactionWithEvents(1);
        tracker.idleAt(Lsn.of(900));
        assertEquals(Lsn.of(100), tracker.flushableLsn(), "an open transaction may commit before 900");

        tracker.acknowledged(open);
        tracker.committed(open, Lsn.of(200));
        tracker.idleAt(Lsn.of(900));
        assertEquals(Lsn.of(900), tracker.flushableLsn());

        tracker.idleAt(Lsn.of(800));
        assertEquals(Lsn.of(900), tracker.flushableLsn(), "never moves back");
    }

    @Test
    void idleServerPositionIsIgnoredAfterAFailedSend() {
        InFlightTransaction transaction = transactionWithEvents(1);
        tracker.failed(transaction, "x", new RuntimeException("down"));
        tracker.committed(transaction, Lsn.of(200));
        tracker.idleAt(Lsn.of(900));
        assertThrows(KafkaSendFailedException.class, tracker::flushableLsn);
    }

    @Test
    void awaitCapacityReturnsWhenBelowTheLimit() throws Exception {
        InFlightTransaction transaction = transactionWithEvents(2);
        tracker.acknowledged(transaction);
        tracker.awaitCapacity(2, 10_000);
        assertEquals(1, tracker.unacknowledgedEvents());
    }

    @Test
    void recordsCommitToAcknowledgedOncePerTransactionWhenKafkaAcknowledgedItsLastEvent() {
        Instant now = Instant.parse("2026-12-02T10:00:00Z");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AckTracker timed = new AckTracker(Lsn.of(100), CommitLatency.register(registry, "commit.to.acknowledged",
                "Kafka", Clock.fixed(now, ZoneOffset.UTC)));
        Timer timer = registry.get("commit.to.acknowledged").timer();

        InFlightTransaction twoEvents = timed.begin();
        timed.sent(twoEvents);
        timed.sent(twoEvents);
        timed.committed(twoEvents, Lsn.of(200), now.minusMillis(120));
        timed.acknowledged(twoEvents);
        assertEquals(0, timer.count(), "one event still waits for Kafka");
        timed.acknowledged(twoEvents);
        assertEquals(1, timer.count());
        assertEquals(120, timer.totalTime(TimeUnit.MILLISECONDS));

        InFlightTransaction acknowledgedBeforeItsCommit = timed.begin();
        timed.sent(acknowledgedBeforeItsCommit);
        timed.acknowledged(acknowledgedBeforeItsCommit);
        assertEquals(1, timer.count(), "not committed yet");
        timed.committed(acknowledgedBeforeItsCommit, Lsn.of(300), now.minusMillis(30));
        assertEquals(2, timer.count());
        assertEquals(150, timer.totalTime(TimeUnit.MILLISECONDS));
    }

    @Test
    void recordsNoCommitToAcknowledgedForEmptyFailedOrUntimedTransactions() {
        Instant now = Instant.parse("2026-12-02T10:00:00Z");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AckTracker timed = new AckTracker(Lsn.of(100), CommitLatency.register(registry, "commit.to.acknowledged",
                "Kafka", Clock.fixed(now, ZoneOffset.UTC)));

        timed.committed(timed.begin(), Lsn.of(200), now.minusMillis(10));
        InFlightTransaction failed = timed.begin();
        timed.sent(failed);
        timed.sent(failed);
        timed.failed(failed, "x", new RuntimeException("down"));
        timed.committed(failed, Lsn.of(300), now.minusMillis(10));
        timed.acknowledged(failed);
        InFlightTransaction chunk = timed.begin();
        timed.sent(chunk);
        timed.committed(chunk, Lsn.of(400));
        timed.acknowledged(chunk);

        assertEquals(0, registry.get("commit.to.acknowledged").timer().count());
    }
}
