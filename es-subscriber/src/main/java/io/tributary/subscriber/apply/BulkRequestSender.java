package io.tributary.subscriber.apply;

import java.io.IOException;
import java.util.List;
import java.util.function.Predicate;
import org.apache.http.entity.ContentType;
import org.apache.http.util.EntityUtils;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;

/**
 * Sends one bulk request of planned writes and sorts its answer by {@link Verdict}: the hot path of
 * {@link BulkApplier}.
 *
 * <p>The request goes through the low-level REST client as a body written by {@link BulkBody} (documents as the
 * bytes they arrived in, when the table keeps rows as they are); the answer is filtered by Elasticsearch and read by
 * {@link BulkAnswer}, item by item only when some failed. A request refused as a whole for its content (400, 413)
 * is split in halves until the culprits are found, each then rejected for good.
 *
 * <p>Thread-safe: the lanes of a batch send through one sender at once.
 */
final class BulkRequestSender {

    private static final ContentType NDJSON = ContentType.create("application/x-ndjson");

    private final RestClient restClient;
    private final ApplyMetrics metrics;
    private final Predicate<String> isAlias;

    /** A bulk request refused as a whole because of what it carries. */
    private static final class ContentRefused extends Exception {
        private final String kind;

        ContentRefused(String kind, String message) {
            super(message, null, false, false);
            this.kind = kind;
        }
    }

    /** @param isAlias whether a write's target is an alias (written with {@code require_alias}) */
    BulkRequestSender(RestClient restClient, ApplyMetrics metrics, Predicate<String> isAlias) {
        this.restClient = restClient;
        this.metrics = metrics;
        this.isAlias = isAlias;
    }

    /**
     * Applies {@code writes}, in order, adding those rejected for good to {@code rejections}.
     *
     * @throws ApplyFailedException retriable when Elasticsearch cannot take every operation now; not retriable when
     *                              it refuses the user
     */
    void send(List<PlannedWrite> writes, List<Rejection> rejections) throws ApplyFailedException {
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
            send(writes.subList(0, half), rejections);
            send(writes.subList(half, writes.size()), rejections);
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
        request.setEntity(BulkBody.entity(writes, isAlias, NDJSON));
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

    private static String describe(PlannedWrite write) {
        return write.index() + "/" + write.id() + " at " + write.event().source().lsn();
    }

    private static String itemText(BulkAnswer.Item item) {
        return item.action() + " " + item.index() + "/" + item.id() + ": " + item.status()
                + (item.errorType() == null ? "" : " " + item.errorType() + " " + item.errorReason());
    }
}
