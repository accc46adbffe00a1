package io.tributary.subscriber.apply;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.transport.TransportException;
import java.io.IOException;

/** Turns a failed request into {@link ApplyFailedException}, retriable or not by {@link Verdict#forRequest}. */
final class Failures {

    private Failures() {
    }

    /** The HTTP status of a request that threw {@code e}; -1 when Elasticsearch did not answer. */
    static int status(IOException e) {
        return e instanceof TransportException transport ? transport.statusCode() : -1;
    }

    static ApplyFailedException requestFailed(String what, IOException e) {
        int status = status(e);
        String detail = status < 0 ? "Elasticsearch is unreachable: " : "Elasticsearch answered HTTP " + status + ": ";
        return failed(what, Verdict.forRequest(status, null), detail + e.getMessage(), e);
    }

    static ApplyFailedException requestFailed(String what, ElasticsearchException e) {
        return failed(what, Verdict.forRequest(e.status(), e.error().type()),
                "Elasticsearch refused it: " + e.getMessage(), e);
    }

    /** A request concerning {@code index} refused by {@code e}: an {@link UnavailableIndex} when it says so. */
    static ApplyFailedException requestFailed(String what, String index, ElasticsearchException e) {
        return refused(what, index, e.status(), e.error().type(), "Elasticsearch refused it: " + e.getMessage(), e);
    }

    /**
     * A request concerning {@code index} that Elasticsearch answered with {@code status} and {@code errorType}: an
     * {@link UnavailableIndex} (retriable) when the index is closed or missing, else by {@link Verdict#forRequest}.
     */
    static ApplyFailedException refused(String what, String index, int status, String errorType, String detail,
                                        Throwable cause) {
        var unavailable = UnavailableIndex.of(index, errorType);
        if (unavailable.isPresent()) {
            return new ApplyFailedException(what + " failed: " + detail + "; " + unavailable.get().advice(),
                    unavailable.get(), cause);
        }
        return failed(what, Verdict.forRequest(status, errorType), detail, cause);
    }

    /** A {@link Verdict#REJECT} of a whole request counts as fatal here: callers that can split it do so first. */
    static ApplyFailedException failed(String what, Verdict verdict, String detail, Throwable cause) {
        boolean retriable = verdict == Verdict.RETRY;
        String advice = verdict == Verdict.FATAL
                ? " (check tributary.elasticsearch.urls, the credentials (username and password, api-key or"
                + " bearer-token) and their privileges)" : "";
        return new ApplyFailedException(what + " failed: " + detail + advice, retriable, cause);
    }
}
