package io.tributary.subscriber.consume;

import java.time.Duration;

/**
 * How {@link ChangeConsumer} gathers a batch: it waits up to {@code pollTimeout} for the first records, then keeps
 * polling until it holds {@code enoughRecords} or {@code maxWait} has passed since the first poll returned.
 *
 * @param pollTimeout   how long one poll waits for records
 * @param enoughRecords records that make a batch without waiting for more
 * @param maxWait       how long to keep polling for more after the first records; zero: one poll is one batch
 */
public record PollLimits(Duration pollTimeout, int enoughRecords, Duration maxWait) {

    public PollLimits {
        if (pollTimeout.isNegative() || maxWait.isNegative() || enoughRecords < 1) {
            throw new IllegalArgumentException("poll limits must not be negative and enoughRecords at least 1, got "
                    + pollTimeout + ", " + enoughRecords + ", " + maxWait);
        }
    }
}
