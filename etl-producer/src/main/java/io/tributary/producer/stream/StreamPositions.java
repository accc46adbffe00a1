package io.tributary.producer.stream;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the metrics show, written by the replication thread: the last position received, the last reported as
 * flushed, and how far behind the source the stream was when it received its last transaction (0 when idle).
 */
public record StreamPositions(AtomicLong received, AtomicLong flushed, AtomicLong lagMillis) {

    /** All at 0/0 and no lag. */
    public static StreamPositions atStart() {
        return new StreamPositions(new AtomicLong(), new AtomicLong(), new AtomicLong());
    }
}
