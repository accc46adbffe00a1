package io.tributary.subscriber.apply;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.index.ScanProtocol;
import io.tributary.index.mapping.TableMappings;
import io.tributary.index.mapping.TableTag;
import io.tributary.model.Operation;
import io.tributary.model.TableId;
import io.tributary.subscriber.events.RowJson;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.elasticsearch.client.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the two events that concern a whole table, both at a version V (their {@code source.lsn}): a truncate
 * ({@link Operation#TRUNCATE}: every row that existed before it is gone) and a sweep ({@link Operation#SWEEP}: the
 * table's incremental snapshot is complete and every row that exists was sent again above V, so a document still
 * below V is the copy of a row deleted while nothing was streamed). Both mark each of the table's documents below V
 * deleted at V.
 *
 * <p><b>Invariant: only documents older than V are touched, and they are marked at version V</b> (a
 * {@linkplain DeleteMarkers delete marker}, {@code version_type=external}; never a real delete, never the index
 * deleted). So a document at V or above is never touched — not even one written between the scan and the mark, which
 * Elasticsearch answers with 409: an insert that followed the truncate but arrived first from another partition
 * ({@code partition-by = key}) stays; a snapshot read above V applied after the sweep writes its row again; and a
 * change older than V that arrives late, or is replayed, meets the marker's version and is refused, for as long as the
 * marker is kept. Hence either can be repeated at any time with the same result, which is what makes retrying an
 * unfinished one safe, and the index, its mappings and aliases are never recreated (no window in which another writer
 * could create it with dynamic mappings).
 *
 * <p><b>How:</b> refresh the table's alias (none: nothing to do), scan its documents ({@link IndexScan}: the alias
 * filter hides the markers already there), and send one bulk request of marks per page, each to the hit's concrete
 * index with its routing.
 *
 * <p><b>A shared index</b> ({@link TableMappings#sharingIndexWith}): the scan is limited to the documents tagged with
 * the table ({@link TableTag}); documents written before tags existed carry none and are left alone.
 *
 * <p><b>Stoppable, and its progress kept:</b> a run stops before a page's marks once its deadline has passed or it is
 * cancelled ({@link Overrun}). The marks written stay, and the alias filter hides them, so a later run of the same
 * truncate or sweep — in the background ({@link BackgroundSweeps}), or by the partition's next owner — scans only what
 * is left.
 *
 * <p>Cost: one read and one write per document of the table — a truncate of a large table takes as long as indexing
 * its markers. Not thread-safe: one per thread (the consumer's, the background runner's).
 */
final class StaleDocumentSweep {

    private static final Logger LOG = LoggerFactory.getLogger(StaleDocumentSweep.class);
    private static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final RestClient restClient;
    private final ApplyMetrics metrics;
    private final TableMappings tables;
    private final IndexScan scan;
    private final Clock clock;

    /**
     * @param scans    how the engine's indices are scanned
     * @param pageSize documents read per page, and so marks per bulk request, at most
     */
    StaleDocumentSweep(RestClient restClient, ScanProtocol scans, ApplyMetrics metrics, TableMappings tables,
                       int pageSize, Clock clock) {
        this.restClient = restClient;
        this.metrics = metrics;
        this.tables = tables;
        this.scan = new IndexScan(restClient, scans, pageSize);
        this.clock = clock;
    }

    /**
     * Marks the documents of {@code write}'s table (a truncate or a sweep) below its version deleted.
     *
     * @param deadline  {@link System#nanoTime()} after which the run stops before its next page's marks
     * @param cancelled true when the run must stop writing (its partition was revoked, the service stops)
     * @return a rejection when Elasticsearch refused a mark for good (the job is otherwise finished)
     * @throws Overrun              stopped before a page's marks: the deadline passed, or it was cancelled
     * @throws ApplyFailedException retriable when Elasticsearch cannot finish now; not retriable when the setup is at
     *                              fault or Elasticsearch's answers are not what was asked for
     */
    Optional<Rejection> apply(PlannedWrite write, long deadline, BooleanSupplier cancelled)
            throws ApplyFailedException, Overrun {
        TableId table = write.event().tableId();
        String target = write.index();
        long version = write.event().source().lsn().value();
        boolean truncate = write.event().op() == Operation.TRUNCATE;
        String what = (truncate ? "truncate" : "sweep") + " of table " + table + " in " + target + " below version "
                + version + " (" + write.event().source().lsn() + ")";
        long start = System.nanoTime();
        if (!scan.refresh(target, what)) {
            LOG.debug("{}: there is no index or alias {}, nothing to do", what, target);
            return Optional.empty();
        }
        ObjectNode query = tables.sharesIndex(table) ? taggedWith(table) : null;
        RowJson marker = DeleteMarkers.document(clock.instant());
        Tally tally = new Tally();
        long scanned = scan.scan(target, query, what, page -> {
            if (System.nanoTime() - deadline > 0 || cancelled.getAsBoolean()) {
                tally.stopped = true;
                return false;
            }
            List<BulkAction> marks = BulkAction.marksBelow(page, version, marker);
            if (!marks.isEmpty()) {
                ActionBulk.Outcome outcome = ActionBulk.send(restClient, metrics, marks, what + ": marking deleted");
                tally.add(outcome);
                metrics.versionConflicts(target, outcome.stale());
                if (truncate) {
                    metrics.truncatedDocuments(target, outcome.applied());
                } else {
                    metrics.swept(target, outcome.applied());
                }
            }
            tally.scanned += page.documents().size();
            if (System.nanoTime() - tally.lastProgress > PROGRESS_EVERY_NANOS) {
                tally.lastProgress = System.nanoTime();
                LOG.info("{}: {} documents scanned, {} marked deleted so far ({} s)", what, tally.scanned,
                        tally.marked, TimeUnit.NANOSECONDS.toSeconds(tally.lastProgress - start));
            }
            return true;
        });
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (tally.stopped) {
            LOG.info("{}: stopped after {} documents scanned{}, {} marked deleted, in {} ms{}", what, scanned,
                    query == null ? "" : " tagged " + table, tally.marked, millis,
                    cancelled.getAsBoolean() ? " (cancelled)" : " (out of time on this thread)");
            throw new Overrun();
        }
        if (truncate) {
            metrics.truncated(target);
        }
        LOG.info("{}: scanned {} documents{}, marked {} deleted in {} ms", what, Math.max(0, scanned),
                query == null ? "" : " tagged " + table, tally.marked, millis);
        if (tally.firstRejection != null) {
            return Optional.of(new Rejection(write.position(), target, "", tally.firstRejection.rejectedKind(),
                    what + " could not mark " + tally.firstRejection.rejectedReason()));
        }
        return Optional.empty();
    }

    /** What the pages of one truncate or sweep did. */
    private static final class Tally {
        long marked;
        long stale;
        long scanned;
        long lastProgress = System.nanoTime();
        boolean stopped;
        ActionBulk.Outcome firstRejection;

        void add(ActionBulk.Outcome outcome) {
            marked += outcome.applied();
            stale += outcome.stale();
            if (outcome.rejectedKind() != null && firstRejection == null) {
                firstRejection = outcome;
            }
        }
    }

    private static ObjectNode taggedWith(TableId table) {
        ObjectNode query = JsonNodeFactory.instance.objectNode();
        query.putObject("term").put(TableTag.FIELD, table.toString());
        return query;
    }
}
