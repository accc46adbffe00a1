package io.tributary.bench.chaos;

import io.tributary.bench.MetricsSample;
import io.tributary.bench.ServiceChild;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * One of the chaos run's four services (a producer or a subscriber) across its incarnations: each start is a new
 * child JVM (files {@code <name>-<n>.*} in the run's directory, a new HTTP port). Its counters are scraped
 * periodically and once more just before a kill, and the last scrape of every ended incarnation is added up, so a
 * total survives the restarts (what an incarnation counted after its last scrape is lost: at most one sampling
 * interval of it). A child that exited without being killed or stopped by the harness is a {@link Finding}.
 *
 * <p>Thread-safe: the sampler thread and the fault driver share it; every method is synchronized.
 */
final class PipelineService {

    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(30);

    /** What the service is; which log line says it started and which metrics are added up. */
    enum Kind {
        PRODUCER(List.of("standby: another producer holds slot", "streaming slot "),
                List.of("tributary_producer_events_total", "tributary_producer_reconnects_total")),
        SUBSCRIBER(List.of("consuming "),
                List.of("tributary_subscriber_documents_total", "tributary_subscriber_version_conflicts_total",
                        "tributary_subscriber_retries_total", "tributary_subscriber_dead_letters_total",
                        "tributary_subscriber_unchanged_missing_total",
                        "tributary_subscriber_truncated_documents_total"));

        private final List<String> startedMarkers;
        final List<String> counters;

        Kind(List<String> startedMarkers, List<String> counters) {
            this.startedMarkers = startedMarkers;
            this.counters = counters;
        }
    }

    /** A service that exited on its own: which incarnation, its exit status and the end of its log. */
    record Finding(String service, int exitStatus, String logTail) {
    }

    private final String name;
    private final Kind kind;
    private final Path jar;
    private final String heap;
    private final Path directory;
    private final IntFunction<String> configuration;
    private final Map<String, Double> ended = new HashMap<>();
    private Map<String, Double> current = new HashMap<>();
    private ServiceChild child;
    private int incarnation;
    private double worstEndToEndLag;
    private double consumerLag;
    private double streaming;

    /** @param configuration the HOCON configuration for a given HTTP port */
    PipelineService(String name, Kind kind, Path jar, String heap, Path directory, IntFunction<String> configuration) {
        this.name = name;
        this.kind = kind;
        this.jar = jar;
        this.heap = heap;
        this.directory = directory;
        this.configuration = configuration;
    }

    String name() {
        return name;
    }

    /** The name of the current (or last) incarnation, e.g. {@code producer-a-3}. */
    synchronized String incarnationName() {
        return name + "-" + incarnation;
    }

    /** The configuration file of the current incarnation. */
    synchronized Path configFile() {
        return directory.resolve(incarnationName() + ".conf");
    }

    /** Starts a new incarnation; the previous one must have ended. */
    synchronized void start() throws IOException {
        if (child != null && child.isAlive()) {
            throw new IllegalStateException(incarnationName() + " still runs");
        }
        incarnation++;
        int port = freePort();
        child = ServiceChild.start(ServiceChild.Launch.unprofiled(jar, heap, directory, incarnationName()),
                configuration.apply(port), port);
        current = new HashMap<>();
        streaming = 0;
        consumerLag = 0;
    }

    /**
     * Waits until the current incarnation's log says it started (a producer: streaming or standing by; a
     * subscriber: consuming).
     *
     * @throws IllegalStateException when it exited first or took longer than {@code timeout}
     */
    void awaitStarted(Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            ServiceChild running;
            synchronized (this) {
                running = child;
            }
            String log = Files.readString(running.log());
            if (kind.startedMarkers.stream().anyMatch(log::contains)) {
                return;
            }
            if (!running.isAlive()) {
                throw new IllegalStateException(incarnationName() + " exited with status " + running.exitValue()
                        + " while starting" + running.logTail());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(incarnationName() + " did not start within " + timeout.toSeconds()
                        + " s" + running.logTail());
            }
            Thread.sleep(200);
        }
    }

    /** Scrapes the current incarnation (nothing when it is not up): its counters, lags and streaming gauge. */
    synchronized void sample() throws InterruptedException {
        if (child == null || !child.isAlive()) {
            return;
        }
        String text = child.metricsText();
        if (text.isEmpty()) {
            return;
        }
        for (String counter : kind.counters) {
            current.put(counter, MetricsSample.sum(text, counter, ""));
        }
        if (kind == Kind.PRODUCER) {
            streaming = MetricsSample.sum(text, "tributary_producer_streaming", "");
        } else {
            worstEndToEndLag = Math.max(worstEndToEndLag,
                    MetricsSample.sum(text, "tributary_subscriber_end_to_end_lag_milliseconds", ""));
            consumerLag = MetricsSample.sum(text, "tributary_subscriber_consumer_lag_records", "");
        }
    }

    /** True when the last scrape of a running producer showed it streaming the slot. */
    synchronized boolean isStreaming() {
        return child != null && child.isAlive() && streaming > 0;
    }

    /** The consumer lag (records, over the partitions it owns) of the last scrape; 0 when it is not running. */
    synchronized double consumerLag() {
        return child != null && child.isAlive() ? consumerLag : 0;
    }

    /** The largest end-to-end lag any scrape of any incarnation showed, in milliseconds. */
    synchronized double worstEndToEndLag() {
        return worstEndToEndLag;
    }

    /** Scrapes once more, then kill -9; returns the exit status. */
    synchronized int kill() throws InterruptedException {
        sample();
        int status = child.kill(KILL_TIMEOUT);
        endIncarnation();
        return status;
    }

    /** The graceful stop at the end of the run (SIGTERM); returns the exit status. */
    synchronized int stop(Duration timeout) throws InterruptedException {
        if (child == null || !child.isAlive()) {
            return child == null ? 0 : child.exitValue();
        }
        sample();
        int status = child.stop(timeout);
        endIncarnation();
        return status;
    }

    /** When the current incarnation exited although nobody ended it: what it left; empty while it runs. */
    synchronized Optional<Finding> exitedOnItsOwn() {
        if (child == null || child.isAlive() || current == null) {
            return Optional.empty();
        }
        Finding finding = new Finding(incarnationName(), child.exitValue(), child.logTail());
        endIncarnation();
        return Optional.of(finding);
    }

    /** The sum of {@code counter} over every incarnation (the running one at its last scrape). */
    synchronized double total(String counter) {
        return ended.getOrDefault(counter, 0.0) + (current == null ? 0 : current.getOrDefault(counter, 0.0));
    }

    synchronized int incarnations() {
        return incarnation;
    }

    /** Kills the current incarnation if it still runs (when the harness itself fails). */
    synchronized void closeQuietly() {
        if (child != null) {
            child.close();
        }
    }

    private void endIncarnation() {
        current.forEach((counter, value) -> ended.merge(counter, value, Double::sum));
        current = null; // ended: nothing more to add, and not a finding any more
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
