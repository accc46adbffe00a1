package io.tributary.producer.stream;

import io.tributary.ops.RetryBackoff;
import java.time.Duration;

/**
 * When the next session may start after a failed one. The wait grows with each failure in a row and starts anew
 * only once a session has flushed past the WAL received when the last one failed: not at any flush, since a
 * keepalive position confirmed at the start of every session would reset it, and a change that fails every time
 * would be retried once per initial backoff for ever. Not thread-safe.
 */
final class ReconnectBackoff {

    private final RetryBackoff delays;
    private int failedAttempts;
    private long receivedWhenFailed;
    private long retryAtMillis;

    ReconnectBackoff(RetryBackoff delays) {
        this.delays = delays;
    }

    /** Records a failure with {@code received} the WAL received so far; returns the wait before the next attempt. */
    Duration failed(long received, long nowMillis) {
        receivedWhenFailed = received;
        Duration delay = delays.delayAfter(failedAttempts++);
        retryAtMillis = nowMillis + delay.toMillis();
        return delay;
    }

    /** A session flushed up to {@code flushed}: past where the last one failed, the next failure starts anew. */
    void flushedTo(long flushed) {
        if (failedAttempts > 0 && Long.compareUnsigned(flushed, receivedWhenFailed) > 0) {
            failedAttempts = 0;
        }
    }

    /** Milliseconds until the next attempt is due; 0 or less when due. */
    long millisUntilRetry(long nowMillis) {
        return retryAtMillis - nowMillis;
    }

    /** Failures in a row since the last progress. */
    int failedAttempts() {
        return failedAttempts;
    }
}
