package io.tributary.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CommitLatencyTest {

    private static final String BUCKET = "tributary_test_commit_to_stage_seconds_bucket";
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    private final PrometheusMeterRegistry registry = ServiceMetrics.newRegistry("test-service");
    private final CommitLatency latency = CommitLatency.register(registry, "tributary.test.commit.to.stage",
            "the stage", Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void recordsTheTimeFromTheCommitTimestampToNow() {
        latency.reachedNow(NOW.minusMillis(250));
        latency.reachedAt(NOW.toEpochMilli(), NOW.minusSeconds(2));

        Timer timer = registry.get("tributary.test.commit.to.stage").timer();
        assertEquals(2, timer.count());
        assertEquals(2250, timer.totalTime(TimeUnit.MILLISECONDS));
        assertEquals(2000, timer.max(TimeUnit.MILLISECONDS));
    }

    @Test
    void skipsAChangeWithoutCommitTimestampAndRecordsACommitAheadOfThisClockAsZero() {
        latency.reachedNow(null);
        latency.reachedNow(NOW.plusSeconds(1));

        Timer timer = registry.get("tributary.test.commit.to.stage").timer();
        assertEquals(1, timer.count());
        assertEquals(0, timer.totalTime(TimeUnit.MILLISECONDS));
    }

    @Test
    void isScrapedAsAPrometheusHistogramWithTheCommitToStageBucketsAndNoQuantiles() {
        latency.reachedNow(NOW.minusMillis(250));

        String scrape = registry.scrape();
        assertTrue(scrape.contains("# TYPE tributary_test_commit_to_stage_seconds histogram"), scrape);
        assertTrue(scrape.contains(BUCKET + "{service=\"test-service\",le=\"0.2\"} 0"), scrape);
        assertTrue(scrape.contains(BUCKET + "{service=\"test-service\",le=\"0.3\"} 1"), scrape);
        assertEquals(HistogramBuckets.commitToStage().length + 1,
                scrape.lines().filter(line -> line.startsWith(BUCKET + "{")).count(), "one series per bound, and +Inf");
        assertFalse(scrape.contains("quantile="), scrape);
        assertTrue(scrape.contains("PostgreSQL (its clock)"), "the description names whose clocks: " + scrape);
    }

    @Test
    void aChangeFromAnHourOldBacklogLandsInABoundedBucketNotPastTheLast() {
        latency.reachedNow(NOW.minusSeconds(40 * 60));

        String scrape = registry.scrape();
        assertTrue(scrape.contains(BUCKET + "{service=\"test-service\",le=\"900.0\"} 0"), scrape);
        assertTrue(scrape.contains(BUCKET + "{service=\"test-service\",le=\"3600.0\"} 1"), scrape);
    }
}
