package io.tributary.subscriber.apply;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.documents.DocumentSettings;
import io.tributary.documents.DocumentTree;
import io.tributary.index.DocumentAddress;
import io.tributary.index.ElasticsearchClientFactory;
import io.tributary.index.ScanProtocol;
import io.tributary.index.SearchEngine;
import io.tributary.index.mapping.TableMappings;
import io.tributary.subscriber.SubscriberSettings;
import io.tributary.subscriber.consume.Parking;
import io.tributary.subscriber.events.ReceivedChange;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.TopicPartition;
import org.elasticsearch.client.RestClient;

/**
 * Applies change events to Elasticsearch with the bulk API, as {@link BatchPlan} plans them.
 *
 * <p><b>Replay-proof:</b> every write carries {@code version_type=external} with the change's LSN as version, so
 * Elasticsearch keeps the newest change of each row whatever order or how often changes arrive; a stale change
 * answers 409, which is counted and is not an error. Before each bulk request, the indices it writes to exist and
 * map the fields it brings ({@link TargetIndexes}). A delete never deletes: it writes a
 * {@linkplain DeleteMarkers delete marker} at its version, which Elasticsearch keeps, so an older change replayed or
 * arriving late, at any age, is refused. A truncate, and a sweep (which ends a table's incremental snapshot), mark
 * the table's documents older than them deleted at their own version ({@link StaleDocumentSweep}), after everything
 * before them in the batch is applied and before anything after them.
 *
 * <p><b>Unchanged columns</b> of updates are filled in from the row's newest state: earlier events of the batch,
 * else the stored documents, read with one multi-get before the batch ({@code _update} cannot take an external
 * version, so the whole merged document is indexed).
 *
 * <p>Each bulk request is sent, and its answer sorted by {@link Verdict}, by {@link BulkRequestSender} (the hot
 * path, over the low-level REST client); the typed client serves the rest (indices, mappings, multi-get).
 *
 * <p>{@link #apply} returns only when every event is either accepted by Elasticsearch or rejected for good (the
 * returned {@link Rejection}s, for the dead-letter topic), or belongs to a partition it parked ({@link #parking()}:
 * rebuilds of joined documents, or a truncate or sweep, that outlast their budget go on in the background, and the
 * partition's events are applied again once they are done); what Elasticsearch accepted stays applied.
 *
 * <p><b>Requests and order:</b> the batch's partitions are dealt out to {@code concurrency} lanes
 * ({@link RequestLanes}), each lane's writes split into bulk requests ({@link BulkRequests}) that run in order,
 * lanes concurrently ({@link ConcurrentPartitions}): a row's changes, all in one partition, stay in order. A truncate
 * or a sweep is a barrier for the whole batch (docs/design.md, "Subscriber: when may an offset be committed?").
 *
 * <p>Used by one consumer thread at a time; {@link #close()} stops its request threads.
 */
public final class BulkApplier implements AutoCloseable {

    /** Documents a purge, or a full build's closing scan, reads per page at most (and at most max-actions). */
    private static final int SCAN_PAGE_SIZE = 5_000;

    private final ElasticsearchClient client;
    private final RestClient restClient;
    private final SearchEngine engine;
    private final ScanProtocol scans;
    private final ApplyMetrics metrics;
    private final TableMappings tables;
    private final TargetIndexes targets;
    private final BulkRequestSender sender;
    private final int maxActions;
    private final long maxBytes;
    private final int concurrency;
    private final ConcurrentPartitions concurrentPartitions;
    private final BackgroundSweeps sweeps;
    private final ParkedPartitions parking;
    private final Clock clock;
    /** Every target written to since start, for {@link DeleteMarkerPurge}. */
    private final Set<String> targetsWritten = ConcurrentHashMap.newKeySet();
    /** Joined documents, when configured ({@link #startDocuments}). */
    private JoinedDocuments documents;
    private DocumentWriter documentWriter;

    /**
     * @param client      a client built by {@link ElasticsearchClientFactory} (over the low-level REST client)
     * @param engine      the engine the client talks to
     * @param tables      how each table's rows become documents
     * @param bulk        operations and bytes per bulk request, and requests running at once, at most
     * @param sweeps      how truncates and sweeps scan, and how long they run on the consumer thread
     * @param clock       what delete markers record as the time of the delete
     */
    public BulkApplier(ElasticsearchClient client, SearchEngine engine, MeterRegistry metrics, TableMappings tables,
                       SubscriberSettings.Bulk bulk, SweepSettings sweeps, Clock clock) {
        if (!(client._transport() instanceof RestClientTransport transport)) {
            throw new IllegalArgumentException("the Elasticsearch client must use the REST client transport");
        }
        this.client = client;
        this.restClient = transport.restClient();
        this.engine = engine;
        this.scans = engine.scans();
        this.maxActions = bulk.maxActions();
        this.maxBytes = bulk.maxBytes();
        this.concurrency = bulk.concurrency();
        this.concurrentPartitions = new ConcurrentPartitions(bulk.concurrency(), "tributary-bulk");
        this.metrics = new ApplyMetrics(metrics);
        this.tables = tables;
        this.targets = new TargetIndexes(client, engine, concurrentPartitions);
        this.sender = new BulkRequestSender(restClient, this.metrics, targets::isAlias);
        int sweepPage = Math.min(bulk.maxActions(), sweeps.pageSize());
        this.sweeps = new BackgroundSweeps(
                new StaleDocumentSweep(restClient, scans, this.metrics, tables, sweepPage, clock),
                new StaleDocumentSweep(restClient, scans, this.metrics, tables, sweepPage, clock), this.metrics,
                sweeps.backgroundAfter());
        this.parking = new ParkedPartitions(this.sweeps);
        this.clock = clock;
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
    public List<Rejection> apply(List<ReceivedChange> events, List<TopicPartition> partitions)
            throws ApplyFailedException {
        return apply(events, partitions, Optional.empty());
    }

    /**
     * {@link #apply(List, List)} with the writes {@link #planAhead planned ahead} for {@code events}, if they were:
     * the batch's turn then starts with its requests.
     */
    public List<Rejection> apply(List<ReceivedChange> events, List<TopicPartition> partitions,
                                 Optional<PlannedAhead> ahead) throws ApplyFailedException {
        try {
            return applyOnce(events, partitions, ahead.map(planned -> planned.planFor(events)).orElse(null));
        } catch (ApplyFailedException e) {
            e.unavailableIndex().ifPresent(this::noteUnavailable);
            throw e;
        }
    }

    /**
     * Counts an index found closed or missing ({@code tributary.subscriber.index.unavailable}); a missing target is
     * looked for, and created, again before the next attempt's writes.
     */
    private void noteUnavailable(UnavailableIndex unavailable) {
        metrics.indexUnavailable(unavailable.index(), unavailable.reason());
        if (UnavailableIndex.MISSING.equals(unavailable.reason())) {
            targets.forget(unavailable.index());
        }
    }

    /**
     * Plans the writes of {@code events} now, on the caller's thread, while another batch is being applied — when the
     * plan needs nothing Elasticsearch holds, so the batch before cannot change it: no stored documents to read
     * (updates with unchanged columns), no joined documents, no truncate or sweep. Touches only what is safe to share
     * with the apply thread (the table mappings and the clock). The plan is kept for the batch's retries too, so its
     * delete markers record the planning time: still later than their records' writing to Kafka, which is what
     * their keeping counts from ({@link DeleteMarkerPurge}).
     *
     * @return the plan, for {@link #apply(List, List, Optional)}; empty when the batch must be planned in its turn
     */
    public Optional<PlannedAhead> planAhead(List<ReceivedChange> events) {
        if (documents != null || !BatchPlan.lookups(events, tables).isEmpty()) {
            return Optional.empty();
        }
        BatchPlan plan = BatchPlan.of(events, Map.of(), tables, clock.instant());
        for (PlannedWrite write : plan.writes()) {
            if (write.isBarrier()) {
                return Optional.empty();
            }
        }
        return Optional.of(new PlannedAhead(events, plan));
    }

    /** @param planned the batch's plan made ahead ({@link #planAhead}), or null to plan it now */
    private List<Rejection> applyOnce(List<ReceivedChange> events, List<TopicPartition> partitions,
                                      BatchPlan planned) throws ApplyFailedException {
        if (events.size() != partitions.size()) {
            throw new IllegalArgumentException(events.size() + " events but " + partitions.size() + " partitions");
        }
        BatchPlan plan;
        Map<DocumentAddress, ObjectNode> stored = Map.of();
        if (planned != null && documents == null) {
            plan = planned;
        } else {
            Set<DocumentAddress> lookups = BatchPlan.lookups(events, tables);
            if (documents != null) {
                lookups = new LinkedHashSet<>(lookups);
                lookups.addAll(documents.lookups(events, tables));
            }
            stored = StoredDocuments.read(client, lookups);
            plan = BatchPlan.of(events, stored, tables, clock.instant());
        }
        Set<TopicPartition> parked = new HashSet<>(documents == null ? Set.of()
                : documents.rebuild(events, partitions, stored, tables));
        List<Rejection> rejections = new ArrayList<>(plan.rejections());
        List<PlannedWrite> pending = new ArrayList<>();
        long sweepDeadline = 0;
        boolean sweeping = false;
        for (PlannedWrite write : plan.writes()) {
            TopicPartition partition = partitions.get(write.position());
            if (parked.contains(partition)) {
                continue;
            }
            if (write.isBarrier()) {
                prepareAndApply(pending, partitions, rejections);
                pending.clear();
                targetsWritten.add(write.index());
                if (!sweeping) {
                    sweepDeadline = sweeps.deadlineFromNow();
                    sweeping = true;
                }
                BackgroundSweeps.Outcome outcome = sweeps.apply(write, partition, sweepDeadline);
                if (outcome.parked()) {
                    parked.add(partition);
                }
                outcome.rejection().ifPresent(rejections::add);
            } else {
                pending.add(write);
            }
        }
        prepareAndApply(pending, partitions, rejections);
        plan.unchangedMissing().forEach(metrics::unchangedMissing);
        // A parked partition's records are applied again once its work is done: rejected then, not now.
        rejections.removeIf(rejection -> parked.contains(partitions.get(rejection.position())));
        rejections.sort(Comparator.comparingInt(Rejection::position));
        parking.parkedByApply(parked);
        return rejections;
    }

    /**
     * Creates or extends the indices {@code writes} go to, then applies those whose index could be prepared: each
     * partition's in order, several partitions at once.
     */
    private void prepareAndApply(List<PlannedWrite> writes, List<TopicPartition> partitionOf,
                                 List<Rejection> rejections) throws ApplyFailedException {
        Map<String, TargetIndexes.Refusal> refused = targets.prepare(writes);
        for (PlannedWrite write : writes) {
            targetsWritten.add(write.index());
        }
        List<PlannedWrite> applicable = new ArrayList<>(writes.size());
        for (PlannedWrite write : writes) {
            TargetIndexes.Refusal refusal = refused.get(write.index());
            if (refusal != null && write.indexesDocument()) {
                rejections.add(new Rejection(write.position(), write.index(), write.id(), refusal.kind(),
                        refusal.reason()));
            } else {
                applicable.add(write);
            }
        }
        Map<RequestLanes.Lane, List<List<PlannedWrite>>> requests = new LinkedHashMap<>();
        RequestLanes.deal(applicable, partitionOf, concurrency).forEach((lane, laneWrites) ->
                requests.put(lane, BulkRequests.split(laneWrites, maxActions, maxBytes)));
        List<Rejection> found = Collections.synchronizedList(new ArrayList<>());
        concurrentPartitions.runInOrder(requests, (lane, request) -> sender.send(request, found));
        rejections.addAll(found);
    }

    /**
     * A purge of delete markers applied more than {@code keepFor} ago, through this applier's client; run it with
     * {@link #targetsWritten()} and the configured tables' targets.
     */
    public DeleteMarkerPurge markerPurge(java.time.Duration keepFor) {
        return new DeleteMarkerPurge(restClient, scans, metrics, Math.min(maxActions, SCAN_PAGE_SIZE), keepFor);
    }

    /** The indices and aliases written to since this applier started (a copy). */
    public Set<String> targetsWritten() {
        return Set.copyOf(targetsWritten);
    }

    /**
     * Turns joined documents on: checks every configured document type against PostgreSQL and the table mappings,
     * creates (or extends) their indices, and from then on rebuilds the documents each batch affects, before the
     * batch's per-table writes.
     *
     * @return one check for full builds due ({@link DocumentBackfill#runOnce}), which the service runs every
     *         {@code document-rebuild.check-interval} on a thread of its own
     * @throws io.tributary.config.InvalidConfigException naming the document, join and column at fault
     * @throws IllegalStateException when PostgreSQL or Elasticsearch cannot be reached
     */
    public Runnable startDocuments(DocumentSettings settings, MeterRegistry registry, BooleanSupplier stopRequested) {
        DocumentSource source = DocumentSource.check(settings, tables);
        DocumentIndexes indexes = new DocumentIndexes(client, engine);
        for (DocumentTree tree : source.trees()) {
            try {
                indexes.ensure(tree);
            } catch (ApplyFailedException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            targetsWritten.add(tree.name());
        }
        DocumentMetrics documentMetrics = new DocumentMetrics(registry);
        DocumentWriter writer = new DocumentWriter(restClient, metrics, documentMetrics, clock, concurrency);
        documentWriter = writer;
        IndexScan scan = new IndexScan(restClient, scans, Math.min(maxActions, SCAN_PAGE_SIZE));
        documents = new JoinedDocuments(source,
                new DocumentWork(source, writer, scan, restClient, metrics, documentMetrics, clock),
                new DocumentWork(source, writer, scan, restClient, metrics, documentMetrics, clock), documentMetrics);
        parking.add(documents);
        return new DocumentBackfill(source, indexes, writer, scan, restClient, metrics, documentMetrics, clock,
                stopRequested)::runOnce;
    }

    /**
     * The partitions left to background work while their records wait: joined documents' rebuilds
     * ({@link JoinedDocuments}) and truncates or sweeps ({@link BackgroundSweeps}) that outlast their budget.
     */
    public Parking parking() {
        return parking;
    }

    /** Stops the request threads and the background work; a request running now is interrupted. */
    @Override
    public void close() {
        concurrentPartitions.close();
        sweeps.close();
        if (documents != null) {
            documents.close();
            documentWriter.close();
        }
    }
}
