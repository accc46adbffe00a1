package io.tributary.bench;

import static io.tributary.bench.BenchText.describeMachine;
import static io.tributary.bench.BenchText.line;
import static io.tributary.bench.BenchText.progress;
import static io.tributary.bench.BenchText.seconds;
import static io.tributary.bench.BenchText.secondsOf;

import io.tributary.localstack.LocalStack;
import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningPostgres;
import io.tributary.model.TableId;
import io.tributary.verifier.ExpectedDocuments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The verify benchmark (issue #5): how fast {@code scripts/verify.sh} compares a large table with its index, with
 * how much CPU of its own and of PostgreSQL and Elasticsearch, and whether its heap stays flat as the table grows
 * (with {@code --compare-smaller}, a run with a fifth of the rows first). For each size: a database and table of its
 * own filled with {@code generate_series} ({@link SnapshotTables}), its index filled with the documents the pipeline
 * would have written ({@link VerifyIndexFill}), then a planted drift ({@link PlantedDrift}); none of that is timed.
 * Then the verifier runs as a child JVM ({@link VerifierRun}); its report must name exactly the planted drift.
 * Kafka is not started: {@code verify} without {@code --repair} never contacts it.
 *
 * <p>Exit status: 0 when the figures were measured and the verifier found exactly the planted drift, 1 when a run
 * failed or the verifier found something else, 2 for a bad option. Run by {@code bench/run-verify-bench.sh}; never
 * part of {@code mvn verify}.
 */
public final class VerifyBench {

    private static final TableId TABLE = TableId.parse(SnapshotTables.SCHEMA + ".snap_1");
    /** The external version of the filled documents: an initial snapshot's read events share one version. */
    private static final long SNAPSHOT_VERSION = 1;
    /**
     * Rows per query and documents per {@code _bulk} request while filling the index: the shard indexes one request
     * on one thread, so requests of 2000 keep both cores busy where 10000 left one idle (6,751 against 3,605 docs/s
     * for 100,000 rows, with the same CPU of Elasticsearch).
     */
    private static final int FILL_CHUNK = 2000;

    private VerifyBench() {
    }

    public static void main(String[] args) {
        BenchLauncher.launch("verify bench", VerifyBenchOptions.USAGE, args, VerifyBenchOptions::parse,
                VerifyBench::run);
    }

    /** Filling the index (not part of the measurement): how long, and the CPU seconds of the harness and of ES. */
    private record IndexFill(Duration took, double harnessCpu, double elasticsearchCpu) {
    }

    /** One measured size: the fills (not timed), the drift planted, and the verifier's run. */
    private record Run(long rows, long heapBytes, Duration tableFill, IndexFill indexFill, PlantedDrift drift,
                       VerifierRun.Figures verify) {

        List<String> mismatches() {
            List<String> mismatches = new ArrayList<>(drift.mismatches(verify.findings(), rows));
            if (verify.exitStatus() != VerifierRun.DRIFT_FOUND) {
                mismatches.add("exit status " + verify.exitStatus() + ", not " + VerifierRun.DRIFT_FOUND);
            }
            return mismatches;
        }
    }

    private static void run(VerifyBenchOptions options) throws Exception {
        Path directory = options.outputRoot()
                .resolve(LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString().replace(':', '-'));
        Files.createDirectories(directory);
        String machine = describeMachine();
        // A copy: a build running meanwhile may replace the jar under the child's feet.
        Path verifierJar = Files.copy(options.verifierJar(), directory.resolve("verifier.jar"));
        progress("run directory " + directory + "; " + machine);
        progress("starting PostgreSQL and Elasticsearch (local-stack; no Kafka: verify without --repair needs none)");
        RunningPostgres postgres = LocalStack.postgres();
        RunningElasticsearch elasticsearchNode = LocalStack.elasticsearch();
        ElasticsearchRest elasticsearch = new ElasticsearchRest(elasticsearchNode.url());
        long elasticsearchPid = ServerProcesses.elasticsearchPid(elasticsearchNode);
        List<Run> runs = new ArrayList<>();
        try {
            for (long rows : options.runs()) {
                Path runDirectory = Files.createDirectories(directory.resolve("rows-" + rows));
                runs.add(measure(options, new VerifierRun.Launch(verifierJar, options.verifierHeap(),
                        options.profiling(), runDirectory), postgres, elasticsearch, elasticsearchPid, rows));
            }
        } finally {
            Files.deleteIfExists(verifierJar); // 50 MB, a copy of the build's verifier/target/verifier.jar
        }
        BenchText.publishReport(directory, report(options, machine, postgres, runs),
                options.profiling() == BenchOptions.Profiling.JFR
                        ? directory.resolve("rows-" + options.rows()).resolve("verifier.jfr") : null);
        for (Run run : runs) {
            if (!run.mismatches().isEmpty()) {
                throw new IllegalStateException(String.format("the verifier of the %,d-row table did not report"
                        + " exactly the planted drift: %s", run.rows(), String.join("; ", run.mismatches())));
            }
        }
    }

    private static Run measure(VerifyBenchOptions options, VerifierRun.Launch launch, RunningPostgres postgres,
                               ElasticsearchRest elasticsearch, long elasticsearchPid, long rows) throws Exception {
        String name = "verifybench_" + rows;
        String jdbcUrl = postgres.createDatabase(name);
        SnapshotTables tables = new SnapshotTables(jdbcUrl, postgres.user(), postgres.password(), 1, rows,
                SnapshotTables.Shape.SIMPLE);
        progress(String.format("%,d rows: filling %s with generate_series, then VACUUM (FREEZE, ANALYZE)", rows,
                TABLE));
        Duration tableFill = tables.createAndFill();
        long heapBytes = tables.heapBytes();
        long postmasterPid;
        try (Connection connection = tables.connect()) {
            postmasterPid = ServerProcesses.postmasterPid(connection);
        }
        Path producerConfig = Files.writeString(launch.file("producer.conf"),
                producerConfiguration(jdbcUrl, postgres, name));
        Path subscriberConfig = Files.writeString(launch.file("subscriber.conf"),
                subscriberConfiguration(elasticsearch.url(), name));

        progress(String.format("filled in %s (%,d MiB of table); indexing its documents as the pipeline would write"
                + " them (not timed)", seconds(tableFill), heapBytes >> 20));
        long fillStarted = System.nanoTime();
        long harnessTicks = CpuMeter.processTicks(ProcessHandle.current().pid());
        long elasticsearchTicks = CpuMeter.processTicks(elasticsearchPid);
        String index;
        try (ExpectedDocuments documents = ExpectedDocuments.open(producerConfig, subscriberConfig, TABLE,
                FILL_CHUNK)) {
            index = documents.target();
            VerifyIndexFill.fill(documents, elasticsearch, SNAPSHOT_VERSION, options.timeout());
        }
        IndexFill indexFill = new IndexFill(Duration.ofNanos(System.nanoTime() - fillStarted),
                (CpuMeter.processTicks(ProcessHandle.current().pid()) - harnessTicks) / CpuMeter.TICKS_PER_SECOND,
                (CpuMeter.processTicks(elasticsearchPid) - elasticsearchTicks) / CpuMeter.TICKS_PER_SECOND);
        PlantedDrift drift = PlantedDrift.spreadOver(rows);
        elasticsearch.bulk(drift.bulkBody(index, SNAPSHOT_VERSION));
        long documentsInIndex = elasticsearch.count(List.of(index));
        if (documentsInIndex != drift.documentsAfter(rows)) {
            throw new IllegalStateException("index " + index + " holds " + documentsInIndex + " documents after the"
                    + " drift was planted, not " + drift.documentsAfter(rows));
        }
        progress(String.format("indexed in %s (%,.0f docs/s); planted drift: %s; verifying (-Xmx%s, chunk-size %d)",
                seconds(indexFill.took()), rows / secondsOf(indexFill.took()), drift, options.verifierHeap(), options.chunkSize()));

        VerifierRun.Figures verify = VerifierRun.run(launch, new VerifierRun.Target(producerConfig, subscriberConfig,
                TABLE.toString(), index, options.chunkSize()), new VerifierRun.Servers(postmasterPid, elasticsearchPid),
                elasticsearch, options.timeout());
        progress(String.format("verified in %s, %,.0f rows/s; exit status %d; found %d missing, %d extra,"
                        + " %d different", seconds(verify.took()), verify.rowsPerSecond(), verify.exitStatus(),
                verify.findings().missing(), verify.findings().extra(), verify.findings().different()));
        // The next size gets the same index name: this one has done its part.
        elasticsearch.deleteIndices(List.of(index));
        return new Run(rows, heapBytes, tableFill, indexFill, drift, verify);
    }

    /**
     * The producer's configuration, for the verifier: the database and table, and Kafka settings it requires but
     * never contacts without {@code --repair}.
     */
    private static String producerConfiguration(String jdbcUrl, RunningPostgres postgres, String name) {
        return String.join("\n",
                "tributary {",
                "  postgres {",
                "    url = \"" + jdbcUrl + "\"",
                "    user = \"" + postgres.user() + "\"",
                "    password = \"" + postgres.password() + "\"",
                "    slot = " + name,
                "    publication = " + name,
                "    tables = [" + TABLE + "]",
                "  }",
                "  # Required, never contacted: verify without --repair sends nothing to Kafka.",
                "  kafka {",
                "    bootstrap-servers = \"127.0.0.1:9\"",
                "    topic = " + name,
                "  }",
                "}",
                "");
    }

    /** The subscriber's configuration: Elasticsearch, and the table kept as it is (no tributary.tables entry). */
    private static String subscriberConfiguration(String elasticsearchUrl, String name) {
        return String.join("\n",
                "tributary {",
                "  # Required, never contacted by the verifier.",
                "  kafka {",
                "    bootstrap-servers = \"127.0.0.1:9\"",
                "    topic = " + name,
                "    group-id = " + name,
                "  }",
                "  elasticsearch.urls = [\"" + elasticsearchUrl + "\"]",
                "}",
                "");
    }

    private static String report(VerifyBenchOptions options, String machine, RunningPostgres postgres,
                                 List<Run> runs) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("Tributary verify benchmark, %s%n", OffsetDateTime.now()
                .truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)));
        out.append(String.format("machine: %s; PostgreSQL %d (local-stack, fsync off), Elasticsearch single node%n",
                machine, postgres.majorVersion()));
        out.append(String.format("verifier: -Xmx%s, --chunk-size %d; table %s: bigint key, text, numeric,"
                + " timestamptz, boolean, jsonb; its index as the subscriber creates it%n", options.verifierHeap(),
                options.chunkSize(), TABLE));
        if (options.profiling() == BenchOptions.Profiling.JFR) {
            out.append("NOTE: the verifier ran with a JFR profile; its rates include the recorder's overhead\n");
        }
        out.append('\n');
        line(out, "rows", runs, r -> String.format("%,d", r.rows()));
        line(out, "table size (heap, MiB)", runs, r -> String.format("%,d", r.heapBytes() >> 20));
        line(out, "fill + vacuum (not timed)", runs, r -> seconds(r.tableFill()));
        line(out, "index fill (not timed)", runs, r -> seconds(r.indexFill().took()));
        line(out, "  docs/s", runs, r -> String.format("%,.0f", r.rows() / secondsOf(r.indexFill().took())));
        line(out, "  CPU: harness / Elasticsearch", runs, r -> String.format("%.1f / %.1f s",
                r.indexFill().harnessCpu(), r.indexFill().elasticsearchCpu()));
        line(out, "verify: launch -> exit", runs, r -> seconds(r.verify().took()));
        line(out, "  rows/s", runs, r -> String.format("%,.0f", r.verify().rowsPerSecond()));
        line(out, "  rows/s comparing rows (progress line)", runs, r -> r.verify().comparingRate().isEmpty() ? "-"
                : String.format("%,d", r.verify().comparingRate().getAsLong()));
        line(out, "  verifier CPU", runs, r -> String.format("%.1f s", r.verify().verifierCpu().client()));
        line(out, "  verifier CPU per row (us)", runs,
                r -> String.format("%.1f", r.verify().verifierCpu().client() * 1e6 / r.rows()));
        line(out, "  PostgreSQL CPU", runs, r -> String.format("%.1f s", r.verify().postgresCpu()));
        line(out, "  Elasticsearch CPU", runs, r -> String.format("%.1f s", r.verify().elasticsearchCpu()));
        line(out, "  machine CPU (all processes)", runs,
                r -> String.format("%.1f s", r.verify().verifierCpu().machine()));
        line(out, "  ES gets (_mget docs); time", runs, r -> String.format("%,d; %.1f s",
                r.verify().indexWork().gets(), r.verify().indexWork().getMillis() / 1000.0));
        line(out, "  ES PIT pages; query + fetch", runs, r -> String.format("%,d; %.1f + %.1f s",
                r.verify().indexWork().queries(), r.verify().indexWork().queryMillis() / 1000.0,
                r.verify().indexWork().fetchMillis() / 1000.0));
        line(out, "  heap used before GC, peak (MiB)", runs, r -> Long.toString(r.verify().heapPeakBytes() >> 20));
        line(out, "  heap after GC, peak (MiB)", runs, r -> Long.toString(r.verify().gc().maxAfterBytes() >> 20));
        line(out, "  heap after GC, median (MiB)", runs,
                r -> Long.toString(r.verify().gc().medianAfterBytes() >> 20));
        line(out, "  full GCs; most heap one left (MiB)", runs, r -> r.verify().gc().fullPauses() == 0 ? "none"
                : String.format("%d; %d", r.verify().gc().fullPauses(), r.verify().gc().maxAfterFullBytes() >> 20));
        line(out, "  GC pauses (total)", runs, r -> String.format("%d (%.2f s)", r.verify().gc().pauses(),
                r.verify().gc().pauseSeconds()));
        line(out, "  exit status", runs, r -> Integer.toString(r.verify().exitStatus()));
        line(out, "report: rows; documents", runs, r -> String.format("%,d; %,d", r.verify().findings().rows(),
                r.verify().findings().documents()));
        line(out, "  missing / extra / different", runs, r -> String.format("%d / %d / %d",
                r.verify().findings().missing(), r.verify().findings().extra(), r.verify().findings().different()));
        line(out, "  planted", runs, r -> String.format("%d / %d / %d", r.drift().deleted().size(),
                r.drift().extra().size(), r.drift().modified().size()));
        line(out, "  check (counts and ids)", runs, r -> r.mismatches().isEmpty() ? "ok" : "FAILED");
        for (Run run : runs) {
            run.mismatches().forEach(mismatch -> out.append(String.format("  %,d rows: %s%n", run.rows(), mismatch)));
        }
        if (runs.size() > 1) {
            Run smaller = runs.get(0);
            Run larger = runs.get(runs.size() - 1);
            out.append(String.format("%nheap with %.0fx the rows: used before GC at most %d -> %d MiB; after GC peak"
                            + " %d -> %d MiB, median %d -> %d MiB%n", (double) larger.rows() / smaller.rows(),
                    smaller.verify().heapPeakBytes() >> 20, larger.verify().heapPeakBytes() >> 20,
                    smaller.verify().gc().maxAfterBytes() >> 20, larger.verify().gc().maxAfterBytes() >> 20,
                    smaller.verify().gc().medianAfterBytes() >> 20, larger.verify().gc().medianAfterBytes() >> 20));
        }
        out.append("Times from the verifier's launch to its exit (JVM start and connections included). CPU: seconds"
                + " used during the run by the verifier JVM, by the postmaster and its processes, by Elasticsearch,"
                + " and by the whole machine (sampled every 250 ms). ES gets and searches: the index's _stats during the"
                + " run. Heap from the verifier's GC log.\n");
        return out.toString();
    }
}
