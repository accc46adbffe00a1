package io.tributary.subscriber.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConcurrentPartitionsTest {

    private static final TopicPartition P0 = new TopicPartition("changes", 0);
    private static final TopicPartition P1 = new TopicPartition("changes", 1);
    private static final TopicPartition P2 = new TopicPartition("changes", 2);
    private static final TopicPartition P3 = new TopicPartition("changes", 3);

    private final ConcurrentPartitions partitions = new ConcurrentPartitions(2, "test-bulk");
    /** What the fake applier was given, per partition, in the order it was given it. */
    private final Map<TopicPartition, List<Integer>> applied = new ConcurrentHashMap<>();

    @AfterEach
    void close() {
        partitions.close();
    }

    private void record(TopicPartition partition, int request) {
        applied.computeIfAbsent(partition, p -> Collections.synchronizedList(new ArrayList<>())).add(request);
    }

    private static Map<TopicPartition, List<Integer>> requests(int perPartition, TopicPartition... partitions) {
        Map<TopicPartition, List<Integer>> work = new LinkedHashMap<>();
        for (TopicPartition partition : partitions) {
            work.put(partition, IntStream.range(0, perPartition).boxed().toList());
        }
        return work;
    }

    @Test
    void everyPartitionIsAppliedCompletelyAndInOrderWithAtMostConcurrencyRequestsAtOnce() throws Exception {
        Map<TopicPartition, List<Integer>> work = requests(200, P0, P1, P2, P3);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();

        partitions.runInOrder(work, (partition, request) -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            record(partition, request);
            running.decrementAndGet();
        });

        assertEquals(work, applied, "each partition's requests, all of them, in order");
        assertTrue(mostAtOnce.get() <= 2, "at most 2 at once, saw " + mostAtOnce.get());
    }

    @Test
    void twoPartitionsAreAppliedAtTheSameTime() throws Exception {
        CyclicBarrier bothRunning = new CyclicBarrier(2);

        partitions.runInOrder(requests(3, P0, P1), (partition, request) -> {
            if (request == 0) {
                try {
                    bothRunning.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new AssertionError("the other partition did not run meanwhile", e);
                }
            }
            record(partition, request);
        });

        assertEquals(requests(3, P0, P1), applied);
    }

    @Test
    void aFailureStopsItsPartitionOnlyAndIsThrownOnceAllAreDone() {
        ApplyFailedException error = assertThrows(ApplyFailedException.class,
                () -> partitions.runInOrder(requests(5, P0, P1, P2), (partition, request) -> {
                    if (partition.equals(P1) && request == 2) {
                        throw new ApplyFailedException("503 unavailable", true, null);
                    }
                    record(partition, request);
                }));

        assertTrue(error.retriable());
        assertEquals("changes-1: 503 unavailable", error.getMessage());
        assertEquals(List.of(0, 1), applied.get(P1), "nothing after the failure in its partition");
        assertEquals(List.of(0, 1, 2, 3, 4), applied.get(P0));
        assertEquals(List.of(0, 1, 2, 3, 4), applied.get(P2));
    }

    @Test
    void aFailureOfTheSetupWinsOverRetriableOnes() {
        ApplyFailedException error = assertThrows(ApplyFailedException.class,
                () -> partitions.runInOrder(requests(1, P0, P1, P2), (partition, request) -> {
                    throw new ApplyFailedException(partition.equals(P1) ? "403 forbidden" : "503 unavailable",
                            !partition.equals(P1), null);
                }));

        assertFalse(error.retriable());
        assertEquals("changes-1: 403 forbidden", error.getMessage());
    }

    @Test
    void withConcurrencyOneThePartitionsRunOnTheCallersThreadInTurn() throws Exception {
        try (ConcurrentPartitions sequential = new ConcurrentPartitions(1, "test-one")) {
            Thread caller = Thread.currentThread();
            List<String> order = new ArrayList<>();

            sequential.runInOrder(requests(2, P0, P1), (partition, request) -> {
                assertEquals(caller, Thread.currentThread());
                order.add(partition + "#" + request);
            });

            assertEquals(List.of("changes-0#0", "changes-0#1", "changes-1#0", "changes-1#1"), order);
        }
    }
}
