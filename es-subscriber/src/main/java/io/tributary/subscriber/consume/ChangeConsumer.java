package io.tributary.subscriber.consume;

import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.MalformedChangeEventException;
import io.tributary.ops.RetryBackoff;
import io.tributary.subscriber.apply.ApplyFailedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
 * The subscriber's loop: poll a batch, apply it to Elasticsearch, commit its offsets. Each {@link #runOnce} handles
 * one batch completely before the next poll, so each partition is applied strictly in order.
 *
 * <p><b>Invariant:</b> an offset is committed only after Elasticsearch accepted every record before it. While
 * Elasticsearch is unavailable the batch is retried with exponential backoff, the partitions paused and the
 * consumer still polling (so it keeps its group membership and memory stays at one batch). If partitions are
 * taken away meanwhile, the batch is abandoned uncommitted and the partitions still owned are rewound to its start:
 * the new owner, or this consumer, applies those records again, which external versioning makes harmless.
 *
 * <p>Not thread-safe: owned by the consumer thread.
 */
public final class ChangeConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeConsumer.class);

    private final Consumer<byte[], byte[]> consumer;
    private final BatchApplier applier;
    private final Duration pollTimeout;
    private final RetryBackoff backoff;
    private final BooleanSupplier stopRequested;
    private final Set<TopicPartition> revokedDuringBatch = new HashSet<>();
    private volatile boolean applying = true;
    private boolean retrying;

    public ChangeConsumer(Consumer<byte[], byte[]> consumer, BatchApplier applier, Duration pollTimeout,
                          RetryBackoff backoff, BooleanSupplier stopRequested) {
        this.consumer = consumer;
        this.applier = applier;
        this.pollTimeout = pollTimeout;
        this.backoff = backoff;
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
                LOG.info("partitions revoked: {}", partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                if (retrying) {
                    consumer.pause(partitions);
                }
                LOG.info("partitions assigned: {}", partitions);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                revokedDuringBatch.addAll(partitions);
                LOG.warn("partitions lost: {}", partitions);
            }
        };
    }

    /** False while Elasticsearch refuses the current batch. */
    public boolean isApplying() {
        return applying;
    }

    /**
     * Polls one batch and applies it completely (retrying while Elasticsearch is unavailable), then commits.
     *
     * @throws ApplyFailedException when Elasticsearch rejects a record for good
     * @throws MalformedChangeEventException when a record is not a change event (naming its partition and offset)
     */
    public void runOnce() throws ApplyFailedException {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(pollTimeout);
        if (records.isEmpty()) {
            return;
        }
        revokedDuringBatch.clear();
        List<ChangeEvent> events = new ArrayList<>(records.count());
        Map<TopicPartition, Long> firstOffsets = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> nextOffsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            events.add(decode(record));
            firstOffsets.putIfAbsent(partition, record.offset());
            nextOffsets.put(partition, new OffsetAndMetadata(record.offset() + 1));
        }
        if (applyWithRetries(events)) {
            commit(nextOffsets);
        } else {
            rewind(firstOffsets);
        }
    }

    private static ChangeEvent decode(ConsumerRecord<byte[], byte[]> record) {
        try {
            return ChangeEventJson.decode(record.value());
        } catch (MalformedChangeEventException e) {
            throw new MalformedChangeEventException("record " + record.topic() + "-" + record.partition() + "@"
                    + record.offset() + ": " + e.getMessage(), e);
        }
    }

    /** @return true when applied; false when abandoned because partitions were revoked or a stop was requested */
    private boolean applyWithRetries(List<ChangeEvent> events) throws ApplyFailedException {
        int attempt = 0;
        try {
            while (true) {
                try {
                    applier.apply(events);
                    applying = true;
                    return true;
                } catch (ApplyFailedException e) {
                    if (!e.retriable()) {
                        throw e;
                    }
                    applying = false;
                    Duration delay = backoff.delayAfter(attempt++);
                    LOG.warn("applying {} events failed (attempt {}), retrying in {} ms: {}", events.size(), attempt,
                            delay.toMillis(), e.getMessage());
                    retrying = true;
                    consumer.pause(consumer.assignment());
                    giveBack(consumer.poll(delay));
                    if (!revokedDuringBatch.isEmpty() || stopRequested.getAsBoolean()) {
                        LOG.info("abandoning the uncommitted batch (revoked: {}, stopping: {})", revokedDuringBatch,
                                stopRequested.getAsBoolean());
                        return false;
                    }
                }
            }
        } finally {
            retrying = false;
            consumer.resume(consumer.paused());
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
