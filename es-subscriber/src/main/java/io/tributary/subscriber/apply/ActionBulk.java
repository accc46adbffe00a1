package io.tributary.subscriber.apply;

import java.io.IOException;
import java.util.List;
import org.apache.http.entity.ContentType;
import org.apache.http.util.EntityUtils;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;

/**
 * Sends the actions a scan found work for (a sweep's or a truncate's marks, a purge's deletes) as one bulk request,
 * and sorts the answer by {@link Verdict}: a newer version (409) or a delete that found nothing is fine; 429, 5xx or
 * no answer make the whole job fail retriably (it is idempotent, so it is simply done again). Stateless.
 */
final class ActionBulk {

    private static final ContentType NDJSON = ContentType.create("application/x-ndjson");

    /**
     * What Elasticsearch did with a request's actions.
     *
     * @param applied        actions applied
     * @param stale          actions that met a newer version
     * @param rejectedKind   the first action refused for good: its error type; null when none was
     * @param rejectedReason that action's document and error
     */
    record Outcome(long applied, long stale, String rejectedKind, String rejectedReason) {
    }

    private ActionBulk() {
    }

    /**
     * @param what what the actions do, for messages
     * @throws ApplyFailedException retriable when Elasticsearch could not take them all now; not retriable when the
     *                              setup is at fault (credentials, privileges)
     */
    static Outcome send(RestClient restClient, ApplyMetrics metrics, List<BulkAction> actions, String what)
            throws ApplyFailedException {
        String sending = what + ": " + actions.size() + " documents (" + actions.get(0).address() + " …)";
        Request request = new Request("POST", "/_bulk");
        request.addParameter("filter_path", BulkAnswer.FILTER_PATH);
        request.setEntity(BulkBody.entityOfActions(actions, NDJSON));
        long start = System.nanoTime();
        BulkAnswer answer;
        try {
            Response response = restClient.performRequest(request);
            answer = BulkAnswer.read(EntityUtils.toByteArray(response.getEntity()));
        } catch (ResponseException e) {
            throw IndexScan.refused(sending, actions.get(0).address().index(), e, IndexScan.errorOf(e.getResponse()));
        } catch (IOException e) {
            throw Failures.failed(sending, Verdict.RETRY, "Elasticsearch is unreachable: " + e.getMessage(), e);
        } finally {
            metrics.bulkRequest(actions.size(), System.nanoTime() - start);
        }
        if (!answer.errors()) {
            return new Outcome(actions.size(), 0, null, null);
        }
        if (answer.items().size() != actions.size()) {
            throw new ApplyFailedException(sending + ": Elasticsearch answered " + answer.items().size()
                    + " items to " + actions.size() + " actions", true, null);
        }
        long applied = 0;
        long stale = 0;
        String rejectedKind = null;
        String rejectedReason = null;
        String retryBecause = null;
        UnavailableIndex unavailable = null;
        for (int i = 0; i < actions.size(); i++) {
            BulkAnswer.Item item = answer.items().get(i);
            String itemText = item.index() + "/" + item.id() + ": " + item.status() + " " + item.errorType() + " "
                    + item.errorReason();
            switch (Verdict.forItem(actions.get(i).kind(), item.status(), item.errorType())) {
                case APPLIED -> applied++;
                case STALE -> stale++;
                case RETRY -> {
                    retryBecause = retryBecause != null ? retryBecause : itemText;
                    if (unavailable == null) {
                        unavailable = UnavailableIndex.of(actions.get(i).address().index(), item.errorType())
                                .orElse(null);
                    }
                }
                case FATAL -> throw new ApplyFailedException(sending + ": Elasticsearch refused " + itemText
                        + " (check the user's privileges on the index)", false, null);
                case REJECT -> {
                    if (rejectedKind == null) {
                        rejectedKind = item.errorType();
                        rejectedReason = itemText;
                    }
                }
            }
        }
        if (unavailable != null) {
            throw new ApplyFailedException(sending + ": " + unavailable.advice(), unavailable, null);
        }
        if (retryBecause != null) {
            throw new ApplyFailedException(sending + ": Elasticsearch could not take every action now, first: "
                    + retryBecause, true, null);
        }
        return new Outcome(applied, stale, rejectedKind, rejectedReason);
    }
}
