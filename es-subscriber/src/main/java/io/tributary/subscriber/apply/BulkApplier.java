package io.tributary.subscriber.apply;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.documents.DocumentSettings;
import io.tributary.documents.DocumentTree;
import io.tributary.subscriber.consume.Parking;
import io.tributary.subscriber.events.ReceivedChange;
import io.tributary.subscriber.mapping.TableMappings;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.apache.http.entity.ContentType;
import org.apache.http.util.EntityUtils;
import org.apache.kafka.common.TopicPartition;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
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
 * <p><b>The hot path:</b> bulk requests go through the low-level REST client as bodies written by {@link BulkBody}
 * (documents as the bytes they arrived in, when the table keeps rows as they are), and answers are filtered by
 * Elasticsearch and read by {@link BulkAnswer}, item by item only when some failed. The typed client serves the
 * rest (indices, mappings, multi-get).
 *
 * <p>{@link #apply} returns only when every event is either accepted by Elasticsearch or rejected for good (the
 * returned {@link Rejection}s, for the dead-letter topic), or belongs to a partition it parked ({@link #parking()}:
 * rebuilds of joined documents, or a truncate or sweep, that outlast their budget go on in the background, and the
 * partition's events are applied again once they are done); what Elasticsearch accepted stays applied. A request
 * refused as a whole for its content (400, 413) is split in halves until the culprits are found. Answers are sorted
 * by {@link Verdict}.
 *
 * <p><b>Requests and order:</b> the batch's partitions are dealt out to {@code concurrency} lanes at most
 * ({@link RequestLanes}); each lane's writes, in batch order, are split into bulk requests of at most
 * {@code maxActions} operations and about {@code maxBytes} ({@link BulkRequests}). A lane's requests run one after
 * another, in order; different lanes' requests run concurrently ({@link ConcurrentPartitions}). Every change of a
 * row is in one partition, and a partition in one lane, so each row's changes are applied in order (and external
 * versions make any overlap harmless). A truncate or a sweep is a barrier for the whole batch: everything polled
 * before it is applied first, everything after it afterwards (its own partition's only once it is done, in the
 * background if need be). Indices are created and mappings extended before the requests that need them, on the
 * calling thread.
 *
 * <p>Used by one consumer thread at a time; {@link #close()} stops its request threads.
 */
public final class BulkApplier implements AutoCloseable {

    private static final ContentType NDJSON = ContentType.create("application/x-ndjson");
    /** Documents a purge, or a full build's closing scan, reads per page at most (and at most max-actions). */
    private static final int SCAN_PAGE_SIZE = 5_000;

    private final ElasticsearchClient client;
    private final RestClient restClient;
    private final SearchEngine engine;
    private final ScanProtocol scans;
    private final ApplyMetrics metrics;
    private final TableMappings tables;
    private final TargetIndexes targets;
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

    /** A bulk request refused as a whole because of what it carries. */
    private static final class ContentRefused extends Exception {
        private final String kind;

        ContentRefused(String kind, String message) {
            super(message, null, false, false);
            this.kind = kind;
        }
    }

    /**
     * @param client      a client built by {@link ElasticsearchClientFactory} (over the low-level REST client)
     * @param engine      the engine the client talks to
     * @param tables      how each table's rows become documents
     * @param maxActions  operations per bulk request at most
     * @param maxBytes    estimated bytes per bulk request at most
     * @param concurrency bulk requests of different partitions running at once at most
     * @param sweeps      how truncates and sweeps scan, and how long they run on the consumer thread
     */
    public BulkApplier(ElasticsearchClient client, SearchEngine engine, MeterRegistry metrics, TableMappings tables,
                       int maxActions, long maxBytes, int concurrency, SweepSettings sweeps) {
        this(client, engine, metrics, tables, maxActions, maxBytes, concurrency, sweeps, Clock.systemUTC());
    }

    /** @param clock what delete markers record as the time of the delete */
    BulkApplier(ElasticsearchClient client, SearchEngine engine, MeterRegistry metrics, TableMappings tables,
                int maxActions, long maxBytes, int concurrency, SweepSettings sweeps, Clock clock) {
        if (!(client._transport() instanceof RestClientTransport transport)) {
            throw new IllegalArgumentException("the Elasticsearch client must use the REST client transport");
        }
        this.client = client;
        this.restClient = transport.restClient();
        this.engine = engine;
        this.scans = engine.scans();
        this.maxActions = maxActions;
        this.maxBytes = maxBytes;
        this.concurrency = concurrency;
        this.concurrentPartitions = new ConcurrentPartitions(concurrency, "tributary-bulk");
        this.metrics = new ApplyMetrics(metrics);
        this.tables = tables;
        this.targets = new TargetIndexes(client, engine);
        int sweepPage = Math.min(maxActions, sweeps.pageSize());
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
        try {
            return applyOnce(events, partitions);
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

    private List<Rejection> applyOnce(List<ReceivedChange> events, List<TopicPartition> partitions)
            throws ApplyFailedException {
        if (events.size() != partitions.size()) {
            throw new IllegalArgumentException(events.size() + " events but " + partitions.size() + " partitions");
        }
        Set<DocumentAddress> lookups = BatchPlan.lookups(events, tables);
        if (documents != null) {
            lookups = new LinkedHashSet<>(lookups);
            lookups.addAll(documents.lookups(events, tables));
        }
        Map<DocumentAddress, ObjectNode> stored = StoredDocuments.read(client, lookups);
        BatchPlan plan = BatchPlan.of(events, stored, tables, clock.instant());
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
        concurrentPartitions.runInOrder(requests, (lane, request) -> applyWrites(request, found));
        rejections.addAll(found);
    }

    private void applyWrites(List<PlannedWrite> writes, List<Rejection> rejections) throws ApplyFailedException {
        if (writes.isEmpty()) {
            return;
        }
        BulkAnswer answer;
        try {
            answer = bulk(writes);
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
        if (answer.errors()) {
            readItems(writes, answer.items(), rejections);
        } else {
            for (PlannedWrite write : writes) {
                for (BulkAction action : write.actions()) {
                    metrics.applied(write.index(), action.kind());
                }
            }
        }
    }

    private BulkAnswer bulk(List<PlannedWrite> writes) throws ApplyFailedException, ContentRefused {
        int operations = 0;
        for (PlannedWrite write : writes) {
            operations += write.actions().size();
        }
        String what = "bulk request of " + operations + " operations (" + describe(writes.get(0)) + " …)";
        Request request = new Request("POST", "/_bulk");
        request.addParameter("filter_path", BulkAnswer.FILTER_PATH);
        request.setEntity(BulkBody.entity(writes, targets::isAlias, NDJSON));
        long start = System.nanoTime();
        try {
            Response response = restClient.performRequest(request);
            return BulkAnswer.read(EntityUtils.toByteArray(response.getEntity()));
        } catch (ResponseException e) {
            int status = e.getResponse().getStatusLine().getStatusCode();
            BulkAnswer.Item error = BulkAnswer.requestError(body(e.getResponse()));
            Verdict verdict = Verdict.forRequest(status, error.errorType());
            String detail = "HTTP " + status + (error.errorType() == null ? ""
                    : " " + error.errorType() + ": " + error.errorReason());
            if (verdict == Verdict.REJECT) {
                throw new ContentRefused(error.errorType() != null ? error.errorType() : "http-" + status, detail);
            }
            throw Failures.refused(what, writes.get(0).index(), status, error.errorType(),
                    "Elasticsearch answered " + detail, e);
        } catch (IOException e) {
            throw Failures.failed(what, Verdict.RETRY, "Elasticsearch is unreachable: " + e.getMessage(), e);
        } finally {
            metrics.bulkRequest(operations, System.nanoTime() - start);
        }
    }

    private static byte[] body(Response response) {
        try {
            return response.getEntity() == null ? new byte[0] : EntityUtils.toByteArray(response.getEntity());
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private void readItems(List<PlannedWrite> writes, List<BulkAnswer.Item> items, List<Rejection> rejections)
            throws ApplyFailedException {
        int next = 0;
        String retryBecause = null;
        UnavailableIndex unavailable = null;
        for (PlannedWrite write : writes) {
            Rejection rejected = null;
            for (BulkAction action : write.actions()) {
                if (next >= items.size()) {
                    throw new ApplyFailedException("Elasticsearch answered " + items.size() + " items to a bulk"
                            + " request with more operations (" + describe(write) + ")", true, null);
                }
                BulkAnswer.Item item = items.get(next++);
                switch (Verdict.forItem(action.kind(), item.status(), item.errorType())) {
                    case APPLIED -> metrics.applied(write.index(), action.kind());
                    case STALE -> metrics.versionConflict(write.index());
                    case RETRY -> {
                        retryBecause = retryBecause != null ? retryBecause : itemText(item);
                        unavailable = unavailable != null ? unavailable
                                : UnavailableIndex.of(write.index(), item.errorType()).orElse(null);
                    }
                    case FATAL -> throw new ApplyFailedException("Elasticsearch refused " + itemText(item)
                            + " (check the user's privileges on the index)", false, null);
                    case REJECT -> rejected = rejected != null ? rejected : new Rejection(write.position(),
                            item.index().isEmpty() ? write.index() : item.index(), write.id(), item.errorType(),
                            itemText(item));
                }
            }
            if (rejected != null) {
                rejections.add(rejected);
            }
        }
        if (unavailable != null) {
            throw new ApplyFailedException("Elasticsearch could not take every operation now, first: " + retryBecause
                    + "; " + unavailable.advice(), unavailable, null);
        }
        if (retryBecause != null) {
            throw new ApplyFailedException("Elasticsearch could not take every operation now, first: " + retryBecause,
                    true, null);
        }
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

    private static String describe(PlannedWrite write) {
        return write.index() + "/" + write.id() + " at " + write.event().source().lsn();
    }

    private static String itemText(BulkAnswer.Item item) {
        return item.action() + " " + item.index() + "/" + item.id() + ": " + item.status()
                + (item.errorType() == null ? "" : " " + item.errorType() + " " + item.errorReason());
    }
}
