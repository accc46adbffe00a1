package io.tributary.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * etl-producer.jar running as a child JVM of a benchmark: its own heap limit ({@code -Xmx}), a G1 log
 * ({@code producer-gc.log}), optionally a JFR recording ({@code producer.jfr}), its output in {@code producer.log}
 * and its configuration in {@code producer.conf}, all in the run's directory. {@link #close} kills it if it still
 * runs; {@link #stop} is the graceful SIGTERM stop, as in production. Not thread-safe.
 */
final class ProducerChild implements AutoCloseable {

    /** Where the child's files go and what it is given. */
    record Launch(Path jar, String heap, BenchOptions.Profiling profiling, Path directory) {
    }

    private final Process process;
    private final Path log;
    private final Path gcLog;
    private final long launchedAtNanos;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final HttpRequest scrape;

    private ProducerChild(Process process, Path log, Path gcLog, long launchedAtNanos, int port) {
        this.process = process;
        this.log = log;
        this.gcLog = gcLog;
        this.launchedAtNanos = launchedAtNanos;
        this.scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build();
    }

    /**
     * Writes {@code configuration} (HOCON, which must set {@code tributary.http.port = port}) and starts the child.
     */
    static ProducerChild start(Launch launch, String configuration, int port) throws IOException {
        Path config = launch.directory().resolve("producer.conf");
        Files.writeString(config, configuration);
        Path log = launch.directory().resolve("producer.log");
        Path gcLog = launch.directory().resolve("producer-gc.log");
        long launchedAt = System.nanoTime();
        Process process = ChildJvm.start(launch.jar(), launch.heap(), config, log, gcLog,
                launch.profiling() == BenchOptions.Profiling.JFR ? launch.directory().resolve("producer.jfr") : null);
        return new ProducerChild(process, log, gcLog, launchedAt, port);
    }

    /** {@link System#nanoTime()} just before the JVM was launched. */
    long launchedAtNanos() {
        return launchedAtNanos;
    }

    long pid() {
        return process.pid();
    }

    Path gcLog() {
        return gcLog;
    }

    /**
     * Waits up to {@code millis} for the child to exit.
     *
     * @throws IllegalStateException when it exited (it must run until stopped), with the tail of its log
     */
    void requireRunningAfter(long millis, String doing) throws InterruptedException {
        if (process.waitFor(millis, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the producer exited with status " + process.exitValue() + " before "
                    + doing + logTail());
        }
    }

    /** One scrape of the child's /metrics, or null while the endpoint is not up yet. */
    MetricsSample scrape() throws InterruptedException {
        return MetricsSample.scrape(http, scrape);
    }

    /** "; last lines of …": the end of the child's output, for error messages. */
    String logTail() {
        return RecvlogicalDrain.tail(log);
    }

    /** SIGTERM, then waits up to {@code timeout} for the exit; returns the exit status. */
    int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException("the producer did not stop within " + timeout.toSeconds()
                    + " s of SIGTERM" + logTail());
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
