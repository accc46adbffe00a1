package io.tributary.subscriber.apply;

/**
 * Elasticsearch did not accept a batch. {@link #retriable()} tells a passing condition (unreachable, overloaded,
 * 429, 5xx: try again, the records stay unapplied and uncommitted) from a rejection that will recur (a document
 * Elasticsearch refuses).
 */
public final class ApplyFailedException extends Exception {

    private final boolean retriable;

    public ApplyFailedException(String message, boolean retriable, Throwable cause) {
        super(message, cause);
        this.retriable = retriable;
    }

    public boolean retriable() {
        return retriable;
    }
}
