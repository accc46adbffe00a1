package io.tributary.subscriber.apply;


/**
 * What an answer of Elasticsearch means for the records it concerns: the subscriber's one decision table.
 *
 * <table>
 *   <tr><th>answer</th><th>verdict</th></tr>
 *   <tr><td>no error (a delete's 404 {@code not_found} too)</td><td>{@link #APPLIED}</td></tr>
 *   <tr><td>409 {@code version_conflict_engine_exception}</td><td>{@link #STALE}</td></tr>
 *   <tr><td>404 {@code index_not_found_exception} for a delete</td><td>{@link #APPLIED}: nothing to delete</td></tr>
 *   <tr><td>no answer, 429, 5xx, {@code cluster_block_exception}</td><td>{@link #RETRY}</td></tr>
 *   <tr><td>400 {@code index_closed_exception}; 404 {@code index_not_found_exception} (any other action, and whole
 *       requests: a mapping put to an index deleted since)</td><td>{@link #RETRY}: an {@link UnavailableIndex}, the
 *       index's fault, not the records'</td></tr>
 *   <tr><td>401, 403; for a whole request also any other 404, 405 (a wrong URL or proxy)</td><td>{@link #FATAL}</td></tr>
 *   <tr><td>any other 4xx</td><td>{@link #REJECT}</td></tr>
 * </table>
 */
enum Verdict {
    /** Elasticsearch holds the change. */
    APPLIED,
    /** Elasticsearch holds a newer version of the row: counted, not an error. */
    STALE,
    /** Elasticsearch cannot take it now: retry the batch, commit nothing meanwhile. */
    RETRY,
    /** The record itself is at fault and always will be: dead-letter it (for a whole request: find the culprit). */
    REJECT,
    /** The setup is at fault (credentials, privileges, URL): stop, dead-lettering everything would be wrong. */
    FATAL;

    /** An item of a bulk response; {@code errorType} null when the item succeeded. */
    static Verdict forItem(BulkAction.Kind action, int status, String errorType) {
        if (errorType == null) {
            return APPLIED;
        }
        if (status == 409 && "version_conflict_engine_exception".equals(errorType)) {
            return STALE;
        }
        if (status == 404 && action == BulkAction.Kind.DELETE && "index_not_found_exception".equals(errorType)) {
            return APPLIED;
        }
        return common(status, errorType);
    }

    /**
     * A whole request that failed: {@code status} -1 when Elasticsearch did not answer, {@code errorType} null when
     * the answer had no Elasticsearch error body.
     */
    static Verdict forRequest(int status, String errorType) {
        if (status < 0 || UnavailableIndex.of("", errorType).isPresent()) {
            return RETRY;
        }
        if (status == 404 || status == 405) {
            return FATAL;
        }
        return common(status, errorType);
    }

    private static Verdict common(int status, String errorType) {
        if (status == 429 || status >= 500 || "cluster_block_exception".equals(errorType)
                || UnavailableIndex.of("", errorType).isPresent()) {
            return RETRY;
        }
        if (status == 401 || status == 403) {
            return FATAL;
        }
        return REJECT;
    }
}
