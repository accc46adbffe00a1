package io.tributary.subscriber.apply;

import java.util.Optional;

/**
 * An index Elasticsearch answered is closed ({@code index_closed_exception}) or missing
 * ({@code index_not_found_exception}, also a write to an alias that no longer exists, sent with
 * {@code require_alias}): an operational fault, not the records' — their batch is retried, never dead-lettered
 * ({@link Verdict}), and the fault is logged and counted with the index's name. A missing target is created again,
 * with its mappings and alias, before the next attempt ({@link TargetIndexes#forget}).
 *
 * @param index  the index or alias as the request named it
 * @param reason {@code closed} or {@code missing}, the metric's {@code reason} tag
 */
record UnavailableIndex(String index, String reason) {

    static final String CLOSED = "closed";
    static final String MISSING = "missing";

    /** The fault an error of Elasticsearch names; empty when {@code errorType} is another error. */
    static Optional<UnavailableIndex> of(String index, String errorType) {
        if ("index_closed_exception".equals(errorType)) {
            return Optional.of(new UnavailableIndex(index, CLOSED));
        }
        if ("index_not_found_exception".equals(errorType)) {
            return Optional.of(new UnavailableIndex(index, MISSING));
        }
        return Optional.empty();
    }

    /** What an operator reads in the log: what is wrong and what the subscriber does about it. */
    String advice() {
        return CLOSED.equals(reason)
                ? "index " + index + " is closed: its changes wait, retried with backoff and never dead-lettered,"
                        + " until it is opened again (POST /" + index + "/_open)"
                : "index " + index + " is missing (deleted?): it is created again with its mappings and alias before"
                        + " the next attempt; the documents it held are gone — request a snapshot of its table"
                        + " (scripts/snapshot.sh request) if the delete was not meant to empty it";
    }
}
