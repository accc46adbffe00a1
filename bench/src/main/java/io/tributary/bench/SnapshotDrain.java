package io.tributary.bench;

import io.tributary.model.TableId;
import io.tributary.producer.snapshot.TableSnapshotLedger;
import io.tributary.shaping.source.PostgresEndpoint;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One snapshot by etl-producer. Initial: the child JVM starts on a database whose slot does not exist yet, so it
 * creates the slot and publishes every row of the tables before it streams. Incremental: it starts with
 * {@code snapshot.mode = never}, and once it answers, every table is requested as {@code scripts/snapshot.sh request}
 * does ({@link TableSnapshotLedger}); it reads them one after the other while it streams. Timed from the JVM's launch until
 * {@code tributary_producer_snapshot_running} is back at 0 after having been 1 and the rows gauge equals the
 * tables' rows (the producer sets it to 0 only after Kafka acknowledged every row). Its {@code /metrics} are
 * scraped every {@value #SAMPLE_MILLIS} ms, recording the heap used each time; then it is stopped with SIGTERM.
 */
final class SnapshotDrain {

    private static final long SAMPLE_MILLIS = 1000;

    private SnapshotDrain() {
    }

    /** What the producer reads and where it writes. */
    record Target(String jdbcUrl, String user, String password, String slot, List<String> tables,
                  String bootstrapServers, String topic, int partitions, int chunkSize, int parallelism,
                  boolean incremental) {
    }

    /** The servers whose CPU time is measured besides the producer's. */
    record Servers(long postmasterPid, long kafkaPid) {
    }

    /**
     * @param took          launch until the snapshot was complete in Kafka
     * @param firstRow      launch until the first sample showing a snapshot row (JVM start, setup, slot creation)
     * @param rows          the rows gauge at the end
     * @param heapMaxUsed   the most heap used in any sample
     * @param gc            the pauses up to the end of the snapshot
     * @param producerCpu   CPU seconds of the producer (client) and of the whole machine
     * @param postgresCpu   CPU seconds of the postmaster and its processes (backends reading, WAL, checkpoints)
     * @param kafkaCpu      CPU seconds of the broker
     * @param exitStatus    the child's exit status after SIGTERM
     */
    record Figures(Duration took, Duration firstRow, long rows, long heapMaxUsed, GcFigures gc,
                   CpuMeter.CpuSeconds producerCpu, double postgresCpu, double kafkaCpu, int exitStatus) {

        /** Rows per second from the first snapshot row seen to the end; NaN when both fell in the same sample. */
        double rowsPerSecondSnapshotting() {
            return took.equals(firstRow) ? Double.NaN : rows / (took.minus(firstRow).toNanos() / 1e9);
        }

        double rowsPerSecondFromLaunch() {
            return rows / (took.toNanos() / 1e9);
        }
    }

    /**
     * The G1 pauses during the snapshot: the heap they left is what the producer retained (a young pause also leaves
     * old garbage not collected yet; a full pause, when the heap ran out, leaves only the live set).
     *
     * @param fullPauses        how many of the pauses were full collections
     * @param maxAfterFullBytes the most a full collection left (0 without any): the largest live set measured
     */
    record GcFigures(int pauses, double pauseSeconds, long maxAfterBytes, long medianAfterBytes, int fullPauses,
                     long maxAfterFullBytes) {

        static GcFigures of(List<GcPause> pauses) {
            long[] after = pauses.stream().mapToLong(GcPause::afterBytes).sorted().toArray();
            List<GcPause> full = pauses.stream().filter(GcPause::full).toList();
            return new GcFigures(pauses.size(), pauses.stream().mapToDouble(GcPause::millis).sum() / 1000,
                    after.length == 0 ? 0 : after[after.length - 1], after.length == 0 ? 0 : median(after),
                    full.size(), full.stream().mapToLong(GcPause::afterBytes).max().orElse(0));
        }

        private static long median(long[] sorted) {
            int middle = sorted.length / 2;
            return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        }
    }

    static Figures take(ServiceChild.Launch launch, Target target, long expectedRows, Servers servers,
                        Duration timeout) throws IOException, InterruptedException {
        int port = ProducerDrain.freePort();
        CpuMeter producerCpu = new CpuMeter();
        ServerCpuMeter postgresCpu = new ServerCpuMeter(servers.postmasterPid());
        ServerCpuMeter kafkaCpu = new ServerCpuMeter(servers.kafkaPid());
        List<MetricsSample> samples = new ArrayList<>();
        try (ServiceChild producer = ServiceChild.start(launch, configuration(target, port), port)) {
            long started = producer.launchedAtNanos();
            long deadline = started + timeout.toNanos();
            boolean seenRunning = false;
            boolean requested = !target.incremental();
            MetricsSample last = null;
            // running = 0 with every row counted can only follow running = 1: the rows gauge starts at 0 when the
            // snapshot begins (and running turns 1), and running turns 0 after Kafka acknowledged the last row. So a
            // snapshot shorter than one sampling interval, never seen running, still ends the loop.
            while (last == null || last.snapshotRunning() != 0 || last.snapshotRows() != expectedRows) {
                producer.requireRunningAfter(SAMPLE_MILLIS, "its snapshot of " + expectedRows + " rows was complete");
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the snapshot of " + expectedRows + " rows was not complete within "
                            + timeout.toMinutes() + " min (last sample: " + last + ")" + producer.logTail());
                }
                producerCpu.sample(0, producer.pid());
                postgresCpu.sample();
                kafkaCpu.sample();
                MetricsSample sample = producer.scrape();
                if (sample != null && !requested) {
                    request(target);
                    requested = true;
                }
                if (sample != null) {
                    samples.add(sample);
                    last = sample;
                    seenRunning |= sample.snapshotRunning() == 1;
                    // An incremental snapshot reads tables one after the other: running is 0 between two.
                    if (seenRunning && sample.snapshotRunning() == 0 && sample.snapshotRows() != expectedRows
                            && !target.incremental()) {
                        throw new IllegalStateException("the snapshot ended with " + sample.snapshotRows()
                                + " rows, the tables hold " + expectedRows + producer.logTail());
                    }
                }
            }
            Duration took = Duration.ofNanos(last.atNanos() - started);
            CpuMeter.CpuSeconds cpu = producerCpu.finish();
            int exitStatus = producer.stop(ProducerDrain.STOP_TIMEOUT);
            long firstRowAt = samples.stream().filter(s -> s.snapshotRows() > 0)
                    .mapToLong(MetricsSample::atNanos).findFirst().orElse(last.atNanos());
            double endUptime = took.toNanos() / 1e9;
            List<GcPause> pauses = GcPause.read(producer.gcLog()).stream()
                    .filter(pause -> pause.uptimeSeconds() <= endUptime).toList();
            return new Figures(took, Duration.ofNanos(firstRowAt - started), last.snapshotRows(),
                    samples.stream().mapToLong(MetricsSample::heapUsedBytes).max().orElse(0), GcFigures.of(pauses),
                    cpu, postgresCpu.seconds(), kafkaCpu.seconds(), exitStatus);
        }
    }

    /** Asks the running producer for an incremental snapshot of every table. */
    private static void request(Target target) {
        try {
            new TableSnapshotLedger(new PostgresEndpoint(target.jdbcUrl(), target.user(), target.password()))
                    .request(target.slot(), target.tables().stream().map(TableId::parse).toList(), "benchmark");
        } catch (SQLException e) {
            throw new IllegalStateException("requesting the incremental snapshot failed: " + e.getMessage(), e);
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
                "    publication = " + target.slot(),
                "    tables = [" + target.tables().stream().collect(Collectors.joining(", ")) + "]",
                "    snapshot {",
                "      mode = " + (target.incremental() ? "never" : "initial"),
                "      chunk-size = " + target.chunkSize(),
                "      parallelism = " + target.parallelism(),
                "    }",
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
}
