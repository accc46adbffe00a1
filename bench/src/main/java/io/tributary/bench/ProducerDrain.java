package io.tributary.bench;

import io.tributary.model.Lsn;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The producer's drain: etl-producer.jar runs as a child JVM (its own heap limit, its own GC log) on a slot created
 * before the workload, and is timed from launch until its flushed position passes the workload's end, i.e. until
 * Kafka has acknowledged every change. Its {@code /metrics} are scraped every {@value #SAMPLE_MILLIS} ms for the
 * positions, the event count and the heap. Then it is stopped with SIGTERM, as in production.
 */
final class ProducerDrain {

    private static final long SAMPLE_MILLIS = 200;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    /** One G1 pause in {@code -Xlog:gc:…:uptime}: {@code [12.345s] GC(7) Pause Young (Normal) (…) 120M->9M(256M) 3.210ms}. */
    static final Pattern GC_PAUSE =
            Pattern.compile("^\\[(\\d+\\.\\d+)s\\] GC\\(\\d+\\) Pause .* (\\d+)M->(\\d+)M\\(\\d+M\\) (\\d+\\.\\d+)ms$");

    private ProducerDrain() {
    }

    /** Where the child's files go and what it is given. */
    record Launch(Path jar, String heap, BenchOptions.Profiling profiling, Path directory) {
    }

    /** What the slot and topic are, and where the drain ends. */
    record Target(String jdbcUrl, String user, String password, String slot, String bootstrapServers, String topic,
                  int partitions, Lsn bulkStart, Lsn end) {
    }

    /**
     * @param took           launch until the flushed position passed the end
     * @param startup        launch until the first event was counted (JVM start, setup, connecting)
     * @param events         events the producer counted
     * @param heap           heap figures before and during the bulk transaction
     * @param cpu            CPU seconds during the drain
     * @param exitStatus     the child's exit status after SIGTERM
     */
    record Figures(Duration took, Duration startup, long events, HeapFigures heap, CpuMeter.CpuSeconds cpu,
                   int exitStatus) {
    }

    /**
     * Heap of the child. "Small" is while it streamed the small transactions, "bulk" from the first message of the
     * bulk transaction on; "after GC" is the heap each G1 pause left, the memory the producer actually retains.
     */
    record HeapFigures(long maxUsedSmall, long maxUsedBulk, long maxAfterGcSmall, long maxAfterGcBulk,
                       int gcPauses, double gcPauseSeconds) {
    }

    static Figures drain(Launch launch, Target target, Workload workload, Duration timeout)
            throws IOException, SQLException, InterruptedException {
        int port = freePort();
        Path config = launch.directory().resolve("producer.conf");
        Files.writeString(config, configuration(target, port));
        Path log = launch.directory().resolve("producer.log");
        Path gcLog = launch.directory().resolve("producer-gc.log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + launch.heap(), "-Xlog:gc:file=" + gcLog + ":uptime"));
        if (launch.profiling() == BenchOptions.Profiling.JFR) {
            command.add("-XX:StartFlightRecording=filename=" + launch.directory().resolve("producer.jfr")
                    + ",settings=profile,dumponexit=true");
        }
        command.addAll(List.of("-jar", launch.jar().toString(), "--config", config.toString()));
        Files.writeString(log, String.join(" ", command) + "\n");

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build();
        CpuMeter cpu = new CpuMeter();
        List<MetricsSample> samples = new ArrayList<>();
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // The environment overrides the file: a TRIBUTARY_* variable of the caller's shell must not reach the child.
        builder.environment().keySet().removeIf(name -> name.startsWith("TRIBUTARY_"));
        Process process = builder.start();
        try (Connection connection = workload.connect()) {
            long walsender = 0;
            MetricsSample last = null;
            while (last == null || Long.compareUnsigned(last.flushedLsn(), target.end().value()) < 0) {
                if (process.waitFor(SAMPLE_MILLIS, TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("the producer exited with status " + process.exitValue()
                            + " before flushing " + target.end() + RecvlogicalDrain.tail(log));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the producer did not flush " + target.end() + " within "
                            + timeout.toMinutes() + " min (last sample: " + last + ")" + RecvlogicalDrain.tail(log));
                }
                if (walsender == 0) {
                    walsender = workload.activePid(connection, target.slot());
                }
                cpu.sample(walsender, process.pid());
                MetricsSample sample = MetricsSample.scrape(http, scrape);
                if (sample != null) {
                    samples.add(sample);
                    last = sample;
                }
            }
            Duration took = Duration.ofNanos(last.atNanos() - started);
            CpuMeter.CpuSeconds cpuSeconds = cpu.finish();
            process.destroy(); // SIGTERM: the graceful stop
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("the producer did not stop within " + STOP_TIMEOUT.toSeconds()
                        + " s of SIGTERM" + RecvlogicalDrain.tail(log));
            }
            long bulkSeenAt = samples.stream()
                    .filter(s -> Long.compareUnsigned(s.receivedLsn(), target.bulkStart().value()) >= 0)
                    .mapToLong(MetricsSample::atNanos).findFirst().orElse(last.atNanos());
            long firstEventAt = samples.stream().filter(s -> s.events() > 0)
                    .mapToLong(MetricsSample::atNanos).findFirst().orElse(last.atNanos());
            return new Figures(took, Duration.ofNanos(firstEventAt - started), last.events(),
                    heap(samples, bulkSeenAt, gcLog, (bulkSeenAt - started) / 1e9), cpuSeconds, process.exitValue());
        } finally {
            process.destroyForcibly();
        }
    }

    private static String configuration(Target target, int port) {
        return String.join("\n",
                "tributary {",
                "  postgres {",
                "    url = \"" + target.jdbcUrl() + "\"",
                "    user = \"" + target.user() + "\"",
                "    password = \"" + target.password() + "\"",
                "    slot = " + target.slot(),
                "    publication = " + Workload.PUBLICATION,
                "    tables = [" + String.join(", ", Workload.TABLES) + "]",
                "  }",
                "  kafka {",
                "    bootstrap-servers = \"" + target.bootstrapServers() + "\"",
                "    topic = \"" + target.topic() + "\"",
                "    partitions = " + target.partitions(),
                "    replication-factor = 1",
                "  }",
                "  http.port = " + port,
                "}",
                "");
    }

    private static HeapFigures heap(List<MetricsSample> samples, long bulkSeenAt, Path gcLog, double bulkUptime)
            throws IOException {
        long usedSmall = samples.stream().filter(s -> s.atNanos() < bulkSeenAt)
                .mapToLong(MetricsSample::heapUsedBytes).max().orElse(0);
        long usedBulk = samples.stream().filter(s -> s.atNanos() >= bulkSeenAt)
                .mapToLong(MetricsSample::heapUsedBytes).max().orElse(0);
        long afterGcSmall = 0;
        long afterGcBulk = 0;
        int pauses = 0;
        double pauseMillis = 0;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher pause = GC_PAUSE.matcher(line);
            if (pause.matches()) {
                long after = Long.parseLong(pause.group(3)) << 20;
                if (Double.parseDouble(pause.group(1)) < bulkUptime) {
                    afterGcSmall = Math.max(afterGcSmall, after);
                } else {
                    afterGcBulk = Math.max(afterGcBulk, after);
                }
                pauses++;
                pauseMillis += Double.parseDouble(pause.group(4));
            }
        }
        return new HeapFigures(usedSmall, usedBulk, afterGcSmall, afterGcBulk, pauses, pauseMillis / 1000);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
