package io.tributary.subscriber.apply;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tributary.ops.ServiceMetrics;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ApplyMetricsTest {

    @Test
    void bulkLatencyAndSizeAreScrapedAsPrometheusHistogramsWithoutClientSideQuantiles() {
        PrometheusMeterRegistry registry = ServiceMetrics.newRegistry("es-subscriber");
        ApplyMetrics metrics = new ApplyMetrics(registry);

        metrics.bulkRequest(80, TimeUnit.MILLISECONDS.toNanos(40));

        String scrape = registry.scrape();
        assertTrue(scrape.contains("tributary_subscriber_bulk_latency_seconds_bucket{service=\"es-subscriber\","
                + "le=\"0.025\"} 0"), scrape);
        assertTrue(scrape.contains("tributary_subscriber_bulk_latency_seconds_bucket{service=\"es-subscriber\","
                + "le=\"0.05\"} 1"), scrape);
        assertTrue(scrape.contains("tributary_subscriber_bulk_operations_bucket{service=\"es-subscriber\","
                + "le=\"50.0\"} 0"), scrape);
        assertTrue(scrape.contains("tributary_subscriber_bulk_operations_bucket{service=\"es-subscriber\","
                + "le=\"100.0\"} 1"), scrape);
        assertFalse(scrape.contains("quantile="), scrape);
    }
}
