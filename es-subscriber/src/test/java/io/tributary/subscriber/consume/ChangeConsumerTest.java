package io.tributary.subscriber.consume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.localstack.testkit.MutableClock;
import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.ChangeRecordEncoder;
import io.tributary.model.Envelope;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.model.SourceInfo;
import io.tributary.ops.RetryBackoff;
import io.tributary.subscriber.apply.ApplyFailedException;
import io.tributary.subscriber.apply.PlannedAhead;
import io.tributary.subscriber.apply.PlansAhead;
import io.tributary.subscriber.apply.Rejection;
import io.tributary.subscriber.events.ReceivedChange;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ChangeConsumerTest {

    private static final String TOPIC = "changes";
    private static final String DLQ = "changes.dlq";
    private static final int MAX_EVENT_BYTES = 64 * 1024 * 1024;
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);
    private static final Instant NOW = Instant.parse("2026-11-22T06:00:10Z");

    /** How long each poll was allowed to wait, in order. */
    private final List<Duration> pollTimeouts = new ArrayList<>();
    /** Records each poll's timeout; a poll that finds nothing waits its timeout out on the loop's clock, as Kafka's. */
    private final MockConsumer<byte[], byte[]> kafka = new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name()) {
        @Override
        public synchronized org.apache.kafka.clients.consumer.ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
            pollTimeouts.add(timeout);
            org.apache.kafka.clients.consumer.ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
            if (records.isEmpty()) {
                clock.advance(timeout);
            }
            return records;
        }

        @Override
        public synchronized void commitSync(Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> offsets) {
            Map<TopicPartition, Long> committed = new java.util.HashMap<>();
            offsets.forEach((partition, offset) -> committed.put(partition, offset.offset()));
            commits.add(Map.entry(Set.copyOf(assignment()), committed));
            super.commitSync(offsets);
        }
    };
    private boolean deferNextApply;
    private final java.util.Deque<Runnable> deferred = new java.util.ArrayDeque<>();
    /**
     * Where batches are applied: at once, on the consumer thread, unless {@link #deferNextApply} is set; then the next
     * apply waits in {@link #deferred} until the test (in a poll task) runs it, as if it were still being applied.
     */
    private final java.util.concurrent.Executor applyExecutor = task -> {
        if (deferNextApply) {
            deferNextApply = false;
            deferred.add(task);
        } else {
            task.run();
        }
    };
    /** Each commit's offsets, with the partitions assigned when it was made, in order. */
    private final List<Map.Entry<Set<TopicPartition>, Map<TopicPartition, Long>>> commits = new ArrayList<>();
    private final MockProducer<byte[], byte[]> deadLetterProducer = new MockProducer<>(true, null,
            new ByteArraySerializer(), new ByteArraySerializer());
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final List<List<ReceivedChange>> applied = new ArrayList<>();
    private final List<List<TopicPartition>> appliedPartitions = new ArrayList<>();
    private final MutableClock clock = new MutableClock(NOW);
    private final AtomicInteger failuresToGo = new AtomicInteger();
    /** How long Elasticsearch takes to accept a batch: the loop's clock moves on by this much in each apply. */
    private long applyMillis;
    private final List<Rejection> rejectNext = new ArrayList<>();
    private boolean failForGood;

    private final ChangeConsumer loop = newLoop(deadLetterProducer);

    private ChangeConsumer newLoop(MockProducer<byte[], byte[]> producer) {
        return newLoop(producer, new PollLimits(Duration.ZERO, 100, Duration.ZERO));
    }

    private ChangeConsumer newLoop(MockProducer<byte[], byte[]> producer, PollLimits limits) {
        return new ChangeConsumer(kafka, new ApplyThread((events, partitions) -> {
            if (failForGood) {
                throw new ApplyFailedException("security_exception: unable to authenticate", false, null);
            }
            if (failuresToGo.getAndDecrement() > 0) {
                throw new ApplyFailedException("connection refused", true, null);
            }
            clock.advance(Duration.ofMillis(applyMillis));
            applied.add(List.copyOf(events));
            appliedPartitions.add(List.copyOf(partitions));
            List<Rejection> rejections = List.copyOf(rejectNext);
            rejectNext.clear();
            return rejections;
        }, applyExecutor), new DeadLetterPublisher(producer, DLQ, metrics, MAX_EVENT_BYTES), new ConsumerMetrics(metrics, Clock.fixed(NOW,
                ZoneOffset.UTC)), limits, new RetryBackoff(Duration.ofMillis(1), Duration.ofMillis(2)), clock,
                () -> false);
    }

    @BeforeEach
    void assignTwoPartitions() {
        loop.subscribe(TOPIC);
        kafka.rebalance(List.of(P0, P1));
        kafka.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    }

    private static byte[] event(long id, long lsn) {
        ObjectNode row = ChangeEventJson.mapper().createObjectNode().put("id", id);
        return ChangeEventJson.encode(new ChangeEvent(Operation.CREATE,
                new SourceInfo("app", "public", "t", Lsn.of(lsn), Lsn.of(lsn), 1, Instant.parse("2026-11-22T06:00:00Z")),
                row, null, row));
    }

    /** A loop that gathers up to {@code enough} records for up to {@code maxWait}, owning both partitions. */
    private ChangeConsumer gatheringLoop(int enough, Duration maxWait) {
        ChangeConsumer gathering = newLoop(deadLetterProducer, new PollLimits(Duration.ZERO, enough, maxWait));
        gathering.subscribe(TOPIC);
        kafka.rebalance(List.of(P0, P1));
        return gathering;
    }

    private void add(TopicPartition partition, long offset, byte[] value) {
        kafka.addRecord(new ConsumerRecord<>(TOPIC, partition.partition(), offset, ("k" + offset).getBytes(), value));
    }

    /** A record the producer wrote to Kafka at {@code writtenAt} (its timestamp). */
    private void addWrittenAt(TopicPartition partition, long offset, byte[] value, Instant writtenAt) {
        kafka.addRecord(new ConsumerRecord<>(TOPIC, partition.partition(), offset, writtenAt.toEpochMilli(),
                org.apache.kafka.common.record.TimestampType.CREATE_TIME, 2, value.length, ("k" + offset).getBytes(),
                value, new org.apache.kafka.common.header.internals.RecordHeaders(), java.util.Optional.empty()));
    }

    private Long committed(TopicPartition partition) {
        var offset = kafka.committed(Set.of(partition)).get(partition);
        return offset == null ? null : offset.offset();
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void commitsTheNextOffsetOfEachPartitionAfterTheBatchIsApplied() throws Exception {
        add(P0, 0, event(1, 10));
        add(P0, 1, event(2, 11));
        add(P1, 0, event(3, 12));

        loop.runOnce();

        assertEquals(1, applied.size());
        assertEquals(List.of(1L, 2L), applied.get(0).stream()
                .filter(e -> e.key().get("id").asLong() < 3).map(e -> e.key().get("id").asLong()).toList(),
                "partition 0 in offset order");
        assertEquals(2, committed(P0));
        assertEquals(1, committed(P1));
        assertEquals(10_000, metrics.get("tributary.subscriber.end.to.end.lag").gauge().value(),
                "applied at NOW, committed in PostgreSQL 10 s earlier");
    }

    @Test
    void recordsCommitToAppliedForEveryChangeWhenElasticsearchAcceptedItsBatch() throws Exception {
        add(P0, 0, event(1, 10));
        add(P0, 1, event(2, 11));
        add(P1, 0, event(3, 12));
        applyMillis = 300;

        loop.runOnce();

        Timer commitToApplied = metrics.get("tributary.subscriber.commit.to.applied").timer();
        assertEquals(3, commitToApplied.count(), "one sample per change");
        assertEquals(10_300, commitToApplied.max(TimeUnit.MILLISECONDS),
                "committed in PostgreSQL at 06:00:00, accepted by Elasticsearch 300 ms after NOW (06:00:10)");
        assertEquals(3 * 10_300, commitToApplied.totalTime(TimeUnit.MILLISECONDS));
    }

    @Test
    void retriesWhileElasticsearchIsUnavailableAndCommitsOnlyAfterwards() throws Exception {
        add(P0, 0, event(1, 10));
        failuresToGo.set(3);

        loop.runOnce();

        assertEquals(1, applied.size());
        assertTrue(loop.isApplying());
        assertEquals(1, committed(P0));
        assertTrue(kafka.paused().isEmpty(), "partitions resumed after the retry");
        assertEquals(3, metrics.get("tributary.subscriber.retries").counter().count());
    }

    @Test
    void aFailureOfTheSetupStopsWithoutCommitOrDeadLetters() {
        add(P0, 0, event(1, 10));
        failForGood = true;

        assertThrows(ApplyFailedException.class, loop::runOnce);

        assertNull(committed(P0));
        assertTrue(deadLetterProducer.history().isEmpty(), "a setup problem is not the records' fault");
    }

    @Test
    void aRecordThatIsNotAChangeEventIsDeadLetteredWithItsOriginalBytesAndThePartitionMovesOn() throws Exception {
        byte[] garbage = "{oops".getBytes(StandardCharsets.UTF_8);
        add(P1, 0, garbage);
        add(P1, 1, event(2, 11));

        loop.runOnce();

        assertEquals(1, deadLetterProducer.history().size());
        ProducerRecord<byte[], byte[]> letter = deadLetterProducer.history().get(0);
        assertEquals(DLQ, letter.topic());
        assertArrayEquals(garbage, letter.value());
        assertArrayEquals("k0".getBytes(), letter.key());
        assertEquals(TOPIC, header(letter, DeadLetterPublisher.TOPIC));
        assertEquals("1", header(letter, DeadLetterPublisher.PARTITION));
        assertEquals("0", header(letter, DeadLetterPublisher.OFFSET));
        assertEquals(Batch.NOT_A_CHANGE_EVENT, header(letter, DeadLetterPublisher.KIND));
        assertTrue(header(letter, DeadLetterPublisher.REASON).startsWith("not a change event"));
        assertEquals(1, applied.get(0).size(), "the record after it is applied");
        assertEquals(2, committed(P1));
        assertEquals(1, metrics.get("tributary.subscriber.dead.letters").tag("reason", Batch.NOT_A_CHANGE_EVENT)
                .counter().count());
    }

    @Test
    void debeziumShapedRecordsAreAppliedAsTributarysAndAMarkedRecordOfNeitherShapeIsDeadLetteredWithItsReason()
            throws Exception {
        ObjectNode row = ChangeEventJson.mapper().createObjectNode().put("id", 2);
        ChangeEvent insert = new ChangeEvent(Operation.CREATE, new SourceInfo("app", "public", "t", Lsn.of(11),
                Lsn.of(11), 1, Instant.parse("2026-11-22T06:00:00Z")), row, null, row);
        ChangeRecordEncoder.Encoded debezium = new ChangeRecordEncoder(Envelope.DEBEZIUM).encode(insert);
        add(P0, 0, event(1, 10));
        kafka.addRecord(new ConsumerRecord<>(TOPIC, 0, 1, 0L, TimestampType.CREATE_TIME, debezium.key().length,
                debezium.value().length, debezium.key(), debezium.value(),
                new RecordHeaders(debezium.headers().toArray(Header[]::new)), Optional.empty()));
        byte[] notDebezium = event(3, 12);
        kafka.addRecord(new ConsumerRecord<>(TOPIC, 0, 2, 0L, TimestampType.CREATE_TIME, 2, notDebezium.length,
                "k2".getBytes(), notDebezium, new RecordHeaders(debezium.headers().toArray(Header[]::new)),
                Optional.empty()));

        loop.runOnce();

        assertEquals(List.of(1L, 2L), applied.get(0).stream().map(e -> e.key().get("id").asLong()).toList());
        assertEquals(ReceivedChange.of(insert).source(), applied.get(0).get(1).source(), "versioned by its LSN");
        assertEquals(insert.after(), applied.get(0).get(1).after().tree());
        assertEquals(1, deadLetterProducer.history().size());
        ProducerRecord<byte[], byte[]> letter = deadLetterProducer.history().get(0);
        assertArrayEquals(notDebezium, letter.value());
        assertEquals(Batch.NOT_A_CHANGE_EVENT, header(letter, DeadLetterPublisher.KIND));
        assertTrue(header(letter, DeadLetterPublisher.REASON).startsWith("not a Debezium change event: 'source.lsn' must be a whole number"),
                header(letter, DeadLetterPublisher.REASON));
        assertEquals(3, committed(P0));
    }

    @Test
    void eventsElasticsearchRejectsForGoodAreDeadLetteredNamingIndexAndId() throws Exception {
        add(P0, 0, event(1, 10));
        add(P0, 1, event(2, 11));
        add(P0, 2, event(3, 12));
        rejectNext.add(new Rejection(1, "public.t", "2", "document_parsing_exception", "400 failed to parse"));

        loop.runOnce();

        ProducerRecord<byte[], byte[]> letter = deadLetterProducer.history().get(0);
        assertArrayEquals(event(2, 11), letter.value());
        assertEquals("1", header(letter, DeadLetterPublisher.OFFSET));
        assertEquals("public.t", header(letter, DeadLetterPublisher.INDEX));
        assertEquals("2", header(letter, DeadLetterPublisher.ID));
        assertEquals("400 failed to parse", header(letter, DeadLetterPublisher.REASON));
        assertEquals(3, committed(P0));
        assertEquals(1, metrics.get("tributary.subscriber.dead.letters").tags("index", "public.t",
                "reason", "document_parsing_exception").counter().count());
    }

    @Test
    void anOffsetIsNotCommittedWhenKafkaDoesNotTakeItsDeadLetter() {
        MockProducer<byte[], byte[]> failing = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        failing.sendException = new KafkaException("broker down");
        ChangeConsumer withFailingTopic = newLoop(failing);
        withFailingTopic.subscribe(TOPIC);
        kafka.rebalance(List.of(P0));
        kafka.updateBeginningOffsets(Map.of(P0, 0L));
        add(P0, 0, "garbage".getBytes());

        KafkaException error = assertThrows(KafkaException.class, withFailingTopic::runOnce);

        assertTrue(error.getMessage().startsWith("could not write record changes-0@0"), error.getMessage());
        assertNull(committed(P0));
    }

    @Test
    void aDeadLetterTooLargeForKafkaNamesItsSizeAndTheKeyThatRaisesTheLimit() {
        MockProducer<byte[], byte[]> failing = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        failing.sendException = new RecordTooLargeException("The message is 2000000 bytes when serialized");
        ChangeConsumer withSmallTopic = newLoop(failing);
        withSmallTopic.subscribe(TOPIC);
        kafka.rebalance(List.of(P0));
        kafka.updateBeginningOffsets(Map.of(P0, 0L));
        add(P0, 0, "garbage".getBytes());

        KafkaException error = assertThrows(KafkaException.class, withSmallTopic::runOnce);

        assertTrue(error.getMessage().contains("9 bytes of key and value"), error.getMessage());
        assertTrue(error.getMessage().contains("raise tributary.kafka.max-event-bytes (now 67108864 bytes)"),
                error.getMessage());
        assertTrue(error.getMessage().contains("--entity-name " + DLQ + " --add-config max.message.bytes="),
                error.getMessage());
        assertNull(committed(P0));
    }

    @Test
    void consumerLagIsReportedPerOwnedPartition() throws Exception {
        kafka.updateEndOffsets(Map.of(P0, 5L, P1, 0L));
        add(P0, 0, event(1, 10));

        loop.runOnce();

        assertEquals(4, metrics.get("tributary.subscriber.consumer.lag").tag("partition", "0").gauge().value());
    }

    @Test
    void keepsPollingUntilTheWaitIsOverThenAppliesEverythingPolledAsOneBatch() throws Exception {
        ChangeConsumer gathering = gatheringLoop(3, Duration.ofMillis(200));
        add(P0, 0, event(1, 10));
        kafka.schedulePollTask(() -> { });
        kafka.schedulePollTask(() -> {
            add(P1, 0, event(2, 11));
            clock.advance(Duration.ofMillis(50));
        });
        kafka.schedulePollTask(() -> clock.advance(Duration.ofMillis(150)));

        gathering.runOnce();

        assertEquals(1, applied.size(), "one batch of both polls");
        assertEquals(List.of(1L, 2L), applied.get(0).stream().map(e -> e.key().get("id").asLong()).toList());
        assertEquals(List.of(P0, P1), appliedPartitions.get(0), "each event with its partition");
        assertEquals(1, committed(P0));
        assertEquals(1, committed(P1));
    }

    @Test
    void enoughRecordsAreAppliedWithoutWaitingForMore() throws Exception {
        ChangeConsumer gathering = gatheringLoop(2, Duration.ofMillis(200));
        add(P0, 0, event(1, 10));
        add(P0, 1, event(2, 11));
        kafka.schedulePollTask(() -> { });
        kafka.schedulePollTask(() -> add(P1, 0, event(3, 12)));

        gathering.runOnce();

        assertEquals(List.of(1L, 2L), applied.get(0).stream().map(e -> e.key().get("id").asLong()).toList(),
                "no second poll");
        assertEquals(2, committed(P0));
        assertNull(committed(P1));
    }

    @Test
    void aBatchWaitsForMoreOnlyUntilMaxWaitAfterItsOldestRecordWasWrittenToKafka() throws Exception {
        ChangeConsumer gathering = gatheringLoop(10, Duration.ofMillis(200));
        addWrittenAt(P0, 0, event(1, 10), NOW.minusMillis(30));
        pollTimeouts.clear();

        gathering.runOnce();

        assertEquals(List.of(Duration.ZERO, Duration.ofMillis(170)), pollTimeouts.subList(0, 2),
                "the first gathering poll waits what is left of 200 ms after the record was written, 30 ms ago");
        assertEquals(1, applied.size());
    }

    @Test
    void recordsThatAlreadyWaitedInTheTopicAreAppliedWithoutWaitingAgain() throws Exception {
        ChangeConsumer gathering = gatheringLoop(10, Duration.ofMillis(200));
        addWrittenAt(P0, 0, event(1, 10), NOW.minusMillis(300)); // waited while the previous batch was applied
        pollTimeouts.clear();

        gathering.runOnce();

        assertEquals(List.of(Duration.ZERO, Duration.ZERO), pollTimeouts, "no poll waits");
        assertEquals(1, applied.size());
        assertEquals(1, committed(P0));
    }

    @Test
    void pastItsDeadlineABatchStillTakesWhatWasAlreadyFetchedUntilItHoldsEnough() throws Exception {
        ChangeConsumer gathering = gatheringLoop(3, Duration.ofMillis(200));
        addWrittenAt(P0, 0, event(1, 10), NOW.minusSeconds(60)); // a backlog
        kafka.schedulePollTask(() -> { });
        kafka.schedulePollTask(() -> addWrittenAt(P0, 1, event(2, 11), NOW.minusSeconds(59)));
        kafka.schedulePollTask(() -> addWrittenAt(P1, 0, event(3, 12), NOW.minusSeconds(59)));
        kafka.schedulePollTask(() -> addWrittenAt(P1, 1, event(4, 13), NOW.minusSeconds(59)));
        pollTimeouts.clear();

        gathering.runOnce();

        assertEquals(List.of(1L, 2L, 3L), applied.get(0).stream().map(e -> e.key().get("id").asLong()).toList(),
                "filled by count from what was fetched, without waiting");
        assertTrue(pollTimeouts.stream().allMatch(Duration::isZero), "no poll waits: " + pollTimeouts);
    }

    @Test
    void aProducerClockAheadCannotMakeABatchWaitLongerThanMaxWait() throws Exception {
        ChangeConsumer gathering = gatheringLoop(10, Duration.ofMillis(200));
        addWrittenAt(P0, 0, event(1, 10), NOW.plusSeconds(10));
        pollTimeouts.clear();

        gathering.runOnce();

        assertEquals(Duration.ofMillis(200), pollTimeouts.get(1));
    }

    /** A parking that parks {@link #parkNext} at the next apply and tells {@link #readyPartitions} ready. */
    private final Set<TopicPartition> parkNext = new java.util.HashSet<>();
    private final Set<TopicPartition> readyPartitions = new java.util.HashSet<>();
    private final Set<TopicPartition> cancelled = new java.util.HashSet<>();
    private Set<TopicPartition> parkedByLast = Set.of();

    private ChangeConsumer parkingLoop() {
        Parking parking = new Parking() {
            @Override
            public Set<TopicPartition> parkedByLastApply() {
                return parkedByLast;
            }

            @Override
            public Set<TopicPartition> ready() {
                return Set.copyOf(readyPartitions);
            }

            @Override
            public void cancel(java.util.Collection<TopicPartition> partitions) {
                cancelled.addAll(partitions);
            }
        };
        ChangeConsumer consumer = new ChangeConsumer(kafka, new ApplyThread((events, partitions) -> {
            parkedByLast = Set.copyOf(parkNext);
            parkNext.clear();
            List<ReceivedChange> kept = new ArrayList<>();
            List<TopicPartition> keptPartitions = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                if (!parkedByLast.contains(partitions.get(i))) {
                    kept.add(events.get(i));
                    keptPartitions.add(partitions.get(i));
                }
            }
            applied.add(kept);
            appliedPartitions.add(keptPartitions);
            return List.of();
        }, applyExecutor), parking, new DeadLetterPublisher(deadLetterProducer, DLQ, metrics, MAX_EVENT_BYTES), new ConsumerMetrics(metrics,
                Clock.fixed(NOW, ZoneOffset.UTC)), new PollLimits(Duration.ZERO, 100, Duration.ZERO),
                new RetryBackoff(Duration.ofMillis(1), Duration.ofMillis(2)), clock, () -> false);
        consumer.subscribe(TOPIC);
        kafka.rebalance(List.of(P0, P1));
        return consumer;
    }

    @Test
    void aParkedPartitionWaitsUncommittedWhileTheOthersGoOnThenItsHeldRecordsAreAppliedAndCommitted()
            throws Exception {
        ChangeConsumer consumer = parkingLoop();
        add(P0, 0, event(1, 10));
        add(P1, 0, event(2, 11));
        add(P1, 1, event(3, 12));
        parkNext.add(P1);

        consumer.runOnce();

        assertEquals(1L, committed(P0), "the other partition is committed");
        assertNull(committed(P1), "the parked partition's records wait uncommitted");
        assertTrue(kafka.paused().contains(P1), "and its partition is paused");
        assertFalse(kafka.paused().contains(P0));

        add(P0, 1, event(4, 13));
        consumer.runOnce();
        assertEquals(2L, committed(P0), "the other partition goes on meanwhile");
        assertNull(committed(P1));

        readyPartitions.add(P1);
        consumer.runOnce();

        assertEquals(2L, committed(P1), "once ready, the held records are applied and committed");
        assertFalse(kafka.paused().contains(P1), "and the partition resumed");
        List<ReceivedChange> last = applied.stream().filter(batch -> batch.size() == 2).reduce((a, b) -> b)
                .orElseThrow();
        assertEquals(List.of(2L, 3L), last.stream().map(e -> e.key().get("id").asLong()).toList());
    }

    @Test
    void aParkedPartitionRevokedIsCancelledAndItsHeldRecordsDropped() throws Exception {
        ChangeConsumer consumer = parkingLoop();
        add(P1, 0, event(2, 11));
        parkNext.add(P1);
        consumer.runOnce();
        assertNull(committed(P1));

        kafka.rebalance(List.of(P0));
        readyPartitions.add(P1);
        consumer.runOnce();

        assertTrue(cancelled.contains(P1), "its background work is cancelled");
        assertNull(committed(P1), "nothing of it is committed here: the new owner applies it from the last commit");
        assertTrue(applied.stream().flatMap(List::stream).noneMatch(e -> e.key().get("id").asLong() == 2));
    }

    @Test
    @Timeout(10) // a batch whose apply never ends would hang here
    void whileABatchIsAppliedTheNextIsPolledAndItIsAppliedOnlyAfterTheFirstIsCommitted() throws Exception {
        add(P0, 0, event(1, 10));
        deferNextApply = true;
        kafka.schedulePollTask(() -> { }); // the batch's own poll
        kafka.schedulePollTask(() -> add(P0, 1, event(2, 11))); // polled while the batch is applied
        kafka.schedulePollTask(() -> deferred.poll().run()); // Elasticsearch answers

        loop.runOnce();

        assertEquals(List.of(1L), applied.get(0).stream().map(e -> e.key().get("id").asLong()).toList());
        assertEquals(List.of(2L), applied.get(1).stream().map(e -> e.key().get("id").asLong()).toList(),
                "the record polled meanwhile is the next batch, started once the first was applied");
        assertEquals(1, committed(P0), "the first batch is committed");

        loop.runOnce();

        assertEquals(2, applied.size(), "nothing applied twice");
        assertEquals(2, committed(P0), "the next call commits the batch it started");
    }

    @Test
    @Timeout(10)
    void aFullNextBatchIsPlannedAheadOnTheConsumerThreadWhileOneAppliesAndStartsWithThatPlan() throws Exception {
        List<String> plannedOn = new ArrayList<>();
        List<List<Long>> plannedIds = new ArrayList<>();
        List<PlannedAhead> made = new ArrayList<>();
        List<Optional<PlannedAhead>> given = new ArrayList<>();
        BatchApplier planning = new BatchApplier() {
            @Override
            public List<Rejection> apply(List<ReceivedChange> events, List<TopicPartition> partitions) {
                throw new AssertionError("applied without the plan argument");
            }

            @Override
            public List<Rejection> apply(List<ReceivedChange> events, List<TopicPartition> partitions,
                                         Optional<PlannedAhead> ahead) {
                given.add(ahead);
                applied.add(List.copyOf(events));
                return List.of();
            }

            @Override
            public Optional<PlannedAhead> planAhead(List<ReceivedChange> events) {
                plannedOn.add(Thread.currentThread().getName());
                plannedIds.add(events.stream().map(e -> e.key().get("id").asLong()).toList());
                PlannedAhead plan = PlansAhead.of(events);
                made.add(plan);
                deferred.poll().run(); // Elasticsearch answers the batch in flight
                return Optional.of(plan);
            }
        };
        ChangeConsumer planningLoop = new ChangeConsumer(kafka, new ApplyThread(planning, applyExecutor),
                new DeadLetterPublisher(deadLetterProducer, DLQ, metrics, MAX_EVENT_BYTES),
                new ConsumerMetrics(metrics, Clock.fixed(NOW, ZoneOffset.UTC)),
                new PollLimits(Duration.ZERO, 2, Duration.ZERO), new RetryBackoff(Duration.ofMillis(1),
                Duration.ofMillis(2)), clock, () -> false);
        planningLoop.subscribe(TOPIC);
        kafka.rebalance(List.of(P0, P1));
        add(P0, 0, event(1, 10));
        add(P0, 1, event(2, 11));
        deferNextApply = true;
        kafka.schedulePollTask(() -> { }); // the first batch's poll: two records, enough
        kafka.schedulePollTask(() -> { // polled while it is applied: the next batch, full
            add(P0, 2, event(3, 12));
            add(P0, 3, event(4, 13));
        });

        planningLoop.runOnce();

        assertEquals(List.of(List.of(3L, 4L)), plannedIds, "the full next batch is planned while the first applies");
        assertEquals(List.of(Thread.currentThread().getName()), plannedOn, "on the consumer thread");
        assertEquals(Optional.empty(), given.get(0), "the first batch was planned in its turn");
        assertSame(made.get(0), given.get(1).orElseThrow(), "the next batch starts with the plan made for it");
        assertEquals(2, committed(P0), "the first batch is committed");

        planningLoop.runOnce();

        assertEquals(4, committed(P0));
        assertEquals(2, applied.size(), "each batch applied once");
    }

    @Test
    @Timeout(10)
    void aBatchStillBeingAppliedWhenTheConsumerStopsIsCommittedByFinish() throws Exception {
        add(P0, 0, event(1, 10));
        deferNextApply = true;
        kafka.schedulePollTask(() -> { });
        kafka.schedulePollTask(() -> add(P0, 1, event(2, 11)));
        kafka.schedulePollTask(() -> {
            deferred.poll().run();
            deferNextApply = true; // the next batch will still be applying when runOnce returns
        });
        loop.runOnce();
        assertEquals(1, committed(P0));
        assertEquals(1, deferred.size(), "the next batch started");

        new Thread(() -> deferred.poll().run()).start(); // Elasticsearch answers later
        loop.finish();

        assertEquals(2, committed(P0), "committed before the stop");
    }

    @Test
    @Timeout(10) // a batch whose apply never ends would hang here
    void whenTheBatchInFlightFailsTheNextIsGivenBackAndTheFailedOneRetriedFirst() throws Exception {
        add(P0, 0, event(1, 10));
        deferNextApply = true;
        failuresToGo.set(1);
        kafka.schedulePollTask(() -> { });
        kafka.schedulePollTask(() -> add(P0, 1, event(2, 11)));
        kafka.schedulePollTask(() -> deferred.poll().run()); // fails: Elasticsearch is unavailable

        loop.runOnce();

        assertEquals(1, applied.size());
        assertEquals(List.of(1L), applied.get(0).stream().map(e -> e.key().get("id").asLong()).toList(),
                "the failed batch alone, retried");
        assertEquals(1, committed(P0));
        assertEquals(1, kafka.position(P0), "the record polled during the failed apply is fetched again, not lost");
    }

    @Test
    @Timeout(10) // a batch whose apply never ends would hang here
    void partitionsRevokedWhileABatchIsAppliedAreCommittedBeforeTheyChangeHands() throws Exception {
        add(P0, 0, event(1, 10));
        add(P1, 0, event(2, 11));
        deferNextApply = true;
        kafka.schedulePollTask(() -> { });
        kafka.schedulePollTask(() -> {
            deferred.poll().run();
            kafka.rebalance(List.of(P0)); // P1 goes to another consumer
        });

        loop.runOnce();

        assertEquals(1, applied.size());
        assertEquals(List.of(Map.entry(Set.of(P0, P1), Map.of(P0, 1L, P1, 1L))), commits,
                "committed in the rebalance callback, while P1 was still ours");
    }
}
