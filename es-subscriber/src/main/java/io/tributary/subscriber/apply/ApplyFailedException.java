package io.tributary.subscriber.apply;

import java.util.Optional;

/**
 * Elasticsearch did not accept a batch. {@link #retriable()} tells a passing condition (unreachable, overloaded,
 * 429, 5xx, an index closed or missing: try again, the records stay unapplied and uncommitted) from a rejection that
 * will recur (a document Elasticsearch refuses).
 */
public final class ApplyFailedException extends Exception {

    private final boolean retriable;
    private final UnavailableIndex unavailableIndex;

    public ApplyFailedException(String message, boolean retriable, Throwable cause) {
        this(message, retriable, cause, null);
    }

    /** A retriable failure because {@code unavailableIndex} is closed or missing. */
    ApplyFailedException(String message, UnavailableIndex unavailableIndex, Throwable cause) {
        this(message, true, cause, unavailableIndex);
    }

    private ApplyFailedException(String message, boolean retriable, Throwable cause,
                                 UnavailableIndex unavailableIndex) {
        super(message, cause);
        this.retriable = retriable;
        this.unavailableIndex = unavailableIndex;
    }

    /** The same failure, its message prefixed (where it happened). */
    ApplyFailedException within(String where) {
        return new ApplyFailedException(where + ": " + getMessage(), retriable, this, unavailableIndex);
    }

    public boolean retriable() {
        return retriable;
    }

    /** The closed or missing index this failure is due to; empty when it is due to something else. */
    Optional<UnavailableIndex> unavailableIndex() {
        return Optional.ofNullable(unavailableIndex);
    }
}
