package io.tributary.subscriber.apply;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.index.ScanPage;
import io.tributary.index.ScanProtocol;
import io.tributary.model.ChangeEventJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.http.util.EntityUtils;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every document of an index or alias that a query matches, a {@link ScanPage} at a time, through the engine's
 * {@link ScanProtocol} (a point in time, or a scroll: so memory stays at one page whatever the index's size, and
 * writes made meanwhile do not move the pages). The point in time or scroll is closed however the scan ends.
 * Searching an alias applies its filter. Not thread-safe.
 */
final class IndexScan {

    private static final Logger LOG = LoggerFactory.getLogger(IndexScan.class);

    /** How long a point in time or scroll lives between two pages. */
    static final String KEEP_ALIVE = "1m";

    /** What is done with each page, in scan order. */
    @FunctionalInterface
    interface PageHandler {
        /** @return false to stop the scan here, before the next page */
        boolean handle(ScanPage page) throws ApplyFailedException;
    }

    private final RestClient restClient;
    private final ScanProtocol protocol;
    private final int pageSize;

    /** @param pageSize documents per page at most */
    IndexScan(RestClient restClient, ScanProtocol protocol, int pageSize) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("a scan's page size must be at least 1, got " + pageSize);
        }
        this.restClient = restClient;
        this.protocol = protocol;
        this.pageSize = pageSize;
    }

    /**
     * Refreshes {@code target}, so a scan sees every write acknowledged before.
     *
     * @return false when there is no such index or alias
     */
    boolean refresh(String target, String what) throws ApplyFailedException {
        return perform(new Request("POST", path(target) + "/_refresh"), target, what + ": refreshing " + target)
                .isPresent();
    }

    /**
     * Hands every page of the documents of {@code target} that {@code query} matches to {@code handler}, until it
     * asks to stop.
     *
     * @param query null for every document
     * @return the documents scanned; -1 when there is no such index or alias
     * @throws ApplyFailedException retriable when Elasticsearch cannot finish the scan now (a shard failed, the search
     *                              timed out, the point in time expired); not retriable when the setup is at fault
     */
    long scan(String target, JsonNode query, String what, PageHandler handler) throws ApplyFailedException {
        String cursor = null;
        Optional<Request> open = protocol.open(target, KEEP_ALIVE);
        if (open.isPresent()) {
            Optional<JsonNode> opened = perform(open.get(), target, what + ": opening a point in time on " + target);
            if (opened.isEmpty()) {
                return -1;
            }
            cursor = protocol.openedCursor(opened.get());
            if (cursor.isEmpty()) {
                throw new ApplyFailedException(what + " failed: opening a point in time on " + target
                        + " answered no id: " + opened.get(), false, null);
            }
        }
        long scanned = 0;
        try {
            JsonNode searchAfter = null;
            while (true) {
                Request search = protocol.page(target, cursor, KEEP_ALIVE, ScanPage.search(pageSize, query),
                        searchAfter);
                search.addParameter("filter_path", ScanPage.FILTER_PATH);
                String reading = what + ": reading documents " + scanned + " and on of " + target;
                Optional<JsonNode> answered = perform(search, target, reading);
                if (answered.isEmpty() && cursor == null) {
                    return -1; // a scroll's first page: there is no such index or alias
                }
                JsonNode answer = answered.orElseThrow(() -> new ApplyFailedException(reading
                        + " failed: the index went away during the scan; it starts again", true, null));
                ScanPage page;
                try {
                    page = ScanPage.read(answer, protocol.nextCursor(answer, cursor));
                } catch (IllegalArgumentException e) {
                    throw new ApplyFailedException(reading + " failed: " + e.getMessage(), false, e);
                }
                cursor = page.cursor();
                if (!page.complete()) {
                    throw new ApplyFailedException(reading + " failed: some shards failed or the search timed out,"
                            + " so documents may be missing; it starts again", true, null);
                }
                scanned += page.documents().size();
                if (!handler.handle(page) || page.isLast(pageSize)) {
                    return scanned;
                }
                searchAfter = page.searchAfter();
            }
        } finally {
            if (cursor != null) {
                close(cursor, what);
            }
        }
    }

    /**
     * Sends {@code request}, which concerns {@code target}, and reads its JSON answer.
     *
     * @return empty when the index or alias does not exist (404 {@code index_not_found_exception})
     * @throws ApplyFailedException retriable (an {@link UnavailableIndex}) when {@code target} is closed
     */
    Optional<JsonNode> perform(Request request, String target, String what) throws ApplyFailedException {
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
            throw refused(what, target, e, error);
        } catch (IOException e) {
            throw Failures.failed(what, Verdict.RETRY, "Elasticsearch is unreachable: " + e.getMessage(), e);
        }
    }

    /**
     * A request concerning {@code target} that Elasticsearch answered with an error, by {@link Failures#refused}
     * (a closed or missing index is retried); a point in time that expired or vanished (404
     * {@code search_context_missing_exception}) too: a new scan replaces it.
     */
    static ApplyFailedException refused(String what, String target, ResponseException e, BulkAnswer.Item error) {
        int status = e.getResponse().getStatusLine().getStatusCode();
        String detail = "Elasticsearch answered HTTP " + status + (error.errorType() == null ? ""
                : " " + error.errorType() + ": " + error.errorReason());
        if ("search_context_missing_exception".equals(error.errorType())) {
            return Failures.failed(what, Verdict.RETRY, detail, e);
        }
        return Failures.refused(what, target, status, error.errorType(), detail, e);
    }

    static BulkAnswer.Item errorOf(Response response) {
        try {
            return BulkAnswer.requestError(response.getEntity() == null ? new byte[0]
                    : EntityUtils.toByteArray(response.getEntity()));
        } catch (IOException e) {
            return BulkAnswer.requestError(new byte[0]);
        }
    }

    private static String path(String target) {
        return "/" + URLEncoder.encode(target, StandardCharsets.UTF_8);
    }

    /** Releases the point in time or scroll; should that fail, it expires after {@link #KEEP_ALIVE} anyway. */
    private void close(String cursor, String what) {
        try {
            restClient.performRequest(protocol.close(cursor));
        } catch (IOException e) {
            LOG.debug("{}: closing the scan's view failed, it expires in {}: {}", what, KEEP_ALIVE, e.toString());
        }
    }
}
