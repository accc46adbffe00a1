package io.tributary.subscriber.apply;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.index.ScanProtocol;
import io.tributary.index.mapping.DeleteMarker;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the {@linkplain DeleteMarkers delete markers} that no older write can reach any more: those applied more
 * than {@code keepFor} ago ({@code tributary.elasticsearch.deletes.keep-for}, by default the topic's
 * {@code retention.ms} + {@code segment.ms}: Kafka deletes a record no sooner than that after it was written, so by
 * then every record older than the delete has left the topic, and no replay, late partition or repair of the topic can
 * bring one back).
 *
 * <p><b>Invariant: a purge never removes a row.</b> Each marker is really deleted at its version + 1 (above the marker,
 * and never the version of a real change: a WAL position is 8-byte aligned), so a row written again since the scan
 * (a higher version) answers 409 and stays; a marker written again meanwhile is newer and is left for the next round.
 *
 * <p>How: per target, the concrete indices behind it are scanned ({@link IndexScan}; not through the alias, whose
 * filter hides markers) for markers older than the horizon, and each page is deleted with one bulk request. A round
 * that fails is logged and counted, and the next round (after {@code purge-interval}) starts over; it is idempotent.
 * Safe to run beside the consumer thread: it touches only markers, through versions. Not thread-safe itself.
 */
public final class DeleteMarkerPurge {

    private static final Logger LOG = LoggerFactory.getLogger(DeleteMarkerPurge.class);

    private final RestClient restClient;
    private final ApplyMetrics metrics;
    private final IndexScan scan;
    private final Duration keepFor;

    DeleteMarkerPurge(RestClient restClient, ScanProtocol scans, ApplyMetrics metrics, int pageSize, Duration keepFor) {
        if (keepFor.isNegative()) {
            throw new IllegalArgumentException("keep-for must not be negative, got " + keepFor);
        }
        this.restClient = restClient;
        this.metrics = metrics;
        this.scan = new IndexScan(restClient, scans, pageSize);
        this.keepFor = keepFor;
    }

    /**
     * One round: removes, from the indices behind each of {@code targets}, the markers applied before
     * {@code now - keepFor}. A target that fails is counted and logged, and the others are still purged.
     *
     * @return the markers removed
     */
    public long runOnce(Set<String> targets, Instant now) {
        Instant horizon = now.minus(keepFor);
        long removed = 0;
        for (String target : targets) {
            try {
                removed += purge(target, horizon);
            } catch (ApplyFailedException | RuntimeException e) {
                metrics.purgeFailed();
                LOG.warn("purging delete markers of {} older than {} failed, tried again next round: {}", target,
                        horizon, e.getMessage());
            }
        }
        return removed;
    }

    private long purge(String target, Instant horizon) throws ApplyFailedException {
        String what = "purge of delete markers in " + target + " applied before " + horizon;
        long start = System.nanoTime();
        long removed = 0;
        for (String index : concreteIndices(target, what)) {
            long[] deleted = new long[1];
            scan.scan(index, olderThan(horizon), what, page -> {
                if (!page.documents().isEmpty()) {
                    ActionBulk.Outcome outcome = ActionBulk.send(restClient, metrics, BulkAction.purges(page), what);
                    deleted[0] += outcome.applied();
                }
                return true;
            });
            metrics.purged(target, deleted[0]);
            removed += deleted[0];
        }
        if (removed > 0) {
            LOG.info("{}: removed {} markers in {} ms", what, removed,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
        return removed;
    }

    /** The indices {@code target} names (itself when it is an index); none when it does not exist. */
    private List<String> concreteIndices(String target, String what) throws ApplyFailedException {
        Request request = new Request("GET", "/" + URLEncoder.encode(target, StandardCharsets.UTF_8) + "/_alias");
        List<String> indices = new ArrayList<>();
        scan.perform(request, target, what + ": finding the indices behind " + target)
                .ifPresent(answer -> answer.fieldNames().forEachRemaining(indices::add));
        return indices;
    }

    /** Markers whose delete was applied before {@code horizon}. */
    static ObjectNode olderThan(Instant horizon) {
        ObjectNode query = JsonNodeFactory.instance.objectNode();
        query.putObject("range").putObject(DeleteMarker.DELETED_FIELD).put("lt", horizon.toString());
        return query;
    }
}
