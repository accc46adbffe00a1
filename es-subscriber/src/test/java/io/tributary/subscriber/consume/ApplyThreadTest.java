package io.tributary.subscriber.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.model.SourceInfo;
import io.tributary.subscriber.apply.ApplyFailedException;
import io.tributary.subscriber.apply.PlannedAhead;
import io.tributary.subscriber.apply.PlansAhead;
import io.tributary.subscriber.apply.Rejection;
import io.tributary.subscriber.events.ChangeEventReader;
import io.tributary.subscriber.events.ReceivedChange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ApplyThreadTest {

    private static byte[] event() {
        ObjectNode row = ChangeEventJson.mapper().createObjectNode().put("id", 1);
        return ChangeEventJson.encode(new ChangeEvent(Operation.CREATE, new SourceInfo("app", "public", "t",
                Lsn.of(10), Lsn.of(10), 1, Instant.parse("2026-11-22T06:00:00Z")), row, null, row));
    }

    private static Batch oneEvent() {
        Batch batch = new Batch(List.of(new ConsumerRecord<>("changes", 0, 0, "k".getBytes(), event())),
                new ChangeEventReader());
        assertEquals(1, batch.events().size(), "the test's record is a change event");
        return batch;
    }

    @Test
    void appliesOnItsOwnThreadAndOneBatchAtATime() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        AtomicReference<String> appliedOn = new AtomicReference<>();
        List<Rejection> rejections = List.of(new Rejection(0, "public.t", "1", "mapper_parsing_exception", "bad"));
        try (ApplyThread thread = ApplyThread.ofOwnThread((events, partitions) -> {
            appliedOn.set(Thread.currentThread().getName());
            try {
                answer.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return rejections;
        })) {
            ApplyThread.Applying applying = thread.start(oneEvent());

            assertFalse(applying.isDone(), "still waiting for Elasticsearch");
            assertThrows(IllegalStateException.class, () -> thread.start(oneEvent()),
                    "no second batch while the first is applying");
            answer.countDown();
            assertSame(rejections, applying.await());
            assertEquals("tributary-apply", appliedOn.get());
            assertSame(rejections, thread.start(oneEvent()).await(),
                    "the next batch may start once the first is applied");
        }
    }

    /** An applier that plans every batch ahead and keeps, per apply, the plan it was given. */
    private static final class PlanningApplier implements BatchApplier {
        final List<Optional<PlannedAhead>> given = new ArrayList<>();
        final List<PlannedAhead> made = new ArrayList<>();

        @Override
        public List<Rejection> apply(List<ReceivedChange> events, List<TopicPartition> partitions) {
            throw new AssertionError("applied without the plan argument");
        }

        @Override
        public List<Rejection> apply(List<ReceivedChange> events, List<TopicPartition> partitions,
                                     Optional<PlannedAhead> ahead) {
            given.add(ahead);
            return List.of();
        }

        @Override
        public Optional<PlannedAhead> planAhead(List<ReceivedChange> events) {
            PlannedAhead plan = PlansAhead.of(events);
            made.add(plan);
            return Optional.of(plan);
        }
    }

    @Test
    void aBatchPlannedAheadIsAppliedWithItsPlanOnceAndOneChangedSinceIsPlannedInItsTurn() throws Exception {
        PlanningApplier applier = new PlanningApplier();
        ApplyThread thread = new ApplyThread(applier, Runnable::run);
        Batch planned = oneEvent();
        Batch changed = oneEvent();

        thread.planAhead(planned);
        thread.planAhead(planned);
        thread.planAhead(changed);
        changed.add(new ConsumerRecord<>("changes", 0, 1, "k".getBytes(), event()));
        thread.start(planned).await();
        thread.start(changed).await();

        assertEquals(2, applier.made.size(), "a batch is planned ahead once");
        assertSame(applier.made.get(0), applier.given.get(0).orElseThrow(), "the plan made for the batch");
        assertEquals(Optional.empty(), applier.given.get(1), "a record added after planning: no plan ahead");
    }

    @Test
    void aFailedApplyIsThrownByAwaitAsItWasThrown() {
        ApplyFailedException unavailable = new ApplyFailedException("connection refused", true, null);
        ApplyThread thread = new ApplyThread((events, partitions) -> {
            throw unavailable;
        }, Runnable::run);

        ApplyFailedException thrown = assertThrows(ApplyFailedException.class, () -> thread.start(oneEvent()).await());

        assertSame(unavailable, thrown);
    }
}
