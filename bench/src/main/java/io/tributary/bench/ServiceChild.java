package io.tributary.bench;

import io.tributary.localstack.LocalStackException;
import io.tributary.localstack.Poll;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A service jar (etl-producer.jar, es-subscriber.jar) running as a child JVM of a benchmark: its own heap limit
 * ({@code -Xmx}), a G1 log ({@code <name>-gc.log}), optionally a JFR recording ({@code <name>.jfr}), its output in
 * {@code <name>.log} and its configuration in {@code <name>.conf}, all in the run's directory, where the name is the
 * launch's ({@code producer} unless told otherwise). {@link #close} kills it if it still runs; {@link #stop} is the
 * graceful SIGTERM stop, as in production, and {@link #kill} the SIGKILL of a crash. Not thread-safe.
 */
public final class ServiceChild implements AutoCloseable {

    /** Where the child's files go and what it is given; {@code name} names the files and the service in messages. */
    public record Launch(Path jar, String heap, BenchOptions.Profiling profiling, Path directory, String name) {

        /** The producer's launch: files {@code producer.*}. */
        Launch(Path jar, String heap, BenchOptions.Profiling profiling, Path directory) {
            this(jar, heap, profiling, directory, "producer");
        }

        /** A launch without profiling, for harnesses of other packages. */
        public static Launch unprofiled(Path jar, String heap, Path directory, String name) {
            return new Launch(jar, heap, BenchOptions.Profiling.NONE, directory, name);
        }

        Path file(String suffix) {
            return directory.resolve(name + suffix);
        }
    }

    private final String name;
    private final Process process;
    private final Path log;
    private final Path gcLog;
    private final long launchedAtNanos;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final HttpRequest scrape;

    private ServiceChild(String name, Process process, Path log, Path gcLog, long launchedAtNanos, int port) {
        this.name = name;
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
    public static ServiceChild start(Launch launch, String configuration, int port) throws IOException {
        Path config = launch.file(".conf");
        Files.writeString(config, configuration);
        Path log = launch.file(".log");
        Path gcLog = launch.file("-gc.log");
        long launchedAt = System.nanoTime();
        Process process = ChildJvm.start(launch.jar(), launch.heap(), config, log, gcLog,
                launch.profiling() == BenchOptions.Profiling.JFR ? launch.file(".jfr") : null);
        return new ServiceChild(launch.name(), process, log, gcLog, launchedAt, port);
    }

    /** {@link System#nanoTime()} just before the JVM was launched. */
    long launchedAtNanos() {
        return launchedAtNanos;
    }

    public long pid() {
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
            throw new IllegalStateException("the " + name + " exited with status " + process.exitValue() + " before "
                    + doing + logTail());
        }
    }

    /**
     * Waits until this producer child streams {@code slot} (the slot is active in {@code connection}'s server),
     * looking every 200 ms. Throws when the child exits first; kills it and throws when {@code timeout} passes.
     */
    void awaitStreaming(Connection connection, String slot, Duration timeout) throws SQLException,
            InterruptedException {
        try (PreparedStatement active = connection.prepareStatement(
                "SELECT count(*) FROM pg_replication_slots WHERE slot_name = ? AND active")) {
            active.setString(1, slot);
            Poll.until("the " + name + " to stream slot " + slot, timeout, Duration.ofMillis(200),
                    () -> !isAlive() || isActive(active));
        } catch (LocalStackException e) {
            close();
            throw new IllegalStateException("the " + name + " did not stream slot " + slot + " within "
                    + timeout.toSeconds() + " s" + logTail(), e);
        }
        requireRunningAfter(0, "streaming slot " + slot);
    }

    private static boolean isActive(PreparedStatement slotCount) throws SQLException {
        try (ResultSet result = slotCount.executeQuery()) {
            return result.next() && result.getLong(1) > 0;
        }
    }

    /** One scrape of the child's /metrics, or null while the endpoint is not up yet. */
    MetricsSample scrape() throws InterruptedException {
        return MetricsSample.scrape(http, scrape);
    }

    /** The whole text of one scrape of the child's /metrics; empty while the endpoint is not up. */
    public String metricsText() throws InterruptedException {
        try {
            HttpResponse<String> response = http.send(scrape, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** "; last lines of …": the end of the child's output, for error messages. */
    public String logTail() {
        return RecvlogicalDrain.tail(log);
    }

    /** SIGTERM, then waits up to {@code timeout} for the exit; returns the exit status. */
    public int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException("the " + name + " did not stop within " + timeout.toSeconds()
                    + " s of SIGTERM" + logTail());
        }
        return process.exitValue();
    }

    /** True until the child exits, whoever ended it. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The child's exit status; it must have exited. */
    public int exitValue() {
        return process.exitValue();
    }

    /** The child's output (standard output and error). */
    public Path log() {
        return log;
    }

    /**
     * SIGKILL (kill -9: no shutdown hook runs, as in a crash or an OOM kill), then waits up to {@code timeout} for
     * the exit; returns the exit status (137 when the signal ended it, as a shell reports it).
     */
    public int kill(Duration timeout) throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the " + name + " (pid " + process.pid() + ") did not exit within "
                    + timeout.toSeconds() + " s of SIGKILL");
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
