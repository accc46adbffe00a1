package io.tributary.subscriber.apply;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.documents.AffectedRoots;
import io.tributary.documents.DocumentBuilder;
import io.tributary.documents.DocumentTree;
import io.tributary.documents.RootKeyPages;
import io.tributary.documents.Snapshot;
import io.tributary.documents.SourceSession;
import io.tributary.index.DocumentAddress;
import io.tributary.index.mapping.TableMappings;
import io.tributary.model.TableId;
import io.tributary.subscriber.events.ReceivedChange;
import io.tributary.subscriber.events.RowJson;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.elasticsearch.client.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the documents some change events affect, on one {@link SourceSession} of its own: the documents each
 * changed row was in before and is in after ({@link ChangedRows}, {@link AffectedRoots}), rebuilt from PostgreSQL and
 * written at the snapshot's version ({@link DocumentWriter}).
 *
 * <p><b>The rebuild sees its cause:</b> the rebuilds of one {@link #run} share one REPEATABLE READ transaction whose
 * snapshot sees every transaction of the events' document changes. Logical decoding may deliver a commit before new
 * snapshots see it (a commit waiting for a synchronous standby; a read replica that has not replayed it yet), so a
 * snapshot that does not see one is dropped and taken again, every few milliseconds, up to
 * {@code document-rebuild.visibility-timeout}; then the run fails retriably (logged, counted). Since each of a
 * document's rebuilds reads a snapshot that sees its cause, and Elasticsearch keeps the rebuild with the newest
 * snapshot, each document ends at the join over the rows its last change left.
 *
 * <p><b>Truncates and sweeps</b> of a table taking part rebuild every document of the type at one snapshot, then mark
 * deleted every document below that snapshot's version (their roots no longer exist).
 *
 * <p><b>Bounded:</b> root keys are read with a cursor and rebuilt a page at a time; a run that fans out to many
 * documents logs its progress every few seconds, and stops between two pages when its deadline passes
 * ({@link Overrun}) or it is cancelled.
 *
 * <p>Not thread-safe: one per thread (the consumer's, the background runner's).
 */
final class DocumentWork implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DocumentWork.class);
    private static final long PROGRESS_EVERY_NANOS = Duration.ofSeconds(5).toNanos();
    private static final long FIRST_RETRY_MILLIS = 5;
    private static final long MAX_RETRY_MILLIS = 250;

    private final DocumentSource source;
    private final DocumentWriter writer;
    private final IndexScan scan;
    private final RestClient restClient;
    private final ApplyMetrics applyMetrics;
    private final DocumentMetrics metrics;
    private final Clock clock;
    private final List<DocumentTree> trees;
    private final Map<DocumentTree, DocumentBuilder> builders = new LinkedHashMap<>();
    private SourceSession session;
    private long deadline;
    private BooleanSupplier cancelled;

    DocumentWork(DocumentSource source, DocumentWriter writer, IndexScan scan, RestClient restClient,
                 ApplyMetrics applyMetrics, DocumentMetrics metrics, Clock clock) {
        this.source = source;
        this.writer = writer;
        this.scan = scan;
        this.restClient = restClient;
        this.applyMetrics = applyMetrics;
        this.metrics = metrics;
        this.clock = clock;
        source.builders().values().forEach(builder -> builders.put(builder.tree(), builder));
        this.trees = List.copyOf(builders.keySet());
    }

    /**
     * Rebuilds every document {@code events} affect.
     *
     * @param stored    the per-table documents of {@link ChangedRows#lookups}, as they were before the events
     * @param deadline  {@link System#nanoTime()} after which the run stops between two pages ({@link Overrun})
     * @param cancelled true when the run must stop writing (its partition was revoked, the service stops): it
     *                  then ends between two pages, as after an overrun
     * @throws ApplyFailedException retriable when PostgreSQL or Elasticsearch cannot answer now, or a change is not
     *                              yet visible after the visibility timeout; not retriable when the setup is at fault
     */
    void run(List<ReceivedChange> events, Map<DocumentAddress, ObjectNode> stored, TableMappings tables,
             long deadline, BooleanSupplier cancelled) throws ApplyFailedException, Overrun {
        Map<DocumentTree, ChangedRows.Work> work = ChangedRows.of(events, trees, stored, tables);
        if (work.isEmpty()) {
            return;
        }
        this.deadline = deadline;
        this.cancelled = cancelled;
        Map<Long, TableId> causes = causes(events, work.keySet());
        try {
            Snapshot snapshot = beginSeeing(causes);
            try {
                for (Map.Entry<DocumentTree, ChangedRows.Work> share : work.entrySet()) {
                    if (share.getValue().rebuildAll()) {
                        rebuildAll(share.getKey(), snapshot);
                    } else {
                        rebuildAffected(share.getKey(), share.getValue(), snapshot);
                    }
                }
            } finally {
                session.end();
            }
        } catch (SQLException e) {
            closeSession();
            throw rebuildFailed(work.keySet().stream().map(DocumentTree::name).toList(), source.describe(), e);
        } catch (IllegalStateException e) {
            closeSession();
            throw new ApplyFailedException("rebuilding documents " + work.keySet().stream().map(DocumentTree::name)
                    .toList() + " failed: " + e.getMessage(), true, e);
        }
    }

    /**
     * A rebuild that PostgreSQL refused, sorted where it enters: a lost connection, a restarting server, a conflict or
     * a timeout pass by themselves (retriable); a column or table the documents name that no longer exists, a revoked
     * privilege, a refused role (SQLSTATE classes 42 and 28, 3D000) do not, so retrying would hold the partitions for
     * ever: the subscriber stops, and its startup check then names the join at fault.
     */
    static ApplyFailedException rebuildFailed(List<String> documents, String database, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        boolean setupAtFault = state.startsWith("42") || state.startsWith("28") || state.equals("3D000");
        return new ApplyFailedException("rebuilding documents " + documents + " from PostgreSQL at " + database
                + " failed: " + e.getMessage() + (setupAtFault ? " (SQLSTATE " + state + "); the database no longer"
                + " matches tributary.documents (a column or table dropped or renamed, a privilege revoked): change"
                + " the database or the configuration, then restart the subscriber" : ""), !setupAtFault, e);
    }

    /** The transactions of the batch's changes to document tables, each with a table it changed (for messages). */
    private static Map<Long, TableId> causes(List<ReceivedChange> events, Set<DocumentTree> trees) {
        Set<TableId> tables = new LinkedHashSet<>();
        trees.forEach(tree -> tables.addAll(tree.tables()));
        Map<Long, TableId> causes = new TreeMap<>();
        for (ReceivedChange event : events) {
            if (tables.contains(event.tableId()) && event.source().xid() != 0) {
                causes.putIfAbsent(event.source().xid(), event.tableId());
            }
        }
        return causes;
    }

    /** Begins a transaction whose snapshot sees every one of {@code causes}, waiting for them up to the timeout. */
    private Snapshot beginSeeing(Map<Long, TableId> causes) throws SQLException, ApplyFailedException {
        long start = System.nanoTime();
        long timeout = source.settings().visibilityTimeout().toNanos();
        long wait = FIRST_RETRY_MILLIS;
        boolean warned = false;
        while (true) {
            Snapshot snapshot = session().begin();
            Map.Entry<Long, TableId> unseen = null;
            for (Map.Entry<Long, TableId> cause : causes.entrySet()) {
                if (!snapshot.sees(cause.getKey())) {
                    unseen = cause;
                    break;
                }
            }
            if (unseen == null) {
                return snapshot;
            }
            session.end();
            metrics.visibilityWait();
            long waited = System.nanoTime() - start;
            String what = "transaction " + unseen.getKey() + " (a change of " + unseen.getValue() + ") is not visible"
                    + " to a new snapshot of " + source.describe() + " (" + snapshot + ")";
            if (waited > timeout) {
                throw new ApplyFailedException(what + " after " + Duration.ofNanos(waited).toMillis() + " ms: is a"
                        + " synchronous standby down, or the replica lagging? (document-rebuild.visibility-timeout)",
                        true, null);
            }
            if (!warned && waited > timeout / 4) {
                LOG.warn("{} yet; waiting up to {} for it", what, source.settings().visibilityTimeout());
                warned = true;
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApplyFailedException("interrupted while waiting for " + what, true, e);
            }
            wait = Math.min(MAX_RETRY_MILLIS, wait * 2);
        }
    }

    private void rebuildAffected(DocumentTree tree, ChangedRows.Work work, Snapshot snapshot)
            throws SQLException, ApplyFailedException, Overrun {
        DocumentBuilder builder = builders.get(tree);
        Pages pages = new Pages(tree, builder, snapshot, "changes of " + work.rows().keySet());
        AffectedRoots affected = new AffectedRoots(tree);
        try {
            for (Map.Entry<TableId, Set<Map<String, String>>> rows : work.rows().entrySet()) {
                affected.find(session.connection(), rows.getKey(), new ArrayList<>(rows.getValue()),
                        source.settings().pageSize(), pages::add);
            }
        } catch (SQLException | ApplyFailedException | Overrun | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        pages.flush();
        pages.finished();
    }

    private void rebuildAll(DocumentTree tree, Snapshot snapshot) throws SQLException, ApplyFailedException, Overrun {
        DocumentBuilder builder = builders.get(tree);
        Pages pages = new Pages(tree, builder, snapshot, "a truncate or sweep of one of its tables");
        RootKeyPages roots = new RootKeyPages(tree);
        for (List<List<String>> keys = roots.next(session.connection(), source.settings().pageSize());
             !keys.isEmpty(); keys = roots.next(session.connection(), source.settings().pageSize())) {
            pages.add(keys);
        }
        pages.flush();
        pages.finished();
        if (System.nanoTime() - deadline > 0 || cancelled.getAsBoolean()) {
            throw new Overrun();
        }
        markDeletedBelow(tree.name(), snapshot.version(), scan, restClient, applyMetrics, clock);
    }

    /** Marks deleted every document of {@code alias} below {@code version}: those whose roots were gone by then. */
    static long markDeletedBelow(String alias, long version, IndexScan scan, RestClient restClient,
                                 ApplyMetrics applyMetrics, Clock clock) throws ApplyFailedException {
        String what = "marking documents of " + alias + " below version " + version + " deleted";
        if (!scan.refresh(alias, what)) {
            return 0;
        }
        RowJson marker = DeleteMarkers.document(clock.instant());
        long[] marked = {0};
        scan.scan(alias, null, what, page -> {
            List<BulkAction> marks = BulkAction.marksBelow(page, version, marker);
            if (!marks.isEmpty()) {
                marked[0] += ActionBulk.send(restClient, applyMetrics, marks, what).applied();
            }
            return true;
        });
        if (marked[0] > 0) {
            LOG.info("{}: {} marked", what, marked[0]);
        }
        return marked[0];
    }

    private SourceSession session() throws SQLException {
        if (session == null || !session.isValid()) {
            closeSession();
            session = source.openSession();
        }
        return session;
    }

    private void closeSession() {
        if (session != null) {
            session.close();
            session = null;
        }
    }

    @Override
    public void close() {
        closeSession();
    }

    /** Root keys gathered into pages (each key once per page), each page rebuilt and written when full. */
    private final class Pages {
        private final DocumentTree tree;
        private final DocumentBuilder builder;
        private final Snapshot snapshot;
        private final String cause;
        private final Set<List<String>> page = new LinkedHashSet<>();
        private final DocumentWriter.Run run = writer.run();
        private final long start = System.nanoTime();
        private long lastProgress = start;
        private long written;

        Pages(DocumentTree tree, DocumentBuilder builder, Snapshot snapshot, String cause) {
            this.tree = tree;
            this.builder = builder;
            this.snapshot = snapshot;
            this.cause = cause;
        }

        void add(List<List<String>> keys) throws SQLException, ApplyFailedException, Overrun {
            for (List<String> key : keys) {
                page.add(key);
                if (page.size() >= source.settings().pageSize()) {
                    flush();
                }
            }
        }

        void flush() throws SQLException, ApplyFailedException, Overrun {
            if (page.isEmpty()) {
                return;
            }
            if (System.nanoTime() - deadline > 0 || cancelled.getAsBoolean()) {
                throw new Overrun();
            }
            written += run.write(session.connection(), builder, new ArrayList<>(page), snapshot);
            page.clear();
            long now = System.nanoTime();
            if (now - lastProgress > PROGRESS_EVERY_NANOS) {
                lastProgress = now;
                LOG.info("document {}: {} documents rebuilt for {} so far ({} s)", tree.name(), written, cause,
                        Duration.ofNanos(now - start).toSeconds());
            }
        }

        /** Waits until Elasticsearch answered every page. */
        void finished() throws ApplyFailedException {
            run.finish();
            if (lastProgress != start) {
                LOG.info("document {}: {} documents rebuilt for {} in {} s", tree.name(), written, cause,
                        Duration.ofNanos(System.nanoTime() - start).toSeconds());
            }
        }
    }
}
