package io.tributary.ops;

import java.time.Duration;

/**
 * Waits between retries: {@code initial}, doubling with every further attempt, never longer than {@code max}.
 */
public record RetryBackoff(Duration initial, Duration max) {

    public RetryBackoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + " and " + max);
        }
    }

    /** The wait before retry number {@code attempt + 1} (attempt 0 waits {@code initial}). */
    public Duration delayAfter(int attempt) {
        long millis = initial.toMillis() << Math.min(Math.max(attempt, 0), 20);
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }
}
