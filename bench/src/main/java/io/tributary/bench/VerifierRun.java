package io.tributary.bench;

import static io.tributary.bench.BenchText.secondsOf;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.model.ChangeEventJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One timed run of the verifier: {@code java -Xmx… -Xlog:gc… -jar verifier.jar --producer-config …
 * --subscriber-config … --table … --chunk-size … --json} as a child JVM, timed from its launch to its exit, its
 * {@code --json} report in {@code verify-report.json}, its progress lines and the command in {@code verifier.log},
 * its GC log in {@code verifier-gc.log} (and with profiling {@code verifier.jfr}), all in the run's directory.
 * While it runs, the CPU time of the verifier, PostgreSQL (the postmaster and its processes) and Elasticsearch is
 * sampled every {@value #SAMPLE_MILLIS} ms.
 */
final class VerifierRun {

    private static final long SAMPLE_MILLIS = 250;
    /** The rate at the end of the verifier's progress line (written every 10 s while it compares rows). */
    private static final Pattern PROGRESS_RATE = Pattern.compile(" rows +(?:\\d+% +)?(\\d+) rows/s$");
    /** {@code verify}'s exit status when it found drift. */
    static final int DRIFT_FOUND = 3;
    /** {@code verify}'s exit status when it found none. */
    static final int NO_DRIFT = 0;

    private VerifierRun() {
    }

    /** What the verifier works on, and how it runs. */
    record Launch(Path jar, String heap, BenchOptions.Profiling profiling, Path directory) {

        Path file(String name) {
            return directory.resolve(name);
        }
    }

    /**
     * What the verifier verifies, and how.
     *
     * @param table the one table it verifies ({@code --table})
     * @param index the table's index, whose read statistics are taken before and after the run
     */
    record Target(Path producerConfig, Path subscriberConfig, String table, String index, int chunkSize) {
    }

    /** The processes whose CPU time is measured besides the verifier's (0 = unknown, not measured). */
    record Servers(long postmasterPid, long elasticsearchPid) {
    }

    /**
     * @param took             launch to exit
     * @param exitStatus       the verifier's exit status: {@value #DRIFT_FOUND} drift found, {@value #NO_DRIFT} none
     *                         (any other is a failure and throws)
     * @param findings         what its report said about the table
     * @param gc               its G1 pauses
     * @param heapPeakBytes    the most heap in use at the start of any pause: the most the verifier used
     * @param verifierCpu      CPU seconds of the verifier and of the whole machine
     * @param postgresCpu      CPU seconds of the postmaster and its processes
     * @param elasticsearchCpu CPU seconds of Elasticsearch
     * @param comparingRate    rows/s while comparing rows, by the verifier's last progress line (empty: the
     *                         comparison took less than its 10 s interval); the scan for extra documents follows
     * @param indexWork        what Elasticsearch spent on gets and searches of the index during the run
     */
    record Figures(Duration took, int exitStatus, VerifierFindings findings, SnapshotDrain.GcFigures gc,
                   long heapPeakBytes, CpuMeter.CpuSeconds verifierCpu, double postgresCpu,
                   double elasticsearchCpu, OptionalLong comparingRate, IndexWork indexWork) {

        double rowsPerSecond() {
            return findings.rows() / secondsOf(took);
        }
    }

    static Figures run(Launch launch, Target target, Servers servers, ElasticsearchRest elasticsearch,
                       Duration timeout) throws IOException, InterruptedException {
        Path report = launch.file("verify-report.json");
        Path log = launch.file("verifier.log");
        Path gcLog = launch.file("verifier-gc.log");
        List<String> arguments = List.of("--producer-config", target.producerConfig().toString(),
                "--subscriber-config", target.subscriberConfig().toString(), "--table", target.table(),
                "--chunk-size", Integer.toString(target.chunkSize()), "--json");
        IndexWork workBefore = elasticsearch.work(target.index());
        CpuMeter verifierCpu = new CpuMeter();
        ServerCpuMeter postgresCpu = new ServerCpuMeter(servers.postmasterPid());
        ServerCpuMeter elasticsearchCpu = new ServerCpuMeter(servers.elasticsearchPid());
        long started = System.nanoTime();
        Process verifier = ChildJvm.startTool(launch.jar(), launch.heap(), arguments, report, log, gcLog,
                launch.profiling() == BenchOptions.Profiling.JFR ? launch.file("verifier.jfr") : null);
        try {
            long deadline = started + timeout.toNanos();
            while (!verifier.waitFor(SAMPLE_MILLIS, TimeUnit.MILLISECONDS)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the verifier did not finish within " + timeout.toMinutes()
                            + " min" + RecvlogicalDrain.tail(log));
                }
                verifierCpu.sample(0, verifier.pid());
                postgresCpu.sample();
                elasticsearchCpu.sample();
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            postgresCpu.sample();
            elasticsearchCpu.sample();
            if (verifier.exitValue() != DRIFT_FOUND && verifier.exitValue() != NO_DRIFT) {
                throw new IllegalStateException("the verifier failed with exit status " + verifier.exitValue()
                        + RecvlogicalDrain.tail(log));
            }
            JsonNode json = ChangeEventJson.mapper().readTree(Files.readAllBytes(report));
            List<GcPause> pauses = GcPause.read(gcLog);
            return new Figures(took, verifier.exitValue(), VerifierFindings.of(json),
                    SnapshotDrain.GcFigures.of(pauses),
                    pauses.stream().mapToLong(GcPause::beforeBytes).max().orElse(0), verifierCpu.finish(),
                    postgresCpu.seconds(), elasticsearchCpu.seconds(), lastProgressRate(log),
                    elasticsearch.work(target.index()).minus(workBefore));
        } finally {
            verifier.destroyForcibly();
        }
    }

    /** The rate of the last progress line in the verifier's log; empty without one. */
    static OptionalLong lastProgressRate(Path log) throws IOException {
        OptionalLong rate = OptionalLong.empty();
        for (String line : Files.readAllLines(log)) {
            Matcher progress = PROGRESS_RATE.matcher(line);
            if (progress.find()) {
                rate = OptionalLong.of(Long.parseLong(progress.group(1)));
            }
        }
        return rate;
    }
}
