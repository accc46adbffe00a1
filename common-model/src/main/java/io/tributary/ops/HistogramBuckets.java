package io.tributary.ops;

import java.time.Duration;

/**
 * The bucket bounds of the services' latency and size histograms. Each histogram is exported to Prometheus as a
 * handful of cumulative {@code _bucket{le=...}} series (no client-side percentiles), so that quantiles can be
 * computed across instances with {@code histogram_quantile}; the sets are short because each bound is one series
 * per instance.
 */
public final class HistogramBuckets {

    private static final Duration[] REQUEST = millis(1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000);

    private static final Duration[] COMMIT_TO_STAGE = millis(10, 25, 50, 100, 200, 300, 500, 1_000, 2_000, 5_000,
            10_000, 30_000, 60_000, 300_000, 900_000, 3_600_000, 21_600_000);

    private static final double[] BULK_OPERATIONS = {1, 10, 50, 100, 250, 500, 1_000, 2_000, 5_000, 10_000};

    private HistogramBuckets() {
    }

    /** One request to Kafka or Elasticsearch: 1 ms to 10 s (13 bounds). */
    public static Duration[] request() {
        return REQUEST.clone();
    }

    /**
     * Commit in PostgreSQL to a stage of the pipeline: 10 ms to 6 h (17 bounds), with a bound at 300 ms, the target
     * for commit to applied, and bounds of 15 min, 1 h and 6 h so that a backlog being worked off (a subscriber
     * back after an outage, a replay) reports its age instead of piling up past the last bound.
     */
    public static Duration[] commitToStage() {
        return COMMIT_TO_STAGE.clone();
    }

    /** Operations in one bulk request: 1 to 10,000 (10 bounds). */
    public static double[] bulkOperations() {
        return BULK_OPERATIONS.clone();
    }

    private static Duration[] millis(long... bounds) {
        Duration[] durations = new Duration[bounds.length];
        for (int i = 0; i < bounds.length; i++) {
            durations[i] = Duration.ofMillis(bounds[i]);
        }
        return durations;
    }
}
