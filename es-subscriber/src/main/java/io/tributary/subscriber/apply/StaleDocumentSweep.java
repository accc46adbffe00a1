package io.tributary.subscriber.apply;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.Operation;
import io.tributary.model.TableId;
import io.tributary.subscriber.mapping.TableMappings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.ContentType;
import org.apache.http.util.EntityUtils;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a sweep ({@link Operation#SWEEP} at version D, its {@code source.lsn}): the table's incremental snapshot is
 * complete, every row that exists was sent again at a version above D, so each document of the table still below D
 * is the copy of a row deleted while nothing was streamed (after a lost slot, say), and is deleted.
 *
 * <p><b>Invariant: a sweep deletes only documents older than D, and deletes them at version D</b> (a bulk
 * {@code delete} with {@code version=D, version_type=external}). So a document at D or above is never touched —
 * not even one written between the scan and the delete, which Elasticsearch answers with 409; and a row's snapshot
 * read, at a version above D, writes its document again when it is applied after the sweep deleted the row's stale
 * copy (the sweep and the read are in different partitions when {@code partition-by = key} spreads the table), while
 * a change older than D that arrives late finds the delete's version and is refused. Hence a sweep can be repeated
 * at any time with the same result, which is what makes retrying an unfinished one safe.
 *
 * <p><b>How:</b> refresh the table's index or alias (none: nothing to do), open a point in time on it, read every
 * document's id, version and routing a page at a time ({@link ScanPage}: memory stays bounded), and send one bulk
 * request of deletes per page, each to the hit's concrete index with its routing. The point in time is closed
 * however the sweep ends. Answers are sorted by {@link Verdict}: a delete finding nothing (404) or a newer version
 * (409) is fine; 429, 5xx or no answer make the sweep fail retriably, so the batch is applied again and nothing is
 * committed meanwhile.
 *
 * <p><b>A shared index is not swept.</b> Documents carry no table of their own (their {@code _id} is the row's key),
 * so when the configuration lets another table write to the same index ({@link TableMappings#sharingIndexWith}) the
 * sweep is skipped with a warning naming the index and the tables: leaving deleted rows is better than deleting
 * another table's.
 *
 * <p>Not thread-safe: used by the consumer thread, between bulk requests.
 */
final class StaleDocumentSweep {

    private static final Logger LOG = LoggerFactory.getLogger(StaleDocumentSweep.class);

    /** How long a point in time lives between two pages. */
    static final String KEEP_ALIVE = "1m";

    private static final ContentType NDJSON = ContentType.create("application/x-ndjson");

    private final RestClient restClient;
    private final ApplyMetrics metrics;
    private final TableMappings tables;
    private final int pageSize;

    /** What a sweep did so far. */
    private static final class Progress {
        /** The point in time's id as last answered: what to ask the next page of, and to close. */
        String pitId;
        long scanned;
        long deleted;
        /** The first delete Elasticsearch refused for good: its error type; null while there is none. */
        String rejectedKind;
        String rejectedReason;
    }

    /** @param pageSize documents read per page, and so deletes per bulk request, at most */
    StaleDocumentSweep(RestClient restClient, ApplyMetrics metrics, TableMappings tables, int pageSize) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("a sweep's page size must be at least 1, got " + pageSize);
        }
        this.restClient = restClient;
        this.metrics = metrics;
        this.tables = tables;
        this.pageSize = pageSize;
    }

    /**
     * Sweeps the index of {@code sweep}'s table.
     *
     * @return a rejection when Elasticsearch refused a delete for good (the sweep is otherwise finished)
     * @throws ApplyFailedException retriable when Elasticsearch cannot finish the sweep now; not retriable when the
     *                              setup is at fault or Elasticsearch's answers are not what was asked for
     */
    Optional<Rejection> sweep(PlannedWrite sweep) throws ApplyFailedException {
        TableId table = sweep.event().tableId();
        String target = sweep.index();
        long version = sweep.event().source().lsn().value();
        String what = "sweep of table " + table + " in " + target + " below version " + version + " ("
                + sweep.event().source().lsn() + ")";
        Set<TableId> sharing = tables.sharingIndexWith(table);
        if (!sharing.isEmpty()) {
            LOG.warn("{} skipped: the configuration lets table(s) {} write to {} too, and documents do not say which"
                    + " table they are of; give table {} an index of its own (tributary.tables) for sweeps to remove"
                    + " its deleted rows", what, sharing, target, table);
            return Optional.empty();
        }
        long start = System.nanoTime();
        String path = "/" + URLEncoder.encode(target, StandardCharsets.UTF_8);
        if (perform(new Request("POST", path + "/_refresh"), what + ": refreshing " + target).isEmpty()) {
            LOG.debug("{}: there is no index or alias {}, nothing to sweep", what, target);
            return Optional.empty();
        }
        Request open = new Request("POST", path + "/_pit");
        open.addParameter("keep_alive", KEEP_ALIVE);
        Optional<JsonNode> opened = perform(open, what + ": opening a point in time on " + target);
        if (opened.isEmpty()) {
            LOG.debug("{}: index or alias {} is gone, nothing to sweep", what, target);
            return Optional.empty();
        }
        String pitId = opened.get().path("id").asText("");
        if (pitId.isEmpty()) {
            throw new ApplyFailedException(what + " failed: opening a point in time on " + target + " answered no"
                    + " id: " + opened.get(), false, null);
        }
        Progress progress = new Progress();
        progress.pitId = pitId;
        try {
            scan(version, target, what, progress);
        } finally {
            closePointInTime(progress.pitId, what);
        }
        LOG.info("{}: scanned {} documents, deleted {} in {} ms", what, progress.scanned, progress.deleted,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        if (progress.rejectedKind != null) {
            return Optional.of(new Rejection(sweep.position(), target, "", progress.rejectedKind,
                    what + " could not delete " + progress.rejectedReason));
        }
        return Optional.empty();
    }

    /** Reads every page and deletes what is below {@code version}. */
    private void scan(long version, String target, String what, Progress progress) throws ApplyFailedException {
        JsonNode searchAfter = null;
        while (true) {
            Request search = new Request("POST", "/_search");
            search.addParameter("filter_path", ScanPage.FILTER_PATH);
            search.setJsonEntity(ScanPage.request(progress.pitId, KEEP_ALIVE, pageSize, searchAfter).toString());
            String reading = what + ": reading documents " + progress.scanned + " and on of " + target;
            JsonNode answer = perform(search, reading).orElseThrow(() -> new ApplyFailedException(reading
                    + " failed: the index went away during the scan; the sweep starts again", true, null));
            ScanPage page;
            try {
                page = ScanPage.read(answer, progress.pitId);
            } catch (IllegalArgumentException e) {
                throw new ApplyFailedException(reading + " failed: " + e.getMessage(), false, e);
            }
            progress.pitId = page.pitId();
            if (!page.complete()) {
                throw new ApplyFailedException(reading + " failed: some shards failed or the search timed out, so"
                        + " documents may be missing; the sweep starts again", true, null);
            }
            progress.scanned += page.documents().size();
            List<BulkAction> deletes = page.deletesBelow(version);
            if (!deletes.isEmpty()) {
                delete(deletes, target, what, progress);
            }
            if (page.isLast(pageSize)) {
                return;
            }
            searchAfter = page.searchAfter();
        }
    }

    private void delete(List<BulkAction> deletes, String target, String what, Progress progress)
            throws ApplyFailedException {
        String deleting = what + ": deleting " + deletes.size() + " documents (" + deletes.get(0).address() + " …)";
        Request request = new Request("POST", "/_bulk");
        request.addParameter("filter_path", BulkAnswer.FILTER_PATH);
        request.setEntity(new ByteArrayEntity(BulkBody.ofActions(deletes), NDJSON));
        long start = System.nanoTime();
        BulkAnswer answer;
        try {
            Response response = restClient.performRequest(request);
            answer = BulkAnswer.read(EntityUtils.toByteArray(response.getEntity()));
        } catch (ResponseException e) {
            throw refused(deleting, e, errorOf(e.getResponse()));
        } catch (IOException e) {
            throw Failures.failed(deleting, Verdict.RETRY, "Elasticsearch is unreachable: " + e.getMessage(), e);
        } finally {
            metrics.bulkRequest(deletes.size(), System.nanoTime() - start);
        }
        if (!answer.errors()) {
            progress.deleted += deletes.size();
            metrics.swept(target, deletes.size());
            return;
        }
        if (answer.items().size() != deletes.size()) {
            throw new ApplyFailedException(deleting + ": Elasticsearch answered " + answer.items().size()
                    + " items to " + deletes.size() + " deletes", true, null);
        }
        long deleted = 0;
        String retryBecause = null;
        for (BulkAnswer.Item item : answer.items()) {
            String itemText = item.index() + "/" + item.id() + ": " + item.status() + " " + item.errorType() + " "
                    + item.errorReason();
            switch (Verdict.forItem(BulkAction.Kind.DELETE, item.status(), item.errorType())) {
                case APPLIED -> deleted++;
                case STALE -> metrics.versionConflict(target);
                case RETRY -> retryBecause = retryBecause != null ? retryBecause : itemText;
                case FATAL -> throw new ApplyFailedException(deleting + ": Elasticsearch refused " + itemText
                        + " (check the user's privileges on the index)", false, null);
                case REJECT -> {
                    if (progress.rejectedKind == null) {
                        progress.rejectedKind = item.errorType();
                        progress.rejectedReason = itemText;
                    }
                }
            }
        }
        progress.deleted += deleted;
        metrics.swept(target, deleted);
        if (retryBecause != null) {
            throw new ApplyFailedException(deleting + ": Elasticsearch could not take every delete now, first: "
                    + retryBecause, true, null);
        }
    }

    /**
     * Sends {@code request} and reads its JSON answer.
     *
     * @return empty when the index or alias does not exist (404 {@code index_not_found_exception})
     */
    private Optional<JsonNode> perform(Request request, String what) throws ApplyFailedException {
        try {
            Response response = restClient.performRequest(request);
            try (InputStream body = response.getEntity().getContent()) {
                return Optional.of(ChangeEventJson.mapper().readTree(body));
            }
        } catch (ResponseException e) {
            BulkAnswer.Item error = errorOf(e.getResponse());
            if (e.getResponse().getStatusLine().getStatusCode() == 404
                    && "index_not_found_exception".equals(error.errorType())) {
                return Optional.empty();
            }
            throw refused(what, e, error);
        } catch (IOException e) {
            throw Failures.failed(what, Verdict.RETRY, "Elasticsearch is unreachable: " + e.getMessage(), e);
        }
    }

    /**
     * A request Elasticsearch answered with an error, by {@link Verdict#forRequest}; except a point in time that
     * expired or vanished (404 {@code search_context_missing_exception}), which a new sweep replaces.
     */
    private static ApplyFailedException refused(String what, ResponseException e, BulkAnswer.Item error) {
        int status = e.getResponse().getStatusLine().getStatusCode();
        String detail = "Elasticsearch answered HTTP " + status + (error.errorType() == null ? ""
                : " " + error.errorType() + ": " + error.errorReason());
        Verdict verdict = "search_context_missing_exception".equals(error.errorType()) ? Verdict.RETRY
                : Verdict.forRequest(status, error.errorType());
        return Failures.failed(what, verdict, detail, e);
    }

    private static BulkAnswer.Item errorOf(Response response) {
        try {
            return BulkAnswer.requestError(response.getEntity() == null ? new byte[0]
                    : EntityUtils.toByteArray(response.getEntity()));
        } catch (IOException e) {
            return BulkAnswer.requestError(new byte[0]);
        }
    }

    /** Releases the point in time; should that fail, it expires after {@link #KEEP_ALIVE} anyway. */
    private void closePointInTime(String pitId, String what) {
        Request close = new Request("DELETE", "/_pit");
        close.setJsonEntity(ChangeEventJson.mapper().createObjectNode().put("id", pitId).toString());
        try {
            restClient.performRequest(close);
        } catch (IOException e) {
            LOG.debug("{}: closing the point in time failed, it expires in {}: {}", what, KEEP_ALIVE, e.toString());
        }
    }
}
