package io.tributary.subscriber.consume;

import io.tributary.ops.RetryBackoff;
import io.tributary.subscriber.apply.ApplyFailedException;
import io.tributary.subscriber.apply.Rejection;
import io.tributary.subscriber.events.ChangeEventReader;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscriber's loop: poll a batch, apply it to Elasticsearch, dead-letter what can never be applied, commit its
 * offsets. A batch is what one poll returns and, for up to {@link PollLimits#maxWait()} after it, what further polls
 * return, until it holds {@link PollLimits#enoughRecords()}. The apply runs on the {@link ApplyThread} while this
 * thread polls and decodes the next batch (up to {@code enoughRecords} more records); each {@link #runOnce} commits
 * one batch, and when the next is complete by then it starts applying before that commit, so Elasticsearch does not
 * wait for the consumer between batches ({@link #settle}). A batch is applied only after the batch before it is
 * applied completely, so each partition is applied strictly in order (the applier may apply different partitions
 * concurrently, each in order). Memory: two batches at most. {@link #finish} commits the batch in flight before a
 * stop.
 *
 * <p><b>Invariant:</b> an offset is committed only after every record before it is applied (Elasticsearch accepted
 * it, or holds a newer version) or dead-lettered (Kafka acknowledged its dead letter). A record that is not a change
 * event, or that Elasticsearch rejects for good, goes to the dead-letter topic and its partition moves on. While
 * Elasticsearch is unavailable the batch is retried with exponential backoff, the next batch given back to Kafka, the
 * partitions paused and the consumer still polling (so it keeps its group membership and memory stays at one batch).
 * If partitions are taken away meanwhile, the batch is abandoned uncommitted (nothing dead-lettered) and the
 * partitions still owned are rewound to its start: the new owner, or this consumer, applies those records again,
 * which external versioning makes harmless. Partitions revoked while a batch is being applied wait, in the rebalance
 * callback, until it is applied and committed (or, if it failed, abandoned), so their new owner starts after it.
 * Partitions revoked while a batch is being gathered are dropped from it ({@link BatchGathering}).
 *
 * <p><b>Parked partitions</b> ({@link Parking}): when an apply leaves a partition's records to background work (joined
 * documents that fan out, a truncate or sweep of a large table), those records are held and the partition paused
 * (the next batch's records of it given back), and the batch commits every other partition. At each {@link #runOnce}
 * the held records of partitions whose work is ready are applied again — now completely — dead-lettered as needed,
 * committed, and their partitions resumed. A held partition revoked or lost is cancelled and its records dropped (the
 * new owner applies them from the last commit).
 *
 * <p>Not thread-safe: owned by the consumer thread.
 */
public final class ChangeConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeConsumer.class);

    private final Consumer<byte[], byte[]> consumer;
    private final ApplyThread applyThread;
    private final ChangeEventReader reader = new ChangeEventReader();
    private final BatchGathering gathering;
    private final DeadLetterPublisher deadLetters;
    private final ConsumerMetrics metrics;
    private final PollLimits limits;
    private final RetryBackoff backoff;
    private final Clock clock;
    private final BooleanSupplier stopRequested;
    private final Parking parking;
    /** Records of parked partitions, in offset order, waiting for their background work. */
    private final Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> held = new HashMap<>();
    /** The batch being applied on the apply thread, if any. */
    private ApplyThread.Applying inFlight;
    private volatile boolean applying = true;
    private boolean retrying;

    public ChangeConsumer(Consumer<byte[], byte[]> consumer, ApplyThread applyThread, DeadLetterPublisher deadLetters,
                          ConsumerMetrics metrics, PollLimits limits, RetryBackoff backoff, Clock clock,
                          BooleanSupplier stopRequested) {
        this(consumer, applyThread, Parking.NONE, deadLetters, metrics, limits, backoff, clock, stopRequested);
    }

    /** @param parking what tells which partitions an apply parked, and when their work is ready */
    public ChangeConsumer(Consumer<byte[], byte[]> consumer, ApplyThread applyThread, Parking parking,
                          DeadLetterPublisher deadLetters, ConsumerMetrics metrics, PollLimits limits,
                          RetryBackoff backoff, Clock clock, BooleanSupplier stopRequested) {
        this.parking = parking;
        this.consumer = consumer;
        this.applyThread = applyThread;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.limits = limits;
        this.backoff = backoff;
        this.clock = clock;
        this.stopRequested = stopRequested;
        this.gathering = new BatchGathering(consumer, reader, limits, clock);
    }

    /**
     * Subscribes to {@code topic} — or, when it contains {@code ${schema}}/{@code ${table}}, to every topic matching
     * it — remembering partitions revoked while a batch is being gathered, applied or retried.
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
                // A batch being applied is finished first, so the new owner starts after its commit.
                settleInRebalance();
                gathering.revoked(partitions);
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
                settleInRebalance();
                gathering.revoked(partitions);
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
     * Completes one batch: the one the last call started, else one it gathers (or takes as gathered meanwhile) and
     * starts. The batch is applied completely (retried while Elasticsearch is unavailable), the records that can
     * never be applied dead-lettered, then its offsets committed; the next batch may be applying by then.
     *
     * @throws ApplyFailedException when Elasticsearch refuses the batch for a reason of the setup (credentials,
     *                              privileges, URL), not of the records
     * @throws org.apache.kafka.common.KafkaException when Kafka does not take a dead letter (nothing is committed)
     */
    public void runOnce() throws ApplyFailedException, InterruptedException {
        if (inFlight == null) {
            applyReadyHeld();
            Optional<Batch> polled = gathering.nextBatch();
            metrics.polled(consumer);
            if (polled.isEmpty()) {
                metrics.caughtUp();
                return;
            }
            if (polled.get().isEmpty()) {
                return;
            }
            inFlight = applyThread.start(polled.get());
        }
        gatherNextWhileApplying();
        if (inFlight != null) { // else a rebalance settled it
            settle(true, true);
        }
    }

    /**
     * Before the consumer stops: waits for a batch still being applied and commits it (a failed one is left
     * uncommitted, for the next owner). The next batch, if one was polled, is not applied.
     */
    public void finish() throws ApplyFailedException, InterruptedException {
        if (inFlight != null) {
            settle(false, false);
        }
    }

    /**
     * Applies {@code batch} on the apply thread while gathering the next, then completes it ({@link #settle}); the
     * batch after it is not started meanwhile.
     */
    private void applyAndCommit(Batch batch) throws ApplyFailedException, InterruptedException {
        inFlight = applyThread.start(batch);
        gatherNextWhileApplying();
        if (inFlight != null) { // else a rebalance settled it
            settle(true, false);
        }
    }

    /**
     * Polls the next batch, up to enough records, until the batch in flight is applied; a next batch that filled up
     * meanwhile is planned now, so that its turn starts with its requests.
     */
    private void gatherNextWhileApplying() {
        gathering.gatherNextWhile(() -> inFlight != null && !inFlight.isDone());
        if (inFlight != null && !inFlight.isDone()) {
            gathering.fullNext().ifPresent(applyThread::planAhead);
        }
    }

    /**
     * Waits for the batch in flight and completes it: commits what was applied, holds what was parked, or — when
     * the apply failed and {@code mayRetry} — retries it (giving the next batch back to Kafka first); otherwise
     * abandons it, uncommitted and rewound. When {@code mayStartNext}, no partition is held and the next batch is
     * complete (enough records, or its wait is over), the next batch starts applying as soon as this one is applied
     * — before this one's dead letters and commit, which it does not depend on — so Elasticsearch gets its next
     * requests without waiting for Kafka; the next {@link #runOnce} completes it.
     */
    private void settle(boolean mayRetry, boolean mayStartNext) throws ApplyFailedException, InterruptedException {
        ApplyThread.Applying settling = inFlight;
        inFlight = null;
        Batch batch = settling.batch();
        Optional<List<Rejection>> rejections;
        try {
            rejections = Optional.of(settling.await());
            applying = true;
        } catch (ApplyFailedException e) {
            if (!mayRetry) {
                LOG.warn("applying {} events failed ({}); the batch is abandoned uncommitted, its records are applied"
                        + " again from the last commit", batch.events().size(), e.getMessage());
                rejections = Optional.empty();
            } else {
                gathering.giveBackNext();
                rejections = retry(batch, e);
            }
        }
        long appliedAtMillis = clock.millis();
        if (rejections.isEmpty()) {
            gathering.giveBackNext();
            parking.cancel(batch.firstOffsets().keySet());
            gathering.rewind(batch.firstOffsets());
            return;
        }
        Set<TopicPartition> parked = parking.parkedByLastApply();
        if (!parked.isEmpty()) {
            hold(batch, parked);
        }
        if (mayStartNext && held.isEmpty() && gathering.nextIsComplete()) {
            inFlight = applyThread.start(gathering.takeNext());
        }
        deadLetters.publish(batch.deadLetters(rejections.get(), parked));
        Map<TopicPartition, OffsetAndMetadata> offsets = batch.nextOffsets();
        offsets.keySet().removeAll(parked);
        commit(offsets);
        metrics.applied(parked.isEmpty() ? batch.events() : batch.eventsOutside(parked), appliedAtMillis);
    }

    /**
     * In a rebalance callback: the batch in flight is waited for and committed before partitions change hands; if
     * its apply failed it is abandoned (its records are polled, and applied, again). Nothing is retried here.
     */
    private void settleInRebalance() {
        if (inFlight == null) {
            return;
        }
        try {
            settle(false, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            gathering.giveBackNext();
            LOG.info("interrupted while the batch in flight was applied; it is abandoned");
        } catch (ApplyFailedException e) {
            throw new IllegalStateException("unreachable: no retry in a rebalance", e);
        }
    }

    /** Holds the records of {@code parked} partitions and pauses them until their background work is ready. */
    private void hold(Batch batch, Set<TopicPartition> parked) {
        for (ConsumerRecord<byte[], byte[]> record : batch.recordsOf(parked)) {
            held.computeIfAbsent(new TopicPartition(record.topic(), record.partition()), p -> new ArrayList<>())
                    .add(record);
        }
        consumer.pause(parked);
        gathering.giveBackNextOf(parked);
        LOG.info("partitions {} wait for their background work ({} records held, uncommitted)", parked,
                parked.stream().mapToInt(p -> held.getOrDefault(p, List.of()).size()).sum());
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
        gathering.forgetRevoked();
        applyAndCommit(new Batch(records, reader));
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
     * Applies {@code batch} again after {@code failure} until it is applied or rejected for good, with backoff.
     *
     * @return the rejected events when applied; empty when abandoned (partitions revoked or a stop requested)
     */
    private Optional<List<Rejection>> retry(Batch batch, ApplyFailedException failure)
            throws ApplyFailedException, InterruptedException {
        int attempt = 0;
        try {
            while (true) {
                if (!failure.retriable()) {
                    throw failure;
                }
                applying = false;
                metrics.retried();
                Duration delay = backoff.delayAfter(attempt++);
                LOG.warn("applying {} events failed (attempt {}), retrying in {} ms: {}", batch.events().size(),
                        attempt, delay.toMillis(), failure.getMessage());
                retrying = true;
                consumer.pause(consumer.assignment());
                gathering.giveBack(consumer.poll(delay));
                Set<TopicPartition> revoked = gathering.revokedSinceChecked();
                if (!revoked.isEmpty() || stopRequested.getAsBoolean()) {
                    LOG.info("abandoning the uncommitted batch (revoked: {}, stopping: {})", revoked,
                            stopRequested.getAsBoolean());
                    return Optional.empty();
                }
                try {
                    List<Rejection> rejections = applyThread.start(batch).await();
                    applying = true;
                    return Optional.of(rejections);
                } catch (ApplyFailedException e) {
                    failure = e;
                }
            }
        } finally {
            retrying = false;
            Set<TopicPartition> resume = new HashSet<>(consumer.paused());
            resume.removeAll(held.keySet());
            consumer.resume(resume);
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
}
