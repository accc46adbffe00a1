package io.tributary.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class OperationsHttpServerTest {

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesMetricsLivenessAndReadinessThatFollowsTheService() throws Exception {
        PrometheusMeterRegistry registry = ServiceMetrics.newRegistry("test-service");
        registry.counter("tributary_test_events").increment(3);
        AtomicBoolean ready = new AtomicBoolean(false);

        try (OperationsHttpServer server = OperationsHttpServer.start(0, registry, ready::get)) {
            HttpResponse<String> metrics = get(server.port(), "/metrics");
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("tributary_test_events_total{service=\"test-service\"} 3.0"), metrics.body());
            assertTrue(metrics.body().contains("jvm_memory_used_bytes"));

            assertEquals(200, get(server.port(), "/health/live").statusCode());
            assertEquals(503, get(server.port(), "/health/ready").statusCode());
            ready.set(true);
            assertEquals(200, get(server.port(), "/health/ready").statusCode());
            assertEquals(404, get(server.port(), "/nothing").statusCode());
        }
    }

    @Test
    void aStandbyIsReadyButNotActive() throws Exception {
        AtomicBoolean active = new AtomicBoolean(false);
        try (OperationsHttpServer server = OperationsHttpServer.start(0, ServiceMetrics.newRegistry("standby-test"),
                () -> true, active::get)) {
            assertEquals(200, get(server.port(), "/health/ready").statusCode());
            assertEquals(503, get(server.port(), "/health/active").statusCode());
            active.set(true);
            assertEquals(200, get(server.port(), "/health/active").statusCode());
        }
    }
}
