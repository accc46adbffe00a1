package io.tributary.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServiceMetricsTest {

    private final PrometheusMeterRegistry registry = ServiceMetrics.newRegistry("test-service");

    @Test
    void aTimerDeclaredWithoutBucketsOrWithPercentilesIsScrapedAsAHistogramWithTheRequestBuckets() {
        Timer.builder("tributary.test.careless").publishPercentiles(0.5, 0.99).register(registry)
                .record(Duration.ofMillis(40));

        String scrape = registry.scrape();

        assertTrue(scrape.contains("# TYPE tributary_test_careless_seconds histogram"), scrape);
        assertTrue(scrape.contains("tributary_test_careless_seconds_bucket{service=\"test-service\",le=\"0.025\"} 0"),
                scrape);
        assertTrue(scrape.contains("tributary_test_careless_seconds_bucket{service=\"test-service\",le=\"0.05\"} 1"),
                scrape);
        assertEquals(HistogramBuckets.request().length + 1, scrape.lines()
                .filter(line -> line.startsWith("tributary_test_careless_seconds_bucket{")).count(), scrape);
        assertFalse(scrape.contains("quantile="), scrape);
    }

    @Test
    void aSummaryWithoutBucketsGetsAHistogramAndKeepsDeclaredOnes() {
        DistributionSummary.builder("tributary.test.sizes").publishPercentiles(0.99).register(registry).record(3);
        DistributionSummary.builder("tributary.test.declared").serviceLevelObjectives(10, 100).register(registry)
                .record(50);

        String scrape = registry.scrape();

        assertTrue(scrape.contains("tributary_test_sizes_bucket{"), scrape);
        assertEquals(3, scrape.lines().filter(line -> line.startsWith("tributary_test_declared_bucket{")).count(),
                "10, 100 and +Inf: " + scrape);
        assertTrue(scrape.contains("tributary_test_declared_bucket{service=\"test-service\",le=\"100.0\"} 1"), scrape);
        assertFalse(scrape.contains("quantile="), scrape);
    }

    @Test
    void everyTimerAndSummaryOfTheServiceRegistryIsAHistogram() {
        System.gc(); // usually records jvm.gc.pause; the check below holds with or without it
        registry.timer("tributary.test.plain").record(Duration.ofMillis(1));

        String scrape = registry.scrape();

        assertFalse(scrape.contains(" summary\n"), "a summary is no histogram: " + scrape);
        assertFalse(scrape.contains("quantile="), scrape);
        assertTrue(scrape.contains("tributary_test_plain_seconds_bucket{"), scrape);
    }
}
