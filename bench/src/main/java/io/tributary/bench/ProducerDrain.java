package io.tributary.bench;

import io.tributary.model.Lsn;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The producer's drain: etl-producer.jar runs as a child JVM (its own heap limit, its own GC log) on a slot created
 * before the workload, and is timed from launch until its flushed position passes the workload's end, i.e. until
 * Kafka has acknowledged every change. Its {@code /metrics} are scraped every {@value #SAMPLE_MILLIS} ms for the
 * positions, the event count and the heap. Then it is stopped with SIGTERM, as in production.
 */
final class ProducerDrain {

    private static final long SAMPLE_MILLIS = 200;
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private ProducerDrain() {
    }

    /** What the slot and topic are, and where the drain ends. */
    record Target(String jdbcUrl, String user, String password, String slot, String bootstrapServers, String topic,
                  int partitions, Lsn end) {
    }

    /**
     * @param took           launch until the flushed position passed the end
     * @param startup        launch until the first event was counted (JVM start, setup, connecting)
     * @param events         events the producer counted
     * @param heap           heap figures of the drain
     * @param cpu            CPU seconds during the drain
     * @param startupCpu     the producer's CPU seconds from launch until the first event was counted
     * @param exitStatus     the child's exit status after SIGTERM
     */
    record Figures(Duration took, Duration startup, long events, HeapFigures heap, CpuMeter.CpuSeconds cpu,
                   double startupCpu, Map<String, Double> streamingThreads, int exitStatus) {

        /** CPU seconds of the JIT compiler threads after the first event: warm-up a long-running producer pays once. */
        double streamingCompilerSeconds() {
            return SubscriberDrain.Streaming.compilerSeconds(streamingThreads);
        }
    }

    /**
     * Heap of the child: the most any sample saw used, and the most a G1 pause left ("after GC": the memory the
     * producer actually retains).
     */
    record HeapFigures(long maxUsed, long maxAfterGc, int gcPauses, double gcPauseSeconds) {
    }

    static Figures drain(ServiceChild.Launch launch, Target target, Workload workload, Duration timeout)
            throws IOException, SQLException, InterruptedException {
        int port = freePort();
        CpuMeter cpu = new CpuMeter();
        List<MetricsSample> samples = new ArrayList<>();
        try (ServiceChild producer = ServiceChild.start(launch, configuration(target, port), port);
             Connection connection = workload.connect()) {
            long started = producer.launchedAtNanos();
            long deadline = started + timeout.toNanos();
            long walsender = 0;
            MetricsSample last = null;
            long startupTicks = -1;
            Map<Long, CpuMeter.ThreadTicks> threadsAtFirstEvent = Map.of();
            while (last == null || Long.compareUnsigned(last.flushedLsn(), target.end().value()) < 0) {
                producer.requireRunningAfter(SAMPLE_MILLIS, "flushing " + target.end());
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the producer did not flush " + target.end() + " within "
                            + timeout.toMinutes() + " min (last sample: " + last + ")" + producer.logTail());
                }
                if (walsender == 0) {
                    walsender = workload.activePid(connection, target.slot());
                }
                cpu.sample(walsender, producer.pid());
                MetricsSample sample = producer.scrape();
                if (sample != null && sample.events() > 0 && startupTicks < 0) {
                    startupTicks = CpuMeter.processTicks(producer.pid());
                    threadsAtFirstEvent = CpuMeter.threadTicks(producer.pid());
                }
                if (sample != null) {
                    samples.add(sample);
                    last = sample;
                }
            }
            Duration took = Duration.ofNanos(last.atNanos() - started);
            CpuMeter.CpuSeconds cpuSeconds = cpu.finish();
            Map<String, Double> streamingThreads = CpuMeter.secondsByThreadGroup(threadsAtFirstEvent,
                    CpuMeter.threadTicks(producer.pid()));
            int exitStatus = producer.stop(STOP_TIMEOUT);
            long firstEventAt = samples.stream().filter(s -> s.events() > 0)
                    .mapToLong(MetricsSample::atNanos).findFirst().orElse(last.atNanos());
            return new Figures(took, Duration.ofNanos(firstEventAt - started), last.events(),
                    heap(samples, producer.gcLog()), cpuSeconds, Math.max(0, startupTicks) / CpuMeter.TICKS_PER_SECOND,
                    streamingThreads, exitStatus);
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

    private static HeapFigures heap(List<MetricsSample> samples, Path gcLog) throws IOException {
        long used = samples.stream().mapToLong(MetricsSample::heapUsedBytes).max().orElse(0);
        long afterGc = 0;
        double pauseMillis = 0;
        List<GcPause> pauses = GcPause.read(gcLog);
        for (GcPause pause : pauses) {
            afterGc = Math.max(afterGc, pause.afterBytes());
            pauseMillis += pause.millis();
        }
        return new HeapFigures(used, afterGc, pauses.size(), pauseMillis / 1000);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
