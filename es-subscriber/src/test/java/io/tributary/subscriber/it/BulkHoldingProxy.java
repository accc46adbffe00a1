package io.tributary.subscriber.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP proxy in front of Elasticsearch for a subscriber under test that lets the test hold its bulk requests:
 * first unsent ({@link #holdBulksUnsent}), then, once {@link #sendHeldBulksThenHoldAnswers released}, the held ones
 * go through and every later bulk reaches Elasticsearch but never gets its answer back; or that slows every bulk
 * request down ({@link #delayBulks}) and counts them; or that slows index creations down
 * ({@link #delayIndexCreations}) and records how many ran at once. Every other request passes straight through. Handlers run on
 * daemon threads; {@link #close} lets the held ones go.
 */
final class BulkHoldingProxy implements AutoCloseable {

    /** Request headers the JDK's client sets itself and refuses to be given. */
    private static final Set<String> CLIENT_HEADERS = Set.of("connection", "content-length", "expect", "host",
            "upgrade", "transfer-encoding");
    /** Response headers the JDK's server sets itself. */
    private static final Set<String> SERVER_HEADERS = Set.of("connection", "content-length", "transfer-encoding");

    private final String target;
    private final HttpClient client = HttpClient.newHttpClient();
    private final ExecutorService handlers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "bulk-holding-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpServer server;
    private final CountDownLatch unsentHeld = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch appliedAndHeld = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean holdUnsent;
    private volatile boolean holdAnswers;
    private volatile Duration bulkDelay = Duration.ZERO;
    private final java.util.concurrent.atomic.AtomicLong bulks = new java.util.concurrent.atomic.AtomicLong();
    private volatile Duration creationDelay = Duration.ZERO;
    private final java.util.concurrent.atomic.AtomicInteger creationsRunning =
            new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger mostCreationsAtOnce =
            new java.util.concurrent.atomic.AtomicInteger();

    BulkHoldingProxy(String elasticsearchUrl) throws IOException {
        this.target = elasticsearchUrl.replaceAll("/+$", "");
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(handlers);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** From now on every bulk request waits this long before it is sent. */
    void delayBulks(Duration delay) {
        bulkDelay = delay;
    }

    /** From now on every index creation ({@code PUT /<index>}) waits this long before it is sent. */
    void delayIndexCreations(Duration delay) {
        creationDelay = delay;
    }

    /** The most index creations that were in the proxy at the same time so far. */
    int mostIndexCreationsAtOnce() {
        return mostCreationsAtOnce.get();
    }

    /** The bulk requests that reached the proxy so far. */
    long bulkRequests() {
        return bulks.get();
    }

    /** From now on bulk requests wait, unsent, until {@link #sendHeldBulksThenHoldAnswers}. */
    void holdBulksUnsent() {
        holdUnsent = true;
    }

    /** Waits until a bulk request waits unsent. */
    void awaitBulkHeldUnsent(Duration timeout) throws InterruptedException {
        if (!unsentHeld.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("no bulk request reached the proxy within " + timeout);
        }
    }

    /** Sends and answers the waiting bulk requests; every later one is sent, and its answer held back. */
    void sendHeldBulksThenHoldAnswers() {
        holdAnswers = true;
        holdUnsent = false;
        release.countDown();
    }

    /** Waits until Elasticsearch answered a bulk request whose answer is being held back. */
    void awaitBulkAppliedAndHeld(Duration timeout) throws InterruptedException {
        if (!appliedAndHeld.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("no bulk request was applied and held within " + timeout);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            boolean bulk = path.endsWith("/_bulk");
            if ("PUT".equals(exchange.getRequestMethod()) && path.matches("/[^/_][^/]*")) {
                mostCreationsAtOnce.accumulateAndGet(creationsRunning.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(creationDelay.toMillis());
                    relay(exchange, forward(exchange));
                } finally {
                    creationsRunning.decrementAndGet();
                }
                return;
            }
            if (bulk) {
                bulks.incrementAndGet();
                Thread.sleep(bulkDelay.toMillis());
            }
            boolean waited = bulk && holdUnsent;
            if (waited) {
                unsentHeld.countDown();
                release.await();
            }
            HttpResponse<byte[]> answer = forward(exchange);
            if (bulk && !waited && holdAnswers) {
                appliedAndHeld.countDown();
                closed.await();
                return;
            }
            relay(exchange, answer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            respond(exchange, 502, ("proxy failed: " + e).getBytes(StandardCharsets.UTF_8));
        } finally {
            exchange.close();
        }
    }

    private static void relay(HttpExchange exchange, HttpResponse<byte[]> answer) throws IOException {
        answer.headers().map().forEach((name, values) -> {
            if (!SERVER_HEADERS.contains(name.toLowerCase()) && !name.startsWith(":")) {
                exchange.getResponseHeaders().put(name, values);
            }
        });
        respond(exchange, answer.statusCode(), answer.body());
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private HttpResponse<byte[]> forward(HttpExchange exchange) throws IOException, InterruptedException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!CLIENT_HEADERS.contains(name.toLowerCase())) {
                values.forEach(value -> request.header(name, value));
            }
        });
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Override
    public void close() {
        closed.countDown();
        release.countDown();
        server.stop(0);
        handlers.shutdownNow();
    }
}
