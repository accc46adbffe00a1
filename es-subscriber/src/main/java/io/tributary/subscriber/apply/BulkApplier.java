package io.tributary.subscriber.apply;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ErrorCause;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tributary.model.ChangeEvent;
import io.tributary.subscriber.mapping.TableMappings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;

/**
 * Applies change events to Elasticsearch with the bulk API, as {@link BatchPlan} plans them.
 *
 * <p><b>Replay-proof:</b> every write carries {@code version_type=external} with the change's LSN as version, so
 * Elasticsearch keeps the newest change of each row whatever order or how often changes arrive; a stale change
 * answers 409, which is counted and is not an error. Before each bulk request, the indices it writes to exist and
 * map the fields it brings ({@link TargetIndexes}). A truncate empties the table's index — deletes it and creates
 * it again with its mappings and aliases (this Elasticsearch has no delete-by-query) — after everything before it
 * is applied, and before anything after it.
 *
 * <p><b>Unchanged columns</b> of updates are filled in from the row's newest state: earlier events of the batch,
 * else the stored documents, read with one multi-get before the batch ({@code _update} cannot take an external
 * version, so the whole merged document is indexed).
 *
 * <p>{@link #apply} returns only when every event is either accepted by Elasticsearch or rejected for good (the
 * returned {@link Rejection}s, for the dead-letter topic); what Elasticsearch accepted stays applied. A request
 * refused as a whole for its content (400, 413) is split in halves until the culprits are found. Answers are sorted
 * by {@link Verdict}.
 *
 * <p><b>Requests and order:</b> the writes are grouped by the topic-partition of their event and each partition's
 * writes split into bulk requests of at most {@code maxActions} operations and about {@code maxBytes}
 * ({@link BulkRequests}). A partition's requests run one after another, in order; different partitions' requests run
 * concurrently, {@code concurrency} at most ({@link ConcurrentPartitions}). Every change of a row is in one partition,
 * so each row's changes are applied in order (and external versions make any overlap harmless). A truncate is a
 * barrier for the whole batch: everything polled before it is applied first, everything after it afterwards, so no
 * concurrent write can recreate the index while it is deleted. Indices are created and mappings extended before the
 * requests that need them, on the calling thread.
 *
 * <p>Used by one consumer thread at a time; {@link #close()} stops its request threads.
 */
public final class BulkApplier implements AutoCloseable {

    private final ElasticsearchClient client;
    private final MeterRegistry metrics;
    private final TableMappings tables;
    private final TargetIndexes targets;
    private final Timer bulkLatency;
    private final DistributionSummary bulkOperations;
    private final int maxActions;
    private final long maxBytes;
    private final ConcurrentPartitions concurrentPartitions;

    /** A bulk request refused as a whole because of what it carries. */
    private static final class ContentRefused extends Exception {
        private final String kind;

        ContentRefused(String kind, String message) {
            super(message, null, false, false);
            this.kind = kind;
        }
    }

    /**
     * @param tables      how each table's rows become documents
     * @param maxActions  operations per bulk request at most
     * @param maxBytes    estimated bytes per bulk request at most
     * @param concurrency bulk requests of different partitions running at once at most
     */
    public BulkApplier(ElasticsearchClient client, MeterRegistry metrics, TableMappings tables, int maxActions,
                       long maxBytes, int concurrency) {
        this.client = client;
        this.maxActions = maxActions;
        this.maxBytes = maxBytes;
        this.concurrentPartitions = new ConcurrentPartitions(concurrency, "tributary-bulk");
        this.metrics = metrics;
        this.tables = tables;
        this.targets = new TargetIndexes(client);
        this.bulkLatency = Timer.builder("tributary.subscriber.bulk.latency")
                .description("Time of one bulk request to Elasticsearch")
                .publishPercentiles(0.5, 0.99)
                .register(metrics);
        this.bulkOperations = DistributionSummary.builder("tributary.subscriber.bulk.operations")
                .description("Operations in one bulk request to Elasticsearch")
                .publishPercentiles(0.5, 0.99)
                .register(metrics);
    }

    /**
     * Applies {@code events}: each partition's in order.
     *
     * @param partitions where each event came from: {@code partitions.get(i)} is the topic-partition of
     *                   {@code events.get(i)}
     * @return the events rejected for good, in batch order; every other event is applied
     * @throws ApplyFailedException retriable when Elasticsearch cannot take the batch now (nothing may be committed;
     *                              applying it again is harmless); not retriable when the setup is at fault
     */
    public List<Rejection> apply(List<ChangeEvent> events, List<TopicPartition> partitions)
            throws ApplyFailedException {
        if (events.size() != partitions.size()) {
            throw new IllegalArgumentException(events.size() + " events but " + partitions.size() + " partitions");
        }
        Map<DocumentAddress, ObjectNode> stored = StoredDocuments.read(client, BatchPlan.lookups(events, tables));
        BatchPlan plan = BatchPlan.of(events, stored, tables);
        List<Rejection> rejections = new ArrayList<>(plan.rejections());
        List<PlannedWrite> pending = new ArrayList<>();
        for (PlannedWrite write : plan.writes()) {
            if (write.isTruncate()) {
                prepareAndApply(pending, partitions, rejections);
                pending.clear();
                truncate(write);
            } else {
                pending.add(write);
            }
        }
        prepareAndApply(pending, partitions, rejections);
        plan.unchangedMissing().forEach(index ->
                metrics.counter("tributary.subscriber.unchanged.missing", "index", index).increment());
        rejections.sort(Comparator.comparingInt(Rejection::position));
        return rejections;
    }

    /**
     * Creates or extends the indices {@code writes} go to, then applies those whose index could be prepared: each
     * partition's in order, several partitions at once.
     */
    private void prepareAndApply(List<PlannedWrite> writes, List<TopicPartition> partitionOf,
                                 List<Rejection> rejections) throws ApplyFailedException {
        Map<String, TargetIndexes.Refusal> refused = targets.prepare(writes);
        Map<TopicPartition, List<PlannedWrite>> byPartition = new LinkedHashMap<>();
        for (PlannedWrite write : writes) {
            TargetIndexes.Refusal refusal = refused.get(write.index());
            if (refusal != null && write.indexesDocument()) {
                rejections.add(new Rejection(write.position(), write.index(), write.id(), refusal.kind(),
                        refusal.reason()));
            } else {
                byPartition.computeIfAbsent(partitionOf.get(write.position()), p -> new ArrayList<>()).add(write);
            }
        }
        Map<TopicPartition, List<List<PlannedWrite>>> requests = new LinkedHashMap<>();
        byPartition.forEach((partition, partitionWrites) ->
                requests.put(partition, BulkRequests.split(partitionWrites, maxActions, maxBytes)));
        List<Rejection> found = Collections.synchronizedList(new ArrayList<>());
        concurrentPartitions.runInOrder(requests, (partition, request) -> applyWrites(request, found));
        rejections.addAll(found);
    }

    private void applyWrites(List<PlannedWrite> writes, List<Rejection> rejections) throws ApplyFailedException {
        if (writes.isEmpty()) {
            return;
        }
        BulkResponse response;
        try {
            response = bulk(writes);
        } catch (ContentRefused refused) {
            if (writes.size() == 1) {
                PlannedWrite write = writes.get(0);
                rejections.add(new Rejection(write.position(), write.index(), write.id(), refused.kind,
                        refused.getMessage()));
                return;
            }
            int half = writes.size() / 2;
            applyWrites(writes.subList(0, half), rejections);
            applyWrites(writes.subList(half, writes.size()), rejections);
            return;
        }
        readItems(writes, response.items(), rejections);
    }

    private BulkResponse bulk(List<PlannedWrite> writes) throws ApplyFailedException, ContentRefused {
        List<BulkOperation> operations = new ArrayList<>();
        writes.forEach(write -> operations.addAll(write.operations()));
        String what = "bulk request of " + operations.size() + " operations (" + describe(writes.get(0)) + " …)";
        bulkOperations.record(operations.size());
        long start = System.nanoTime();
        try {
            return client.bulk(b -> b.operations(operations));
        } catch (IOException e) {
            int status = Failures.status(e);
            Verdict verdict = Verdict.forRequest(status, null);
            if (verdict == Verdict.REJECT) {
                throw new ContentRefused("http-" + status, "HTTP " + status + ": " + e.getMessage());
            }
            throw Failures.requestFailed(what, e);
        } catch (ElasticsearchException e) {
            Verdict verdict = Verdict.forRequest(e.status(), e.error().type());
            if (verdict == Verdict.REJECT) {
                throw new ContentRefused(e.error().type(), e.status() + " " + e.error().type() + ": "
                        + e.error().reason());
            }
            throw Failures.requestFailed(what, e);
        } finally {
            bulkLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private void readItems(List<PlannedWrite> writes, List<BulkResponseItem> items, List<Rejection> rejections)
            throws ApplyFailedException {
        int next = 0;
        String retryBecause = null;
        for (PlannedWrite write : writes) {
            Rejection rejected = null;
            for (int i = 0; i < write.operations().size(); i++) {
                BulkResponseItem item = items.get(next++);
                ErrorCause error = item.error();
                Verdict verdict = Verdict.forItem(item.operationType(), item.status(),
                        error == null ? null : error.type());
                switch (verdict) {
                    case APPLIED -> metrics.counter("tributary.subscriber.documents", "index", item.index(),
                            "action", item.operationType().jsonValue()).increment();
                    case STALE -> metrics.counter("tributary.subscriber.version.conflicts", "index", item.index())
                            .increment();
                    case RETRY -> retryBecause = retryBecause != null ? retryBecause : itemText(item);
                    case FATAL -> throw new ApplyFailedException("Elasticsearch refused " + itemText(item)
                            + " (check the user's privileges on the index)", false, null);
                    case REJECT -> rejected = rejected != null ? rejected : new Rejection(write.position(),
                            item.index(), item.id(), error.type(), itemText(item));
                }
            }
            if (rejected != null) {
                rejections.add(rejected);
            }
        }
        if (retryBecause != null) {
            throw new ApplyFailedException("Elasticsearch could not take every operation now, first: " + retryBecause,
                    true, null);
        }
    }

    private void truncate(PlannedWrite write) throws ApplyFailedException {
        targets.truncate(write.index(), "truncate of " + write.event().tableId() + " (empty index " + write.index()
                + ")");
        metrics.counter("tributary.subscriber.truncates", "index", write.index()).increment();
    }

    /** Stops the request threads; a request running now is interrupted. */
    @Override
    public void close() {
        concurrentPartitions.close();
    }

    private static String describe(PlannedWrite write) {
        return write.index() + "/" + write.id() + " at " + write.event().source().lsn();
    }

    private static String itemText(BulkResponseItem item) {
        ErrorCause error = item.error();
        return item.operationType().jsonValue() + " " + item.index() + "/" + item.id() + ": " + item.status()
                + (error == null ? "" : " " + error.type() + " " + error.reason());
    }
}
