package io.tributary.subscriber.apply;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.index.IndexScanner;
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

/**
 * The subscriber's requests about an index: a refresh, a request whose refusal is sorted into a verdict
 * ({@link Failures#refused}), and a scan of every document a query matches, page by page, by the shared
 * {@link IndexScanner} (its failures become {@link ApplyFailedException}s: retriable when a new scan may succeed). The
 * point in time or scroll is closed however the scan ends. Not thread-safe.
 */
final class IndexScan {

    /** How long a point in time or scroll lives between two pages. */
    static final String KEEP_ALIVE = "1m";

    /** What is done with each page, in scan order. */
    @FunctionalInterface
    interface PageHandler {
        /** @return false to stop the scan here, before the next page */
        boolean handle(ScanPage page) throws ApplyFailedException;
    }

    private final RestClient restClient;
    private final IndexScanner scanner;

    /** @param pageSize documents per page at most */
    IndexScan(RestClient restClient, ScanProtocol protocol, int pageSize) {
        this.restClient = restClient;
        this.scanner = new IndexScanner(restClient, protocol, pageSize, KEEP_ALIVE);
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
        Optional<IndexScanner.Pages<ApplyFailedException>> opened = scanner.open(target, query, what,
                requestsFor(target));
        if (opened.isEmpty()) {
            return -1;
        }
        long scanned = 0;
        try (IndexScanner.Pages<ApplyFailedException> pages = opened.get()) {
            for (Optional<ScanPage> page = pages.next(); page.isPresent(); page = pages.next()) {
                scanned += page.get().documents().size();
                if (!handler.handle(page.get())) {
                    break;
                }
            }
        }
        return scanned;
    }

    /** The scan's requests concern {@code target}; its failures are {@link ApplyFailedException}s. */
    private IndexScanner.Requests<ApplyFailedException> requestsFor(String target) {
        return new IndexScanner.Requests<>() {
            @Override
            public Optional<JsonNode> perform(Request request, String what) throws ApplyFailedException {
                return IndexScan.this.perform(request, target, what);
            }

            @Override
            public ApplyFailedException failed(String message, boolean retriable, Exception cause) {
                return new ApplyFailedException(retriable ? message + "; it starts again" : message, retriable, cause);
            }
        };
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
}
