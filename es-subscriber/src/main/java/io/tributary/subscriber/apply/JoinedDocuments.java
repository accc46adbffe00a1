package io.tributary.subscriber.apply;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.documents.DocumentTree;
import io.tributary.index.DocumentAddress;
import io.tributary.index.mapping.TableMappings;
import io.tributary.subscriber.consume.Parking;
import io.tributary.subscriber.events.ReceivedChange;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps joined documents equal to the join, batch by batch: {@link BulkApplier} calls {@link #rebuild} after reading
 * the stored per-table documents and before writing the batch's per-table documents, so the old states the rebuilds
 * start from ({@link ChangedRows}) are those before the batch — also when a batch is applied again after a crash.
 *
 * <p><b>Partition by partition, within a budget:</b> each partition's share of the batch is rebuilt on the consumer
 * thread ({@link DocumentWork}) while the batch's document work has taken less than
 * {@code document-rebuild.background-after}. A partition whose rebuilds outlast it — a customer renamed in 100,000
 * orders — is <em>parked</em> ({@link Parking}): its share is rebuilt again, from the start, on the background runner,
 * while the consumer holds its records (paused, uncommitted, its per-table writes not made) and every other partition
 * goes on, and polling never stops (so {@code max.poll.interval.ms} is never at risk). Once the runner is done, the
 * consumer applies the held records again: their documents are skipped (done), their per-table writes made, their
 * offsets committed. A crash at any point leaves the records uncommitted, so their owner rebuilds again
 * (idempotent, versioned); a partition revoked meanwhile is {@linkplain #cancel cancelled}: the runner stops before
 * its next page, so a member that lost a partition stops writing its documents.
 *
 * <p>Used by the consumer thread; the runner thread touches only its own {@link DocumentWork} and the concurrent
 * sets of parked and finished partitions.
 */
final class JoinedDocuments implements Parking, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JoinedDocuments.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    /** One parked partition's share, rebuilt by the runner until done or cancelled. */
    private static final class Task {
        final TopicPartition partition;
        final List<ReceivedChange> events;
        final Map<DocumentAddress, ObjectNode> stored;
        final TableMappings tables;
        volatile boolean cancelled;

        Task(TopicPartition partition, List<ReceivedChange> events, Map<DocumentAddress, ObjectNode> stored,
             TableMappings tables) {
            this.partition = partition;
            this.events = events;
            this.stored = stored;
            this.tables = tables;
        }
    }

    private final DocumentSource source;
    private final List<DocumentTree> trees;
    private final DocumentWork inline;
    private final DocumentWork background;
    private final DocumentMetrics metrics;
    private final Duration backgroundAfter;
    private final ExecutorService runner = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "tributary-document-fanout");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<TopicPartition, Task> parked = new ConcurrentHashMap<>();
    private final Set<TopicPartition> finished = ConcurrentHashMap.newKeySet();
    private volatile ApplyFailedException failure;
    private Set<TopicPartition> parkedByLastApply = Set.of();

    JoinedDocuments(DocumentSource source, DocumentWork inline, DocumentWork background, DocumentMetrics metrics) {
        this.source = source;
        this.trees = source.trees();
        this.inline = inline;
        this.background = background;
        this.metrics = metrics;
        this.backgroundAfter = source.settings().backgroundAfter();
        metrics.parkedPartitions(parked::size);
    }

    /** The per-table documents {@link #rebuild} needs read before the batch: old states events do not carry. */
    Set<DocumentAddress> lookups(List<ReceivedChange> events, TableMappings tables) {
        return ChangedRows.lookups(events, trees, tables);
    }

    /**
     * Rebuilds every document the batch's changes affect, partition by partition, parking those that outlast the
     * budget.
     *
     * @param partitions the topic-partition of each event, at the same position
     * @param stored     the documents read at {@link #lookups}, as they were before the batch
     * @return the partitions parked: none of their events may be applied or rejected by this batch
     * @throws ApplyFailedException retriable when PostgreSQL or Elasticsearch cannot answer now, or a change is not
     *                              yet visible after the visibility timeout; not retriable when the setup is at fault
     */
    Set<TopicPartition> rebuild(List<ReceivedChange> events, List<TopicPartition> partitions,
                                Map<DocumentAddress, ObjectNode> stored, TableMappings tables)
            throws ApplyFailedException {
        Map<TopicPartition, List<ReceivedChange>> byPartition = new LinkedHashMap<>();
        for (int i = 0; i < events.size(); i++) {
            byPartition.computeIfAbsent(partitions.get(i), p -> new java.util.ArrayList<>()).add(events.get(i));
        }
        long deadline = System.nanoTime() + backgroundAfter.toNanos();
        Set<TopicPartition> parkedNow = new HashSet<>();
        for (Map.Entry<TopicPartition, List<ReceivedChange>> share : byPartition.entrySet()) {
            TopicPartition partition = share.getKey();
            if (finished.remove(partition)) {
                continue;
            }
            if (parked.containsKey(partition)) {
                parkedNow.add(partition);
                continue;
            }
            try {
                if (System.nanoTime() - deadline > 0) {
                    throw new Overrun();
                }
                inline.run(share.getValue(), stored, tables, deadline, () -> false);
            } catch (Overrun overrun) {
                park(partition, share.getValue(), stored, tables);
                parkedNow.add(partition);
            }
        }
        parkedByLastApply = Set.copyOf(parkedNow);
        return parkedByLastApply;
    }

    private void park(TopicPartition partition, List<ReceivedChange> events, Map<DocumentAddress, ObjectNode> stored,
                      TableMappings tables) {
        Task task = new Task(partition, List.copyOf(events), new HashMap<>(stored), tables);
        parked.put(partition, task);
        LOG.info("document rebuilds of {} ({} events) take longer than {}: they go on in the background, the"
                + " partition's records wait uncommitted, the other partitions go on", partition, events.size(),
                backgroundAfter);
        runner.execute(() -> runInBackground(task));
    }

    private void runInBackground(Task task) {
        Duration wait = FIRST_RETRY;
        long start = System.nanoTime();
        while (!task.cancelled) {
            try {
                background.run(task.events, task.stored, task.tables, start + TimeUnit.DAYS.toNanos(365 * 100L),
                        () -> task.cancelled || Thread.currentThread().isInterrupted());
                if (!task.cancelled) {
                    finished.add(task.partition);
                    LOG.info("document rebuilds of {} done in the background in {} s", task.partition,
                            Duration.ofNanos(System.nanoTime() - start).toSeconds());
                }
                break;
            } catch (Overrun stopped) {
                break;
            } catch (ApplyFailedException e) {
                if (!e.retriable()) {
                    failure = e;
                    break;
                }
                LOG.warn("document rebuilds of {} failed in the background, retrying in {} s: {}", task.partition,
                        wait.toSeconds(), e.getMessage());
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
                wait = wait.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : wait.multipliedBy(2);
            } catch (RuntimeException e) {
                failure = new ApplyFailedException("document rebuilds of " + task.partition + " failed: " + e, false,
                        e);
                break;
            }
        }
        parked.remove(task.partition, task);
    }

    /** The partitions whose rebuilds run in the background now. */
    Set<TopicPartition> running() {
        return Set.copyOf(parked.keySet());
    }

    @Override
    public Set<TopicPartition> parkedByLastApply() {
        return parkedByLastApply;
    }

    @Override
    public Set<TopicPartition> ready() throws ApplyFailedException {
        ApplyFailedException failed = failure;
        if (failed != null) {
            throw failed;
        }
        return Set.copyOf(finished);
    }

    @Override
    public void cancel(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            Task task = parked.remove(partition);
            if (task != null) {
                task.cancelled = true;
                LOG.info("document rebuilds of {} cancelled: the partition is no longer applied here", partition);
            }
            finished.remove(partition);
        }
    }

    @Override
    public void close() {
        parked.values().forEach(task -> task.cancelled = true);
        runner.shutdownNow();
        try {
            runner.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        inline.close();
        background.close();
    }
}
