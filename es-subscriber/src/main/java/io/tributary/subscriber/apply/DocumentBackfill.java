package io.tributary.subscriber.apply;

import io.tributary.documents.DocumentBuilder;
import io.tributary.documents.DocumentFingerprint;
import io.tributary.documents.DocumentSpec;
import io.tributary.documents.RootKeyPages;
import io.tributary.documents.Snapshot;
import io.tributary.documents.SourceSession;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.elasticsearch.client.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Full builds of document types, on a thread of their own while changes keep streaming: a document type whose index
 * was not fully built for its current configuration (a new type, a changed one, existing rows before the pipeline
 * started, or a rebuild requested with {@code scripts/documents.sh rebuild <name>}) gets every root row's document
 * built, a page of roots per REPEATABLE READ transaction, in key order, with progress logged and exported.
 *
 * <p><b>Why it may run beside the stream:</b> every page is written at its own snapshot's version, so a stream rebuild
 * and a page of the build that meet on one document keep whichever read more. When every page is written, documents
 * still below the first page's version are marked deleted (their roots were gone before the build began: a root that
 * existed was rebuilt at a later version). That scan is skipped when searches found no document when the build
 * began: a document written since from an older snapshot is then either rebuilt by its page at a higher version, or
 * its root was deleted, and the delete's own rebuild marks it at a higher version. Then the index's mapping records
 * the configuration's fingerprint
 * ({@link DocumentIndexes#markBuilt}). A build cut short (crash, stop) records nothing, so it is done again from the
 * start at the next check; each subscriber of the group checks, so several may build at once, harmlessly.
 *
 * <p>{@link #runOnce} is one check of every type; used by one thread.
 */
final class DocumentBackfill {

    private static final Logger LOG = LoggerFactory.getLogger(DocumentBackfill.class);
    private static final long PROGRESS_EVERY_NANOS = Duration.ofSeconds(5).toNanos();

    private final DocumentSource source;
    private final DocumentIndexes indexes;
    private final DocumentWriter writer;
    private final IndexScan scan;
    private final RestClient restClient;
    private final ApplyMetrics applyMetrics;
    private final DocumentMetrics metrics;
    private final Clock clock;
    private final BooleanSupplier stopRequested;

    DocumentBackfill(DocumentSource source, DocumentIndexes indexes, DocumentWriter writer, IndexScan scan,
                     RestClient restClient, ApplyMetrics applyMetrics, DocumentMetrics metrics, Clock clock,
                     BooleanSupplier stopRequested) {
        this.source = source;
        this.indexes = indexes;
        this.writer = writer;
        this.scan = scan;
        this.restClient = restClient;
        this.applyMetrics = applyMetrics;
        this.metrics = metrics;
        this.clock = clock;
        this.stopRequested = stopRequested;
    }

    /** Builds every document type whose index is not built for its configuration; failures are logged, not thrown. */
    void runOnce() {
        for (Map.Entry<DocumentSpec, DocumentBuilder> type : source.builders().entrySet()) {
            String name = type.getKey().name();
            String fingerprint = DocumentFingerprint.of(type.getKey());
            try {
                if (indexes.builtFor(name).filter(fingerprint::equals).isPresent()) {
                    continue;
                }
                if (build(type.getValue())) {
                    indexes.markBuilt(name, fingerprint);
                }
            } catch (ApplyFailedException | SQLException | RuntimeException e) {
                LOG.warn("document {}: the full build failed, it is done again at the next check ({}): {}", name,
                        source.settings().checkInterval(), e.getMessage());
            }
        }
    }

    /** How many documents searches of {@code alias} find now (delete markers are not among them). */
    private long searchable(String alias) throws ApplyFailedException {
        return scan.perform(new org.elasticsearch.client.Request("GET", "/" + alias + "/_count"), alias, "counting the"
                + " documents of " + alias).map(answer -> answer.path("count").asLong()).orElse(0L);
    }

    /** @return true when every root was built (false when stopped) */
    private boolean build(DocumentBuilder builder) throws SQLException, ApplyFailedException {
        String name = builder.tree().name();
        AtomicLong progress = metrics.buildProgress(name);
        progress.set(0);
        long start = System.nanoTime();
        long lastLog = start;
        try (SourceSession session = source.openSession()) {
            long estimate = RootKeyPages.estimate(session.connection(), builder.tree());
            LOG.info("document {}: full build of every {} row started (about {} rows)", name,
                    builder.tree().root().table().table(), estimate > 0 ? estimate : "?");
            boolean wasEmpty = searchable(name) == 0;
            RootKeyPages roots = new RootKeyPages(builder.tree());
            DocumentWriter.Run run = writer.run();
            long firstVersion = -1;
            while (!stopRequested.getAsBoolean()) {
                Snapshot snapshot = session.begin();
                try {
                    firstVersion = firstVersion < 0 ? snapshot.version() : firstVersion;
                    List<List<String>> keys = roots.next(session.connection(), source.settings().pageSize());
                    if (keys.isEmpty()) {
                        break;
                    }
                    progress.addAndGet(run.write(session.connection(), builder, keys, snapshot));
                } finally {
                    session.end();
                }
                long now = System.nanoTime();
                if (now - lastLog > PROGRESS_EVERY_NANOS) {
                    lastLog = now;
                    LOG.info("document {}: full build {} of about {} documents ({}%), {} s", name, progress.get(),
                            estimate > 0 ? estimate : "?", estimate > 0 ? Math.min(100, progress.get() * 100 / estimate) : "?",
                            Duration.ofNanos(now - start).toSeconds());
                }
            }
            run.finish();
            if (stopRequested.getAsBoolean()) {
                LOG.info("document {}: full build stopped after {} documents; it starts again at the next start", name,
                        progress.get());
                return false;
            }
            long marked = wasEmpty ? 0
                    : DocumentWork.markDeletedBelow(name, firstVersion, scan, restClient, applyMetrics, clock);
            LOG.info("document {}: full build done, {} documents in {} s ({} older ones marked deleted)", name,
                    progress.get(), Duration.ofNanos(System.nanoTime() - start).toSeconds(), marked);
            return true;
        }
    }
}
