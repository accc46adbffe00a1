package io.tributary.subscriber.apply;

import io.tributary.documents.DocumentBuilder;
import io.tributary.documents.Snapshot;
import io.tributary.index.DocumentAddress;
import io.tributary.subscriber.events.RowJson;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.elasticsearch.client.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a page of joined documents: builds them from PostgreSQL in the caller's transaction and indexes each at the
 * transaction's {@linkplain Snapshot#version() snapshot version} ({@code version_type=external}); a requested root
 * that does not exist gets a {@linkplain DeleteMarkers delete marker} at that version instead.
 *
 * <p><b>Invariant:</b> a document is only ever written at the version of the snapshot it was read in, so
 * Elasticsearch keeps, of all the rebuilds of one document (from any partition, any subscriber, the stream or a full
 * build), the one that saw the most; an older rebuild finishing later is answered 409 and counted as stale. A
 * re-inserted root is read by a later snapshot than its delete, so it replaces its marker. A document Elasticsearch
 * refuses for good (a value its mapping cannot take) is logged with the reason and counted, and the rest of the
 * page is written: there is no single record to dead-letter, and its next rebuild or {@code verify --repair} writes it
 * again.
 *
 * <p><b>Pipelined:</b> a {@link Run} builds each page on its caller's thread and sends it on another, so the next page
 * is read from PostgreSQL while Elasticsearch indexes the previous ones ({@code bulk.concurrency} requests in flight
 * at most: memory stays at that many pages). Thread-safe; each run belongs to one thread.
 */
final class DocumentWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DocumentWriter.class);

    private final RestClient restClient;
    private final ApplyMetrics applyMetrics;
    private final DocumentMetrics metrics;
    private final Clock clock;
    private final int concurrency;
    private final ExecutorService senders = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "tributary-document-bulk");
        thread.setDaemon(true);
        return thread;
    });

    /** @param concurrency bulk requests of one {@link Run} in flight at most, while the next page is read */
    DocumentWriter(RestClient restClient, ApplyMetrics applyMetrics, DocumentMetrics metrics, Clock clock,
                   int concurrency) {
        this.restClient = restClient;
        this.applyMetrics = applyMetrics;
        this.metrics = metrics;
        this.clock = clock;
        this.concurrency = concurrency;
    }

    /** Pages written one after another by one thread, up to {@code concurrency} bulk requests in flight. */
    Run run() {
        return new Run();
    }

    /**
     * Builds and writes one page and waits for Elasticsearch's answer.
     *
     * @param keys root keys as text (duplicates allowed)
     * @return how many documents were written or marked
     */
    long write(Connection connection, DocumentBuilder builder, List<List<String>> keys, Snapshot snapshot)
            throws SQLException, ApplyFailedException {
        Run run = run();
        long written = run.write(connection, builder, keys, snapshot);
        run.finish();
        return written;
    }

    /**
     * One writer's pages: each page is built on the calling thread (reading PostgreSQL in its transaction) and sent on
     * another, so the next page is read while Elasticsearch indexes the last ones. {@link #finish} waits for every
     * request and reports the first failure; a page that fails fails the run (its pages are idempotent: the run is
     * done again). Not thread-safe: one thread per run.
     */
    final class Run {
        private final Semaphore slots = new Semaphore(concurrency);
        private final List<Future<?>> inFlight = new ArrayList<>();

        /** @return how many documents the page writes or marks */
        long write(Connection connection, DocumentBuilder builder, List<List<String>> keys, Snapshot snapshot)
                throws SQLException, ApplyFailedException {
            if (keys.isEmpty()) {
                return 0;
            }
            String document = builder.tree().name();
            Map<String, RowJson> byId = new LinkedHashMap<>();
            for (DocumentBuilder.Built built : builder.build(connection, keys)) {
                byId.put(built.id(), RowJson.of(built.document()));
            }
            long version = snapshot.version();
            List<BulkAction> actions = new ArrayList<>(keys.size());
            byId.forEach((id, json) -> actions.add(BulkAction.index(new DocumentAddress(document, id, ""), version,
                    json)));
            RowJson marker = null;
            long markers = 0;
            for (List<String> key : new LinkedHashSet<>(keys)) {
                String id = builder.idOf(key);
                if (!byId.containsKey(id)) {
                    marker = marker != null ? marker : DeleteMarkers.document(clock.instant());
                    byId.put(id, marker);
                    actions.add(BulkAction.markDeleted(new DocumentAddress(document, id, ""), version, marker));
                    markers++;
                }
            }
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApplyFailedException("interrupted while writing document " + document, true, e);
            }
            long marked = markers;
            inFlight.add(senders.submit(() -> {
                try {
                    send(document, actions, marked, snapshot);
                    return null;
                } finally {
                    slots.release();
                }
            }));
            failFast();
            return actions.size();
        }

        /** Waits for every page sent. */
        void finish() throws ApplyFailedException {
            ApplyFailedException failure = null;
            for (Future<?> page : inFlight) {
                try {
                    page.get();
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof ApplyFailedException applyFailed ? applyFailed
                                : new ApplyFailedException("writing documents failed: " + e.getCause(), true,
                                e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ApplyFailedException("interrupted while writing documents", true, e);
                }
            }
            inFlight.clear();
            if (failure != null) {
                throw failure;
            }
        }

        /** Reports a page that failed already, so a run does not read on for nothing. */
        private void failFast() throws ApplyFailedException {
            for (Future<?> page : inFlight) {
                if (page.isDone()) {
                    try {
                        page.get();
                    } catch (ExecutionException e) {
                        finish();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new ApplyFailedException("interrupted while writing documents", true, e);
                    }
                }
            }
            inFlight.removeIf(Future::isDone);
        }
    }

    private void send(String document, List<BulkAction> actions, long markers, Snapshot snapshot)
            throws ApplyFailedException {
        ActionBulk.Outcome outcome = ActionBulk.send(restClient, applyMetrics, actions, "document " + document
                + " at snapshot " + snapshot);
        applyMetrics.versionConflicts(document, outcome.stale());
        metrics.written(document, actions.size() - markers, markers);
        if (outcome.rejectedKind() != null) {
            long refused = actions.size() - outcome.applied() - outcome.stale();
            metrics.refused(document, refused);
            LOG.error("document {}: Elasticsearch refused {} of {} documents for good, first: {}; they are written"
                    + " again by their next change or by verify --repair once the cause is fixed", document, refused,
                    actions.size(), outcome.rejectedReason());
        }
    }

    @Override
    public void close() {
        senders.shutdownNow();
    }
}
