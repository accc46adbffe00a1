package io.tributary.bench;

import static io.tributary.bench.BenchText.describeMachine;
import static io.tributary.bench.BenchText.line;
import static io.tributary.bench.BenchText.progress;
import static io.tributary.bench.BenchText.seconds;
import static io.tributary.bench.BenchText.secondsOf;

import io.tributary.localstack.LocalStack;
import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.RunningPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The snapshot benchmark (issue #5): how fast etl-producer's initial snapshot puts a table's existing rows into
 * Kafka, against PostgreSQL's own read rate of the same rows ({@code COPY … TO STDOUT} into a null sink), and
 * whether the producer's heap stays flat as the table grows (a run with a fifth of the rows first, then the full
 * one). Each run gets its own database, slot and topic; the rows are written before the producer starts and are
 * not timed. After each snapshot the topic is read back: it must hold exactly the tables' rows, all {@code op = r}.
 * Unless told otherwise, Debezium's initial snapshot of the same tables follows, into a topic of its own
 * ({@link DebeziumSnapshotDrain}), so the report shows producer / Debezium from one run.
 *
 * <p>Exit status: 0 when the figures were measured, 1 when a run failed or the topic did not hold the rows, 2 for a
 * bad option. Run by {@code bench/run-snapshot-bench.sh}; never part of {@code mvn verify}.
 */
public final class SnapshotBench {

    /** The topic's partitions: the producer's default; with partition-by = table each table fills one of them. */
    private static final int PARTITIONS = 12;

    private SnapshotBench() {
    }

    public static void main(String[] args) {
        BenchLauncher.launch("snapshot bench", SnapshotBenchOptions.USAGE, args, SnapshotBenchOptions::parse,
                SnapshotBench::run);
    }

    /**
     * One measured size: the fill, the COPY baseline, the producer's snapshot and what the topic held.
     *
     * @param sweeps the sweep events the topic must hold besides the rows: one per table after an incremental
     *               snapshot, none after an initial one
     */
    private record Run(long rows, long sweeps, long heapBytes, Duration fill, CopyBaseline.Figures copy,
                       SnapshotDrain.Figures snapshot, SnapshotTopic.Contents topic, Optional<Peer> debezium) {

        boolean topicHoldsTheRows() {
            return topic.records() == rows + sweeps && topic.readEvents() == rows && topic.sweeps() == sweeps
                    && topic.otherRecords() == 0;
        }

        boolean debeziumTopicHoldsTheRows() {
            return debezium.map(peer -> peer.records() == rows).orElse(true);
        }
    }

    /** Debezium's snapshot of the same tables, and the records its topic holds afterwards. */
    private record Peer(SnapshotDrain.Figures snapshot, long records) {
    }

    private static void run(SnapshotBenchOptions options) throws Exception {
        Path directory = options.outputRoot()
                .resolve(LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString().replace(':', '-'));
        Files.createDirectories(directory);
        String machine = describeMachine();
        progress("run directory " + directory + "; " + machine);
        progress("starting PostgreSQL and Kafka (local-stack)");
        RunningPostgres postgres = LocalStack.postgres();
        RunningKafka kafka = LocalStack.kafka();
        List<Run> runs = new ArrayList<>();
        for (long rows : options.runs()) {
            runs.add(measure(options, directory.resolve("rows-" + rows), postgres, kafka, rows));
        }
        BenchText.publishReport(directory, report(options, machine, postgres, runs),
                options.profiling() == BenchOptions.Profiling.JFR
                        ? directory.resolve("rows-" + options.rows()).resolve("producer.jfr") : null);
        for (Run run : runs) {
            if (!run.debeziumTopicHoldsTheRows()) {
                throw new IllegalStateException(String.format("Debezium's topic of the %,d-row run holds %,d records",
                        run.rows(), run.debezium().orElseThrow().records()));
            }
            if (!run.topicHoldsTheRows()) {
                throw new IllegalStateException(String.format("the topic of the %,d-row run holds %,d records"
                        + " (%,d with op = r, %,d sweeps, %,d others), not %,d snapshot rows and %,d sweeps",
                        run.rows(), run.topic().records(), run.topic().readEvents(), run.topic().sweeps(),
                        run.topic().otherRecords(), run.rows(), run.sweeps()));
            }
        }
    }

    private static Run measure(SnapshotBenchOptions options, Path directory, RunningPostgres postgres,
                               RunningKafka kafka, long rows) throws Exception {
        Files.createDirectories(directory);
        String name = "snapbench_" + rows;
        String jdbcUrl = postgres.createDatabase(name);
        SnapshotTables tables = new SnapshotTables(jdbcUrl, postgres.user(), postgres.password(), options.tables(),
                rows, options.shape());
        progress(String.format("%,d rows: filling %d table(s) with generate_series, then VACUUM (FREEZE, ANALYZE)",
                rows, options.tables()));
        Duration fill = tables.createAndFill();
        long heapBytes = tables.heapBytes();
        long postmasterPid;
        try (Connection connection = tables.connect()) {
            postmasterPid = ServerProcesses.postmasterPid(connection);
        }
        progress(String.format("filled in %s (%,d MiB of table); COPY baseline with %d connection(s)",
                seconds(fill), heapBytes >> 20, Math.min(options.parallelism(), options.tables())));
        CopyBaseline.Figures copy = CopyBaseline.read(tables, options.parallelism(), postmasterPid);
        progress(String.format("COPY: %,d rows in %s, %,.0f rows/s", copy.rows(), seconds(copy.took()),
                copy.rowsPerSecond()));

        String topic = "snapbench." + rows;
        kafka.createTopic(topic, PARTITIONS);
        progress((options.incremental() ? "incremental" : "initial") + " snapshot by etl-producer (-Xmx"
                + options.producerHeap() + ", chunk-size "
                + options.chunkSize() + ", parallelism " + options.parallelism() + ") into " + topic);
        SnapshotDrain.Figures snapshot = SnapshotDrain.take(
                new ServiceChild.Launch(options.producerJar(), options.producerHeap(), options.profiling(), directory),
                new SnapshotDrain.Target(jdbcUrl, postgres.user(), postgres.password(), name, tables.names(),
                        kafka.bootstrapServers(), topic, PARTITIONS, options.chunkSize(), options.parallelism(),
                        options.incremental()),
                rows, new SnapshotDrain.Servers(postmasterPid, ServerProcesses.kafkaPid(kafka)), options.timeout());
        progress(String.format("snapshot: %s from launch, first row after %s, %,.0f rows/s from the first row",
                seconds(snapshot.took()), seconds(snapshot.firstRow()), snapshot.rowsPerSecondSnapshotting()));
        dropSlot(tables, name);
        progress("reading " + topic + " back (decoding every record)");
        SnapshotTopic.Contents contents = SnapshotTopic.read(kafka.bootstrapServers(), topic, PARTITIONS,
                options.timeout());
        progress(String.format("%s: %,d records, %,d with op = r, %,d MiB of keys and values", topic,
                contents.records(), contents.readEvents(), contents.payloadBytes() >> 20));
        Optional<Peer> debezium = Optional.empty();
        if (options.debeziumModule().isPresent()) {
            debezium = Optional.of(debezium(options, directory, postgres, kafka, tables, rows,
                    new SnapshotDrain.Servers(postmasterPid, ServerProcesses.kafkaPid(kafka))));
        }
        return new Run(rows, options.incremental() ? options.tables() : 0, heapBytes, fill, copy, snapshot,
                contents, debezium);
    }

    /** Debezium's initial snapshot of the same tables, with its own slot and topic, after the producer's. */
    private static Peer debezium(SnapshotBenchOptions options, Path directory, RunningPostgres postgres,
                                 RunningKafka kafka, SnapshotTables tables, long rows, SnapshotDrain.Servers servers)
            throws Exception {
        String slot = "dbz_" + rows;
        String topic = "snapbench-debezium." + rows;
        kafka.createTopic(topic, PARTITIONS);
        progress("Debezium 3.6.1 initial snapshot (-Xmx" + options.producerHeap() + ", snapshot.mode initial_only,"
                + " JSON without schemas) into " + topic);
        SnapshotDrain.Figures figures = DebeziumSnapshotDrain.take(
                new DebeziumSnapshotDrain.Launch(options.debeziumModule().orElseThrow(), options.producerHeap(),
                        directory),
                new DebeziumSnapshotDrain.Target(postgres.host(), postgres.port(), "snapbench_" + rows,
                        postgres.user(), postgres.password(), slot, tables.names(), kafka.bootstrapServers(), topic),
                rows, servers, options.timeout());
        progress(String.format("Debezium: %s from launch, first row after %s, %,.0f rows/s from the first row",
                seconds(figures.took()), seconds(figures.firstRow()), figures.rowsPerSecondSnapshotting()));
        dropSlot(tables, slot);
        return new Peer(figures, SnapshotTopic.records(kafka.bootstrapServers(), topic, PARTITIONS));
    }

    /** The slot would hold WAL back for the rest of the benchmark: it has done its part. */
    private static void dropSlot(SnapshotTables tables, String slot) throws Exception {
        try (Connection connection = tables.connect();
             PreparedStatement drop = connection.prepareStatement(
                     "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
            drop.setString(1, slot);
            drop.execute();
        }
    }

    private static SnapshotDrain.Figures peer(Run run) {
        return run.debezium().orElseThrow().snapshot();
    }

    private static String report(SnapshotBenchOptions options, String machine, RunningPostgres postgres,
                                 List<Run> runs) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("Tributary snapshot benchmark, %s%n", OffsetDateTime.now()
                .truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)));
        out.append(String.format("machine: %s; PostgreSQL %d (local-stack, fsync off), Kafka single broker%n",
                machine, postgres.majorVersion()));
        out.append(options.incremental() ? "snapshot: incremental, while streaming (watermarks; one chunk at a time)\n"
                : "snapshot: initial, with the slot's exported snapshot\n");
        out.append(String.format("producer: -Xmx%s, snapshot chunk-size %d, parallelism %d; %d table(s) of %s;"
                        + " topic of %d partitions (partition-by table)%n", options.producerHeap(),
                options.chunkSize(), options.parallelism(), options.tables(), options.shape().describe(),
                PARTITIONS));
        if (options.debeziumModule().isPresent()) {
            out.append(String.format("Debezium 3.6.1.Final embedded, -Xmx%s, snapshot.mode initial_only,"
                    + " JsonConverter without schemas, decimal.handling.mode string; Kafka producer lz4, batch.size"
                    + " 512 KiB, linger.ms 10, acks all; each batch marked processed once Kafka acknowledged it;"
                    + " topic of %d partitions (by record key)%n", options.producerHeap(), PARTITIONS));
        }
        if (options.profiling() == BenchOptions.Profiling.JFR) {
            out.append("NOTE: the producer ran with a JFR profile; its rates include the recorder's overhead\n");
        }
        out.append('\n');
        line(out, "rows", runs, r -> String.format("%,d", r.rows()));
        line(out, "table size (heap, MiB)", runs, r -> String.format("%,d", r.heapBytes() >> 20));
        line(out, "fill + vacuum (not timed)", runs, r -> seconds(r.fill()));
        line(out, "COPY TO STDOUT -> null: time", runs, r -> seconds(r.copy().took()));
        line(out, "  rows/s", runs, r -> String.format("%,.0f", r.copy().rowsPerSecond()));
        line(out, "  MB/s of COPY text", runs, r -> String.format("%.1f", r.copy().bytes() / 1e6
                / secondsOf(r.copy().took())));
        line(out, "  PostgreSQL CPU", runs, r -> String.format("%.1f s", r.copy().postgresCpuSeconds()));
        line(out, "snapshot: launch -> complete in Kafka", runs, r -> seconds(r.snapshot().took()));
        line(out, "  rows/s from launch", runs, r -> String.format("%,.0f", r.snapshot().rowsPerSecondFromLaunch()));
        line(out, "  launch -> first row", runs, r -> seconds(r.snapshot().firstRow()));
        line(out, "  rows/s from the first row", runs,
                r -> String.format("%,.0f", r.snapshot().rowsPerSecondSnapshotting()));
        line(out, "  MB/s of Kafka payload (from 1st row)", runs, r -> String.format("%.1f",
                r.topic().payloadBytes() / 1e6 / secondsOf(r.snapshot().took().minus(r.snapshot().firstRow()))));
        line(out, "  ratio to COPY (from the first row)", runs, r -> String.format("%.2f",
                r.snapshot().rowsPerSecondSnapshotting() / r.copy().rowsPerSecond()));
        line(out, "  producer CPU", runs, r -> String.format("%.1f s", r.snapshot().producerCpu().client()));
        line(out, "  PostgreSQL CPU", runs, r -> String.format("%.1f s", r.snapshot().postgresCpu()));
        line(out, "  Kafka CPU", runs, r -> String.format("%.1f s", r.snapshot().kafkaCpu()));
        line(out, "  machine CPU (all processes)", runs,
                r -> String.format("%.1f s", r.snapshot().producerCpu().machine()));
        line(out, "  heap used, max of samples (MiB)", runs, r -> Long.toString(r.snapshot().heapMaxUsed() >> 20));
        line(out, "  heap after GC, peak (MiB)", runs, r -> Long.toString(r.snapshot().gc().maxAfterBytes() >> 20));
        line(out, "  heap after GC, median (MiB)", runs,
                r -> Long.toString(r.snapshot().gc().medianAfterBytes() >> 20));
        line(out, "  full GCs; most heap one left (MiB)", runs, r -> r.snapshot().gc().fullPauses() == 0 ? "none"
                : String.format("%d; %d", r.snapshot().gc().fullPauses(), r.snapshot().gc().maxAfterFullBytes() >> 20));
        line(out, "  GC pauses (total)", runs, r -> String.format("%d (%.2f s)", r.snapshot().gc().pauses(),
                r.snapshot().gc().pauseSeconds()));
        line(out, "  exit status after SIGTERM", runs, r -> Integer.toString(r.snapshot().exitStatus()));
        if (options.debeziumModule().isPresent()) {
            line(out, "Debezium: launch -> complete in Kafka", runs, r -> seconds(peer(r).took()));
            line(out, "  launch -> first row", runs, r -> seconds(peer(r).firstRow()));
            line(out, "  rows/s from the first row", runs,
                    r -> String.format("%,.0f", peer(r).rowsPerSecondSnapshotting()));
            line(out, "  ratio to COPY (from the first row)", runs, r -> String.format("%.2f",
                    peer(r).rowsPerSecondSnapshotting() / r.copy().rowsPerSecond()));
            line(out, "  Debezium CPU", runs, r -> String.format("%.1f s", peer(r).producerCpu().client()));
            line(out, "  PostgreSQL CPU", runs, r -> String.format("%.1f s", peer(r).postgresCpu()));
            line(out, "  Kafka CPU", runs, r -> String.format("%.1f s", peer(r).kafkaCpu()));
            line(out, "  machine CPU (all processes)", runs,
                    r -> String.format("%.1f s", peer(r).producerCpu().machine()));
            line(out, "  heap after GC, peak / median (MiB)", runs, r -> String.format("%d / %d",
                    peer(r).gc().maxAfterBytes() >> 20, peer(r).gc().medianAfterBytes() >> 20));
            line(out, "  GC pauses (total)", runs, r -> String.format("%d (%.2f s)", peer(r).gc().pauses(),
                    peer(r).gc().pauseSeconds()));
            line(out, "  topic records (end - start offsets)", runs,
                    r -> String.format("%,d", r.debezium().orElseThrow().records()));
            line(out, "producer / Debezium (rows/s from the first row)", runs, r -> String.format("%.2f",
                    r.snapshot().rowsPerSecondSnapshotting() / peer(r).rowsPerSecondSnapshotting()));
            line(out, "producer / Debezium (CPU-seconds, lower = cheaper)", runs, r -> String.format("%.2f",
                    r.snapshot().producerCpu().client() / peer(r).producerCpu().client()));
        }
        line(out, "topic: records (end - start offsets)", runs, r -> String.format("%,d", r.topic().records()));
        line(out, "  decoded with op = r", runs, r -> String.format("%,d", r.topic().readEvents()));
        line(out, "  decoded with op = s (sweeps)", runs, r -> String.format("%,d", r.topic().sweeps()));
        line(out, "  payload (keys + values, MiB)", runs, r -> String.format("%,d", r.topic().payloadBytes() >> 20));
        line(out, "  check", runs, r -> r.topicHoldsTheRows() ? "ok" : "FAILED");
        if (runs.size() > 1) {
            Run smaller = runs.get(0);
            Run larger = runs.get(runs.size() - 1);
            out.append(String.format("%nheap after GC with %.0fx the rows: peak %d -> %d MiB, median %d -> %d MiB,"
                            + " after full GCs at most %d -> %d MiB%n",
                    (double) larger.rows() / smaller.rows(), smaller.snapshot().gc().maxAfterBytes() >> 20,
                    larger.snapshot().gc().maxAfterBytes() >> 20, smaller.snapshot().gc().medianAfterBytes() >> 20,
                    larger.snapshot().gc().medianAfterBytes() >> 20, smaller.snapshot().gc().maxAfterFullBytes() >> 20,
                    larger.snapshot().gc().maxAfterFullBytes() >> 20));
        }
        out.append("Times from samples of /metrics every second (+-1 s). CPU: seconds used during the snapshot by the"
                + " producer JVM, by the postmaster and its processes, by the broker, and by the whole machine.\n");
        return out.toString();
    }
}
