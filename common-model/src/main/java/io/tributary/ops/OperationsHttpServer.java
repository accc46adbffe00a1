package io.tributary.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The small HTTP endpoint every Tributary service serves for its operators:
 * <ul>
 *   <li>{@code GET /metrics}: Prometheus text format from the service's registry;</li>
 *   <li>{@code GET /health/live}: 200 while the process runs (a liveness probe);</li>
 *   <li>{@code GET /health/ready}: 200 when the service is doing its job (streaming, consuming) or waits as a
 *   healthy standby, 503 otherwise;</li>
 *   <li>{@code GET /health/active}: 200 while this instance does the work (the producer that streams the slot),
 *   503 otherwise (a standby).</li>
 * </ul>
 * Served by the JDK's built-in server on one daemon thread; closing stops it.
 */
public final class OperationsHttpServer implements AutoCloseable {

    private final HttpServer server;

    private OperationsHttpServer(HttpServer server) {
        this.server = server;
    }

    /**
     * @param port      the port to listen on, all interfaces; 0 picks a free one (see {@link #port()})
     * @param registry  the metrics to serve
     * @param readiness answers whether the service is ready right now
     */
    public static OperationsHttpServer start(int port, PrometheusMeterRegistry registry, BooleanSupplier readiness) {
        return start(port, registry, readiness, readiness);
    }

    /** @param active answers whether this instance does the work now (not a standby) */
    public static OperationsHttpServer start(int port, PrometheusMeterRegistry registry, BooleanSupplier readiness,
                                             BooleanSupplier active) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on HTTP port " + port
                    + " for /metrics and /health (is another process using it? set tributary.http.port)", e);
        }
        server.createContext("/metrics", exchange -> respond(exchange, 200,
                "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        server.createContext("/health/live", exchange -> respond(exchange, 200, "text/plain", "live\n"));
        server.createContext("/health/ready", exchange -> {
            boolean ready = readiness.getAsBoolean();
            respond(exchange, ready ? 200 : 503, "text/plain", ready ? "ready\n" : "not ready\n");
        });
        server.createContext("/health/active", exchange -> {
            boolean working = active.getAsBoolean();
            respond(exchange, working ? 200 : 503, "text/plain", working ? "active\n" : "not active\n");
        });
        server.createContext("/", exchange -> respond(exchange, 404, "text/plain",
                "not found; try /metrics, /health/live, /health/ready or /health/active\n"));
        server.setExecutor(Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "ops-http");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
        return new OperationsHttpServer(server);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
