package io.tributary.subscriber.consume;

import io.tributary.subscriber.events.ChangeEventReader;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link ChangeConsumer} has polled and not yet handed to the applier: the batch being gathered and the
 * <em>next</em> batch, polled and decoded while the one before it is applied. A batch ends when it holds
 * {@link PollLimits#enoughRecords()} or its wait is over ({@link PollLimits#deadline}).
 *
 * <p><b>Revocations:</b> records of partitions revoked or lost while a batch is gathered are dropped from it, and
 * those partitions, if still or again owned, rewound to the first dropped record, so their owner applies them from
 * there. Records given back (the next batch when the one before fails, or its records of partitions that wait for
 * background work) are fetched again: their partitions are rewound to them.
 *
 * <p>Not thread-safe: owned by the consumer thread, with the {@link Consumer} it polls.
 */
final class BatchGathering {

    private static final Logger LOG = LoggerFactory.getLogger(BatchGathering.class);
    /** How long one poll for the next batch waits while a batch is being applied: the apply's end is not awaited longer. */
    private static final Duration POLL_WHILE_APPLYING = Duration.ofMillis(2);

    private final Consumer<byte[], byte[]> consumer;
    private final ChangeEventReader reader;
    private final PollLimits limits;
    private final Clock clock;
    /** Partitions revoked or lost since the records being gathered were last checked. */
    private final Set<TopicPartition> revoked = new HashSet<>();
    /** The next batch, gathered while a batch is applied; null when none was. */
    private Batch next;

    BatchGathering(Consumer<byte[], byte[]> consumer, ChangeEventReader reader, PollLimits limits, Clock clock) {
        this.consumer = consumer;
        this.reader = reader;
        this.limits = limits;
        this.clock = clock;
    }

    /** From the rebalance callbacks: {@code partitions} are no longer this consumer's. */
    void revoked(Collection<TopicPartition> partitions) {
        revoked.addAll(partitions);
    }

    /** Records gathered before now are checked: revocations before now no longer concern what is applied next. */
    void forgetRevoked() {
        revoked.clear();
    }

    /** Partitions revoked since the records gathered were last checked (a retried batch is then abandoned). */
    Set<TopicPartition> revokedSinceChecked() {
        return Set.copyOf(revoked);
    }

    /**
     * Starts a batch: the next batch if one was gathered, else what one poll of up to {@code pollTimeout} returns;
     * then {@linkplain #complete completes} it.
     *
     * @return the batch (empty when all its records were revoked meanwhile); nothing when the poll found nothing
     */
    Optional<Batch> nextBatch() {
        Batch batch = next;
        next = null;
        if (batch == null) {
            ConsumerRecords<byte[], byte[]> first = consumer.poll(limits.pollTimeout());
            if (first.isEmpty()) {
                return Optional.empty();
            }
            revoked.clear(); // records polled come only from partitions owned after any rebalance in the poll
            batch = new Batch(first, reader);
        }
        return Optional.of(complete(batch));
    }

    /**
     * Polls again until the batch holds enough records or the wait is over ({@link PollLimits#deadline}: counted from
     * when the oldest record was written to Kafka, so records that already waited in the topic during the previous
     * batch do not wait again); after the deadline it still takes, without waiting, what the consumer has already
     * fetched, so a backlog fills batches by count. Records of partitions revoked meanwhile are dropped.
     */
    private Batch complete(Batch batch) {
        long deadline = limits.deadline(clock.millis(), batch.oldestTimestamp());
        boolean more = !limits.maxWait().isZero(); // zero: one poll is one batch
        while (batch.size() < limits.enoughRecords() && revoked.isEmpty() && more) {
            long left = Math.max(0, deadline - clock.millis());
            int before = batch.size();
            consumer.poll(Duration.ofMillis(left)).forEach(batch::add);
            more = left > 0 || batch.size() > before;
        }
        return dropRevoked(batch);
    }

    /** Polls the next batch, up to enough records, while {@code applying} (a batch is being applied). */
    void gatherNextWhile(BooleanSupplier applying) {
        while (applying.getAsBoolean() && (next == null || next.size() < limits.enoughRecords())) {
            ConsumerRecords<byte[], byte[]> polled = consumer.poll(POLL_WHILE_APPLYING);
            if (!polled.isEmpty()) {
                if (next == null) {
                    next = new Batch(reader);
                }
                polled.forEach(next::add);
            }
            if (next != null) {
                next = dropRevoked(next);
            } else {
                revoked.clear();
            }
        }
    }

    /** The next batch when it holds enough records: it takes no more, so it can be planned ahead. */
    Optional<Batch> fullNext() {
        return next != null && next.size() >= limits.enoughRecords() ? Optional.of(next) : Optional.empty();
    }

    /** True when the next batch holds enough records, or its wait for more is over. */
    boolean nextIsComplete() {
        if (next == null || next.isEmpty()) {
            return false;
        }
        long now = clock.millis();
        return next.size() >= limits.enoughRecords() || limits.maxWait().isZero()
                || limits.deadline(now, next.oldestTimestamp()) <= now;
    }

    /** Takes the next batch, which {@link #nextIsComplete()}, to be applied. */
    Batch takeNext() {
        Batch taken = next;
        next = null;
        return taken;
    }

    /** The next batch is not applied now: fetch its records again later. */
    void giveBackNext() {
        if (next != null) {
            rewind(next.firstOffsets());
            next = null;
        }
    }

    /** The next batch's records of {@code partitions} come after records held back: fetch them again later. */
    void giveBackNextOf(Set<TopicPartition> partitions) {
        if (next != null) {
            Map<TopicPartition, Long> givenBack = new HashMap<>();
            next = next.without(partitions, givenBack);
            rewind(givenBack);
        }
    }

    /** Records a poll returned while a batch is being retried are not to be applied yet: fetch them again later. */
    void giveBack(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition partition : records.partitions()) {
            consumer.seek(partition, records.records(partition).get(0).offset());
        }
    }

    /** Moves each partition still owned back to {@code firstOffsets}: its records are fetched again from there. */
    void rewind(Map<TopicPartition, Long> firstOffsets) {
        Set<TopicPartition> owned = consumer.assignment();
        firstOffsets.forEach((partition, offset) -> {
            if (owned.contains(partition)) {
                consumer.seek(partition, offset);
            }
        });
    }

    /**
     * {@code batch} without the records of partitions revoked since it was last checked; those partitions, if still
     * or again owned, are rewound to their first dropped record: their owner applies them from there.
     */
    private Batch dropRevoked(Batch batch) {
        if (revoked.isEmpty()) {
            return batch;
        }
        Map<TopicPartition, Long> dropped = new HashMap<>();
        Batch kept = batch.without(revoked, dropped);
        LOG.info("partitions {} revoked while gathering a batch; the records of {} dropped from it", revoked,
                dropped.keySet());
        rewind(dropped);
        revoked.clear();
        return kept;
    }
}
