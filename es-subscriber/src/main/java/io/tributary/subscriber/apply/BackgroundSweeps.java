package io.tributary.subscriber.apply;

import io.tributary.model.TableId;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Truncates and sweeps ({@link StaleDocumentSweep}) within a budget on the consumer thread: one that is not done when
 * the batch's truncates and sweeps have taken {@code sweep.background-after} stops before its next page's marks and
 * goes on in the background, while its partition is <em>parked</em> ({@link ParkedPartitions}): the consumer holds its
 * records (paused, uncommitted, its later writes not made) and every other partition goes on, and polling never
 * stops, so {@code max.poll.interval.ms} is never at risk however large the table.
 *
 * <p><b>Progress is kept, never redone needlessly:</b> the background run is the same truncate or sweep again, and
 * finds only what is left (the marks already written are hidden by the alias filter). Once it is done, the consumer
 * applies the held records again: their earlier writes again (versions make that harmless), the truncate or sweep
 * skipped ({@link #apply} finds it done — only that one, by partition, table and version), their later writes made,
 * their offsets committed. A partition revoked or lost meanwhile is {@linkplain #cancel cancelled}: the runner stops
 * before its next page's marks, so a member that lost a partition stops writing for it; its next owner applies the
 * records from the last commit, and its scan finds only what is left too. A crash leaves the records uncommitted, with
 * the same effect.
 *
 * <p>Used by the consumer thread; the runner thread ({@code tributary-sweep}, one, so parked sweeps run one after
 * another) touches only its own {@link StaleDocumentSweep} and the concurrent maps of running and finished work.
 */
final class BackgroundSweeps implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundSweeps.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);
    private static final long FOREVER = TimeUnit.DAYS.toNanos(365 * 100L);

    /** One truncate or sweep event of one partition. */
    private record Key(TopicPartition partition, TableId table, long version) {

        static Key of(PlannedWrite write, TopicPartition partition) {
            return new Key(partition, write.event().tableId(), write.event().source().lsn().value());
        }
    }

    /** A parked truncate or sweep, run by the runner until done or cancelled. */
    private static final class Task {
        final Key key;
        final PlannedWrite write;
        volatile boolean cancelled;

        Task(Key key, PlannedWrite write) {
            this.key = key;
            this.write = write;
        }
    }

    /**
     * What {@link #apply} did.
     *
     * @param parked    true when the truncate or sweep goes on in the background: its partition waits
     * @param rejection a mark Elasticsearch refused for good, when done
     */
    record Outcome(boolean parked, Optional<Rejection> rejection) {
    }

    private final StaleDocumentSweep inline;
    private final StaleDocumentSweep background;
    private final ApplyMetrics metrics;
    private final Duration backgroundAfter;
    private final ExecutorService runner = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "tributary-sweep");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<TopicPartition, Task> running = new ConcurrentHashMap<>();
    /** Done in the background, each with the mark it could not write (if any), until {@link #apply} skips it. */
    private final Map<Key, Optional<Rejection>> finished = new ConcurrentHashMap<>();
    private volatile ApplyFailedException failure;

    /**
     * @param inline          the consumer thread's
     * @param background      the runner's
     * @param backgroundAfter how long a batch's truncates and sweeps run on the consumer thread
     */
    BackgroundSweeps(StaleDocumentSweep inline, StaleDocumentSweep background, ApplyMetrics metrics,
                     Duration backgroundAfter) {
        this.inline = inline;
        this.background = background;
        this.metrics = metrics;
        this.backgroundAfter = backgroundAfter;
    }

    /** The deadline of a batch's truncates and sweeps on the consumer thread, when the first of them starts now. */
    long deadlineFromNow() {
        return System.nanoTime() + backgroundAfter.toNanos();
    }

    /**
     * Applies {@code write}'s truncate or sweep on this thread until {@code deadline}, then parks it: its partition's
     * events of the batch must then be neither applied nor rejected any further. One done in the background is not
     * done again.
     *
     * @param partition where the event came from
     * @throws ApplyFailedException as {@link StaleDocumentSweep#apply}
     */
    Outcome apply(PlannedWrite write, TopicPartition partition, long deadline) throws ApplyFailedException {
        Key key = Key.of(write, partition);
        Optional<Rejection> done = finished.remove(key);
        if (done != null) {
            return new Outcome(false, done.map(r -> new Rejection(write.position(), r.index(), r.id(), r.kind(),
                    r.reason())));
        }
        if (running.containsKey(partition)) {
            return new Outcome(true, Optional.empty());
        }
        try {
            return new Outcome(false, inline.apply(write, deadline, () -> false));
        } catch (Overrun overrun) {
            park(new Task(key, write));
            return new Outcome(true, Optional.empty());
        }
    }

    private void park(Task task) {
        running.put(task.key.partition(), task);
        LOG.info("the {} of {} in {} takes longer than {} on the consumer thread: it goes on in the background, the"
                + " records of {} wait uncommitted, the other partitions go on", task.write.isTruncate() ? "truncate"
                : "sweep", task.key.table(), task.write.index(), backgroundAfter, task.key.partition());
        runner.execute(() -> runInBackground(task));
    }

    private void runInBackground(Task task) {
        Duration wait = FIRST_RETRY;
        long start = System.nanoTime();
        while (!task.cancelled) {
            try {
                Optional<Rejection> rejection = background.apply(task.write, System.nanoTime() + FOREVER,
                        () -> task.cancelled || Thread.currentThread().isInterrupted());
                if (!task.cancelled) {
                    finished.put(task.key, rejection);
                    LOG.info("the truncate or sweep of {} for {} is done in the background after {} s", task.key.table(),
                            task.key.partition(), Duration.ofNanos(System.nanoTime() - start).toSeconds());
                }
                break;
            } catch (Overrun stopped) {
                break;
            } catch (ApplyFailedException e) {
                if (!e.retriable()) {
                    failure = e;
                    break;
                }
                e.unavailableIndex().ifPresent(index -> metrics.indexUnavailable(index.index(), index.reason()));
                LOG.warn("the truncate or sweep of {} for {} failed in the background, retrying in {} s: {}",
                        task.key.table(), task.key.partition(), wait.toSeconds(), e.getMessage());
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
                wait = wait.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : wait.multipliedBy(2);
            } catch (RuntimeException e) {
                failure = new ApplyFailedException("the truncate or sweep of " + task.key.table() + " for "
                        + task.key.partition() + " failed: " + e, false, e);
                break;
            }
        }
        running.remove(task.key.partition(), task);
    }

    /** The partitions with a parked truncate or sweep still running. */
    Set<TopicPartition> running() {
        return Set.copyOf(running.keySet());
    }

    /**
     * The partitions with a truncate or sweep done in the background, not yet skipped by a new apply.
     *
     * @throws ApplyFailedException not retriable when one failed for a reason of the setup
     */
    Set<TopicPartition> ready() throws ApplyFailedException {
        ApplyFailedException failed = failure;
        if (failed != null) {
            throw failed;
        }
        Set<TopicPartition> ready = new HashSet<>();
        finished.keySet().forEach(key -> ready.add(key.partition()));
        return ready;
    }

    /** These partitions are no longer applied here: their running work stops before its next page's marks. */
    void cancel(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            Task task = running.remove(partition);
            if (task != null) {
                task.cancelled = true;
                LOG.info("the truncate or sweep of {} for {} is cancelled: the partition is no longer applied here",
                        task.key.table(), partition);
            }
        }
        finished.keySet().removeIf(key -> partitions.contains(key.partition()));
    }

    @Override
    public void close() {
        running.values().forEach(task -> task.cancelled = true);
        runner.shutdownNow();
        try {
            runner.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
