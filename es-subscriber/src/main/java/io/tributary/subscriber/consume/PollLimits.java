package io.tributary.subscriber.consume;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * How {@link ChangeConsumer} gathers a batch: it waits up to {@code pollTimeout} for the first records, then keeps
 * polling until it holds {@code enoughRecords} or its {@link #deadline} has passed.
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

    /**
     * When a batch stops waiting for more records: {@code maxWait} after its oldest record was written to Kafka (the
     * record's timestamp), so a record that already waited in the topic while the previous batch was applied is not
     * held again. Never later than {@code maxWait} from now (a producer whose clock runs ahead cannot make batches
     * wait longer) and never before now.
     *
     * @param nowMillis         the time the first records were polled, epoch milliseconds
     * @param oldestTimestamp the earliest timestamp of those records; empty when they carry none
     */
    long deadline(long nowMillis, OptionalLong oldestTimestamp) {
        long latest = nowMillis + maxWait.toMillis();
        if (oldestTimestamp.isEmpty()) {
            return latest;
        }
        return Math.max(nowMillis, Math.min(latest, oldestTimestamp.getAsLong() + maxWait.toMillis()));
    }
}
