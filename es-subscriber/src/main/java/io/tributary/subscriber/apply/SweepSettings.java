package io.tributary.subscriber.apply;

import java.time.Duration;

/**
 * {@code tributary.elasticsearch.sweep}: how truncates and sweeps mark a table's documents ({@link StaleDocumentSweep}).
 *
 * @param pageSize        documents read per page of the scan, and so marks per bulk request, at most (also at most
 *                        {@code bulk.max-actions})
 * @param backgroundAfter how long a batch's truncates and sweeps run on the consumer thread before the rest goes on in
 *                        the background while their partitions wait ({@link BackgroundSweeps})
 */
public record SweepSettings(int pageSize, Duration backgroundAfter) {

    public SweepSettings {
        if (pageSize < 1 || backgroundAfter.isNegative()) {
            throw new IllegalArgumentException("a sweep's page size must be at least 1 and its budget not negative: "
                    + pageSize + ", " + backgroundAfter);
        }
    }
}
