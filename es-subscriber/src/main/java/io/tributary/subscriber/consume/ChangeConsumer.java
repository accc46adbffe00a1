package io.tributary.subscriber.consume;

import io.tributary.ops.RetryBackoff;
import io.tributary.subscriber.apply.ApplyFailedException;
import io.tributary.subscriber.apply.Rejection;
import io.tributary.subscriber.events.ChangeEventReader;
import io.tributary.subscriber.events.ReceivedChange;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscriber's loop: poll a batch, apply it to Elasticsearch, dead-letter what can never be applied, commit its
 * offsets. A batch is what one poll returns and, for up to {@link PollLimits#maxWait()} after it, what further polls
 * return, until it holds {@link PollLimits#enoughRecords()}. Each {@link #runOnce} handles one batch completely
 * before the next batch is polled, so each partition is applied strictly in order (the applier may apply
 * different partitions concurrently, each in order).
 *
 * <p><b>Invariant:</b> an offset is committed only after every record before it is applied (Elasticsearch accepted
 * it, or holds a newer version) or dead-lettered (Kafka acknowledged its dead letter). A record that is not a change
 * event, or that Elasticsearch rejects for good, goes to the dead-letter topic and its partition moves on. While
 * Elasticsearch is unavailable the batch is retried with exponential backoff, the partitions paused and the
 * consumer still polling (so it keeps its group membership and memory stays at one batch). If partitions are
 * taken away meanwhile, the batch is abandoned uncommitted (nothing dead-lettered) and the partitions still owned
 * are rewound to its start: the new owner, or this consumer, applies those records again, which external
 * versioning makes harmless. Partitions revoked while a batch is being gathered are dropped from it (their records
 * are not applied here; the partitions still or again owned are rewound to the first dropped record).
 *
 * <p><b>Parked partitions</b> ({@link Parking}): when an apply leaves a partition's records to background work (joined
 * documents that fan out, a truncate or sweep of a large table), those records are held and the partition paused, and the batch commits every other
 * partition. At each {@link #runOnce} the held records of partitions whose work is ready are applied again — now
 * completely — dead-lettered as needed, committed, and their partitions resumed. A held partition revoked or lost is
 * cancelled and its records dropped (the new owner applies them from the last commit).
 *
 * <p>Not thread-safe: owned by the consumer thread.
 */
public final class ChangeConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeConsumer.class);

    private final Consumer<byte[], byte[]> consumer;
    private final BatchApplier applier;
    private final ChangeEventReader reader = new ChangeEventReader();
    private final DeadLetterPublisher deadLetters;
    private final ConsumerMetrics metrics;
    private final PollLimits limits;
    private final RetryBackoff backoff;
    private final Clock clock;
    private final BooleanSupplier stopRequested;
    private final Parking parking;
    private final Set<TopicPartition> revokedDuringBatch = new HashSet<>();
    /** Records of parked partitions, in offset order, waiting for their background work. */
    private final Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> held = new HashMap<>();
    private volatile boolean applying = true;
    private boolean retrying;

    public ChangeConsumer(Consumer<byte[], byte[]> consumer, BatchApplier applier, DeadLetterPublisher deadLetters,
                          ConsumerMetrics metrics, PollLimits limits, RetryBackoff backoff, Clock clock,
                          BooleanSupplier stopRequested) {
        this(consumer, applier, Parking.NONE, deadLetters, metrics, limits, backoff, clock, stopRequested);
    }

    /** @param parking what tells which partitions an apply parked, and when their work is ready */
    public ChangeConsumer(Consumer<byte[], byte[]> consumer, BatchApplier applier, Parking parking,
                          DeadLetterPublisher deadLetters, ConsumerMetrics metrics, PollLimits limits,
                          RetryBackoff backoff, Clock clock, BooleanSupplier stopRequested) {
        this.parking = parking;
        this.consumer = consumer;
        this.applier = applier;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.limits = limits;
        this.backoff = backoff;
        this.clock = clock;
        this.stopRequested = stopRequested;
    }

    /**
     * Subscribes to {@code topic} — or, when it contains {@code ${schema}}/{@code ${table}}, to every topic matching
     * it — remembering partitions revoked while a batch is being retried.
     */
    public void subscribe(String topic) {
        ConsumerRebalanceListener listener = rebalanceListener();
        if (TopicNames.isPattern(topic)) {
            consumer.subscribe(TopicNames.regex(topic), listener);
        } else {
            consumer.subscribe(List.of(topic), listener);
        }
    }

    private ConsumerRebalanceListener rebalanceListener() {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                // Between batches everything polled is applied and committed; during a retry the batch is abandoned.
                revokedDuringBatch.addAll(partitions);
                dropHeld(partitions);
                LOG.info("partitions revoked: {}", partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                if (retrying) {
                    consumer.pause(partitions);
                }
                Set<TopicPartition> stillHeld = new HashSet<>(partitions);
                stillHeld.retainAll(held.keySet());
                consumer.pause(stillHeld);
                LOG.info("partitions assigned: {}", partitions);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                revokedDuringBatch.addAll(partitions);
                dropHeld(partitions);
                LOG.warn("partitions lost: {}", partitions);
            }
        };
    }

    /** False while Elasticsearch refuses the current batch. */
    public boolean isApplying() {
        return applying;
    }

    /**
     * Polls one batch and applies it completely (retrying while Elasticsearch is unavailable), dead-letters the
     * records that can never be applied, then commits.
     *
     * @throws ApplyFailedException when Elasticsearch refuses the batch for a reason of the setup (credentials,
     *                              privileges, URL), not of the records
     * @throws org.apache.kafka.common.KafkaException when Kafka does not take a dead letter (nothing is committed)
     */
    public void runOnce() throws ApplyFailedException, InterruptedException {
        applyReadyHeld();
        ConsumerRecords<byte[], byte[]> first = consumer.poll(limits.pollTimeout());
        metrics.polled(consumer);
        if (first.isEmpty()) {
            metrics.caughtUp();
            return;
        }
        revokedDuringBatch.clear();
        List<ConsumerRecord<byte[], byte[]>> records = gather(first);
        if (records.isEmpty()) {
            return;
        }
        applyAndCommit(records);
    }

    /**
     * Applies {@code records} as one batch, holds those of partitions the apply parked, dead-letters what can never
     * be applied and commits the rest; an abandoned batch is rewound (and its parked work cancelled).
     */
    private void applyAndCommit(List<ConsumerRecord<byte[], byte[]>> records)
            throws ApplyFailedException, InterruptedException {
        Batch batch = new Batch(records, reader);
        Optional<List<Rejection>> rejections = applyWithRetries(batch);
        long appliedAtMillis = clock.millis();
        if (rejections.isEmpty()) {
            parking.cancel(batch.firstOffsets().keySet());
            rewind(batch.firstOffsets());
            return;
        }
        Set<TopicPartition> parked = parking.parkedByLastApply();
        if (!parked.isEmpty()) {
            hold(records, parked);
        }
        deadLetters.publish(batch.deadLetters(rejections.get(), parked));
        Map<TopicPartition, OffsetAndMetadata> offsets = batch.nextOffsets();
        offsets.keySet().removeAll(parked);
        commit(offsets);
        metrics.applied(parked.isEmpty() ? batch.events() : batch.eventsOutside(parked), appliedAtMillis);
    }

    /** Holds the records of {@code parked} partitions and pauses them until their background work is ready. */
    private void hold(List<ConsumerRecord<byte[], byte[]>> records, Set<TopicPartition> parked) {
        for (ConsumerRecord<byte[], byte[]> record : records) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            if (parked.contains(partition)) {
                held.computeIfAbsent(partition, p -> new ArrayList<>()).add(record);
            }
        }
        consumer.pause(parked);
        LOG.info("partitions {} wait for their background work ({} records held, uncommitted)", parked,
                parked.stream().mapToInt(p -> held.get(p).size()).sum());
    }

    /** Applies, as one batch, the held records of every partition whose background work is ready, then resumes them. */
    private void applyReadyHeld() throws ApplyFailedException, InterruptedException {
        if (held.isEmpty()) {
            return;
        }
        Set<TopicPartition> ready = new HashSet<>(parking.ready());
        ready.retainAll(held.keySet());
        if (ready.isEmpty()) {
            return;
        }
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (TopicPartition partition : ready) {
            records.addAll(held.remove(partition));
        }
        revokedDuringBatch.clear();
        applyAndCommit(records);
        Set<TopicPartition> resume = new HashSet<>(ready);
        resume.removeAll(held.keySet());
        resume.retainAll(consumer.assignment());
        consumer.resume(resume);
    }

    /** Held records of partitions this consumer no longer owns are not applied here: drop them, cancel their work. */
    private void dropHeld(Collection<TopicPartition> partitions) {
        parking.cancel(partitions);
        for (TopicPartition partition : partitions) {
            if (held.remove(partition) != null) {
                LOG.info("held records of {} dropped: the partition is no longer applied here", partition);
            }
        }
    }

    /**
     * Polls again until the batch holds enough records or the wait is over ({@link PollLimits#deadline}: counted from
     * when the oldest record was written to Kafka, so records that already waited in the topic during the previous
     * batch do not wait again); after the deadline it still takes, without waiting, what the consumer has already
     * fetched, so a backlog fills batches by count. Records of partitions revoked meanwhile are dropped, and those
     * partitions, if owned again, rewound to their first dropped record: their owner applies them from there.
     */
    private List<ConsumerRecord<byte[], byte[]>> gather(ConsumerRecords<byte[], byte[]> first) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(first.count());
        long oldest = Long.MAX_VALUE;
        for (ConsumerRecord<byte[], byte[]> record : first) {
            records.add(record);
            if (record.timestamp() >= 0) {
                oldest = Math.min(oldest, record.timestamp());
            }
        }
        long deadline = limits.deadline(clock.millis(), oldest == Long.MAX_VALUE ? OptionalLong.empty()
                : OptionalLong.of(oldest));
        boolean more = !limits.maxWait().isZero(); // zero: one poll is one batch
        while (records.size() < limits.enoughRecords() && revokedDuringBatch.isEmpty() && more) {
            long left = Math.max(0, deadline - clock.millis());
            int before = records.size();
            consumer.poll(Duration.ofMillis(left)).forEach(records::add);
            more = left > 0 || records.size() > before;
        }
        if (revokedDuringBatch.isEmpty()) {
            return records;
        }
        Map<TopicPartition, Long> dropped = new HashMap<>();
        records.removeIf(record -> {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            if (!revokedDuringBatch.contains(partition)) {
                return false;
            }
            dropped.merge(partition, record.offset(), Math::min);
            return true;
        });
        LOG.info("partitions {} revoked while gathering a batch; the records of {} dropped from it",
                revokedDuringBatch, dropped.keySet());
        rewind(dropped);
        revokedDuringBatch.clear();
        return records;
    }

    /** @return the rejected events when applied; empty when abandoned (partitions revoked or a stop requested) */
    private Optional<List<Rejection>> applyWithRetries(Batch batch) throws ApplyFailedException {
        List<ReceivedChange> events = batch.events();
        if (events.isEmpty()) {
            return Optional.of(List.of());
        }
        int attempt = 0;
        try {
            while (true) {
                try {
                    List<Rejection> rejections = applier.apply(events, batch.eventPartitions());
                    applying = true;
                    return Optional.of(rejections);
                } catch (ApplyFailedException e) {
                    if (!e.retriable()) {
                        throw e;
                    }
                    applying = false;
                    metrics.retried();
                    Duration delay = backoff.delayAfter(attempt++);
                    LOG.warn("applying {} events failed (attempt {}), retrying in {} ms: {}", events.size(), attempt,
                            delay.toMillis(), e.getMessage());
                    retrying = true;
                    consumer.pause(consumer.assignment());
                    giveBack(consumer.poll(delay));
                    if (!revokedDuringBatch.isEmpty() || stopRequested.getAsBoolean()) {
                        LOG.info("abandoning the uncommitted batch (revoked: {}, stopping: {})", revokedDuringBatch,
                                stopRequested.getAsBoolean());
                        return Optional.empty();
                    }
                }
            }
        } finally {
            retrying = false;
            Set<TopicPartition> resume = new HashSet<>(consumer.paused());
            resume.removeAll(held.keySet());
            consumer.resume(resume);
        }
    }

    /** Records a poll returned while the batch is being retried are not ours to apply yet: fetch them again later. */
    private void giveBack(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition partition : records.partitions()) {
            consumer.seek(partition, records.records(partition).get(0).offset());
        }
    }

    private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            consumer.commitSync(offsets);
        } catch (CommitFailedException | RebalanceInProgressException e) {
            LOG.warn("offsets {} not committed ({}); their records will be applied again, harmlessly",
                    offsets, e.getMessage());
        }
    }

    private void rewind(Map<TopicPartition, Long> firstOffsets) {
        Set<TopicPartition> owned = consumer.assignment();
        firstOffsets.forEach((partition, offset) -> {
            if (owned.contains(partition)) {
                consumer.seek(partition, offset);
            }
        });
    }
}
