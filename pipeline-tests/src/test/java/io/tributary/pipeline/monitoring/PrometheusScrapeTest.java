package io.tributary.pipeline.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class PrometheusScrapeTest {

    @Test
    void namesEverySampleWithItsSuffixAndSkipsComments() {
        String body = """
                # HELP tributary_subscriber_bulk_latency_seconds Time of one bulk request to Elasticsearch
                # TYPE tributary_subscriber_bulk_latency_seconds summary
                tributary_subscriber_bulk_latency_seconds{service="es-subscriber",quantile="0.5"} 0.004
                tributary_subscriber_bulk_latency_seconds_count{service="es-subscriber"} 3
                tributary_subscriber_bulk_latency_seconds_sum{service="es-subscriber"} 0.02

                process_uptime_seconds 12.5
                """;

        assertEquals(Set.of("tributary_subscriber_bulk_latency_seconds",
                        "tributary_subscriber_bulk_latency_seconds_count", "tributary_subscriber_bulk_latency_seconds_sum",
                        "process_uptime_seconds"),
                PrometheusScrape.sampleNames(body));
    }
}
