package io.tributary.bench;

import static io.tributary.bench.BenchText.describeMachine;
import static io.tributary.bench.BenchText.progress;

import io.tributary.localstack.LocalStack;
import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.RunningPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The latency benchmark (issues #14 and #15: "how long from COMMIT until the document is there"). Starts PostgreSQL,
 * Kafka and Elasticsearch locally, and for each phase etl-producer and es-subscriber as child JVMs, configured with
 * only what connects them (everything else at its default) plus the phase's settings; runs a steady background load
 * with probes ({@link LatencyLoad}) and prints commit → acknowledged by Kafka, commit → applied (real-time GET) and
 * commit → searchable (search without refresh), p50/p90/p99/max:
 * <ol>
 *   <li>one <b>load phase</b> per {@code --rates} value, default settings;
 *   <li>a <b>sweep</b> at {@code --sweep-rate} over {@code tributary.elasticsearch.bulk.max-wait} ×
 *       the producer's {@code linger.ms} (the default pair is taken from the load phase at that rate if there is one).
 * </ol>
 * Beside the probes' figures it prints the services' own histograms ({@code commit_to_acknowledged},
 * {@code commit_to_applied}) over the same measured time, as PromQL's {@code histogram_quantile} would estimate them.
 * The services are restarted for every phase (the subscriber resumes from its committed offsets); a phase starts once a
 * first probe made the round trip.
 *
 * <p>Exit status: 0 when the figures were measured (whether or not they meet the targets), 1 when the run failed,
 * 2 for a bad option. Run by {@code bench/run-latency-bench.sh}; never part of {@code mvn verify}.
 */
public final class LatencyBench {

    static final double APPLIED_TARGET_MILLIS = 300;
    /** Elasticsearch's default {@code index.refresh_interval}, which the subscriber's indices keep. */
    static final double REFRESH_MILLIS = 1000;
    private static final String TOPIC = "bench.latency";
    private static final String SLOT = "bench_latency";
    private static final String GROUP = "bench-latency";
    private static final Duration STOP = Duration.ofSeconds(60);
    private static final String DEFAULT_MAX_WAIT = "50ms";
    private static final int DEFAULT_LINGER = 5;

    private LatencyBench() {
    }

    public static void main(String[] args) {
        BenchLauncher.launch("latency bench", LatencyBenchOptions.USAGE, args, LatencyBenchOptions::parse,
                LatencyBench::run);
    }

    /** What a phase changes: null keeps the service's default. */
    record Phase(String name, int rate, String maxWait, Integer linger) {
        String maxWaitText() {
            return maxWait == null ? DEFAULT_MAX_WAIT + " (default)" : maxWait;
        }

        String lingerText() {
            return linger == null ? DEFAULT_LINGER + " (default)" : Integer.toString(linger);
        }
    }

    /**
     * A phase's probes, the services' histograms over its measured time (ms; NaN when empty), and the CPU each process
     * used while the load ran measured ({@link CpuWindow#describe()}).
     */
    record Result(Phase phase, LatencyLoad.Figures figures, Histograms histograms, String cpu, int producerExit,
                  int subscriberExit) {
    }

    record Histograms(ScrapedHistogram acknowledged, ScrapedHistogram applied) {
        static Histograms between(String producerBefore, String subscriberBefore, String producerAfter,
                                  String subscriberAfter) {
            String acknowledged = "tributary_producer_commit_to_acknowledged_seconds";
            String applied = "tributary_subscriber_commit_to_applied_seconds";
            return new Histograms(
                    ScrapedHistogram.parse(producerAfter, acknowledged)
                            .minus(ScrapedHistogram.parse(producerBefore, acknowledged)),
                    ScrapedHistogram.parse(subscriberAfter, applied)
                            .minus(ScrapedHistogram.parse(subscriberBefore, applied)));
        }
    }

    private record Stage(LatencyBenchOptions options, Path directory, Path producerJar, Path subscriberJar,
                         RunningPostgres postgres, String jdbcUrl, RunningKafka kafka, String elasticsearchUrl,
                         LatencyLoad load, long postmasterPid, long elasticsearchPid, long kafkaPid) {
    }

    private static void run(LatencyBenchOptions options) throws Exception {
        Path directory = options.outputRoot()
                .resolve(LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString().replace(':', '-'));
        Files.createDirectories(directory);
        String machine = describeMachine();
        // Copies: a build running meanwhile may replace the jars under the children's feet.
        Path producerJar = Files.copy(options.producerJar(), directory.resolve("etl-producer.jar"));
        Path subscriberJar = Files.copy(options.subscriberJar(), directory.resolve("es-subscriber.jar"));
        progress("run directory " + directory + "; " + machine);
        progress("starting PostgreSQL, Kafka and Elasticsearch (local-stack)");
        RunningPostgres postgres = LocalStack.postgres();
        RunningKafka kafka = LocalStack.kafka();
        RunningElasticsearch elasticsearch = LocalStack.elasticsearch();
        String jdbcUrl = postgres.createDatabase("latency_bench");
        kafka.createTopic(TOPIC, options.partitions());
        LatencyLoad load = new LatencyLoad(jdbcUrl, postgres.user(), postgres.password(),
                new ElasticsearchRest(elasticsearch.url()), kafka.bootstrapServers(), TOPIC, options.partitions());
        load.createSchema();
        long postmasterPid;
        try (Connection connection = load.connect()) {
            postmasterPid = ServerProcesses.postmasterPid(connection);
        }
        Stage stage = new Stage(options, directory, producerJar, subscriberJar, postgres, jdbcUrl, kafka,
                elasticsearch.url(), load, postmasterPid, ServerProcesses.elasticsearchPid(elasticsearch),
                ServerProcesses.kafkaPid(kafka));

        List<Result> loads = new ArrayList<>();
        for (int rate : options.rates()) {
            loads.add(runPhase(stage, new Phase("load-" + rate, rate, null, null),
                    loads.isEmpty() ? options.firstWarmUp() : options.warmUp()));
        }
        List<Result> sweep = new ArrayList<>();
        if (options.sweepRate() > 0) {
            for (String maxWait : options.maxWaits()) {
                for (int linger : options.lingers()) {
                    boolean defaults = maxWait.equals(DEFAULT_MAX_WAIT) && linger == DEFAULT_LINGER;
                    Result same = defaults ? loads.stream().filter(r -> r.phase().rate() == options.sweepRate())
                            .findFirst().orElse(null) : null;
                    sweep.add(same != null ? same : runPhase(stage, new Phase("sweep-" + maxWait + "-linger"
                            + linger, options.sweepRate(), defaults ? null : maxWait, defaults ? null : linger),
                            loads.isEmpty() && sweep.isEmpty() ? options.firstWarmUp() : options.warmUp()));
                }
            }
        }
        Files.deleteIfExists(producerJar);
        Files.deleteIfExists(subscriberJar);
        BenchText.publishReport(directory, LatencyReport.of(options, machine, postgres.majorVersion(), loads, sweep),
                null);
    }

    private static Result runPhase(Stage stage, Phase phase, Duration warmUp) throws Exception {
        LatencyBenchOptions options = stage.options();
        progress(String.format("phase %s: %,d changes/s in transactions of %d on %d connections, a probe every %d"
                        + " ms, %d s warm-up + %d s measured; bulk.max-wait %s, linger.ms %s", phase.name(),
                phase.rate(), options.changesPerTransaction(), options.writers(), options.probeEvery().toMillis(),
                warmUp.toSeconds(), options.measured().toSeconds(), phase.maxWaitText(),
                phase.lingerText()));
        try (ServiceChild subscriber = startSubscriber(stage, phase);
             ServiceChild producer = startProducer(stage, phase)) {
            Duration roundTrip = stage.load().awaitRoundTrip(phase.name(), options.timeout());
            progress("services streaming: a first probe reached Elasticsearch after " + BenchText.seconds(roundTrip)
                    + " (not counted)");
            String[] before = new String[2];
            CpuWindow[] cpu = new CpuWindow[1];
            String[] cpuMeasured = {"not measured"};
            LatencyLoad.Figures figures = stage.load().run(new LatencyLoad.Settings(phase.rate(),
                    options.changesPerTransaction(), options.writers(), warmUp, options.measured(),
                    options.probeEvery(), options.pollEvery()), phase.name(), options.timeout(),
                    new LatencyLoad.Measured() {
                        @Override
                        public void started() {
                            before[0] = metricsText(producer);
                            before[1] = metricsText(subscriber);
                            cpu[0] = new CpuWindow(cpuPids(stage, producer, subscriber), stage.postmasterPid());
                        }

                        @Override
                        public void sample() {
                            if (cpu[0] != null) {
                                cpu[0].sample();
                            }
                        }

                        @Override
                        public void ended() {
                            cpuMeasured[0] = cpu[0] == null ? "not measured" : cpu[0].describe();
                        }
                    });
            Histograms histograms = Histograms.between(before[0], before[1], metricsText(producer),
                    metricsText(subscriber));
            Files.writeString(stage.directory().resolve(phase.name() + "-producer-metrics.txt"),
                    metricsText(producer));
            Files.writeString(stage.directory().resolve(phase.name() + "-subscriber-metrics.txt"),
                    metricsText(subscriber));
            int producerExit = producer.stop(STOP);
            int subscriberExit = subscriber.stop(STOP);
            Result result = new Result(phase, figures, histograms, cpuMeasured[0], producerExit, subscriberExit);
            progress(LatencyReport.summary(result));
            return result;
        }
    }

    /** The processes whose CPU a phase reports, in report order; PostgreSQL is added by {@link CpuWindow}. */
    private static Map<String, Long> cpuPids(Stage stage, ServiceChild producer, ServiceChild subscriber) {
        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put("producer", producer.pid());
        pids.put("subscriber", subscriber.pid());
        pids.put("Elasticsearch", stage.elasticsearchPid());
        pids.put("Kafka", stage.kafkaPid());
        pids.put("bench (load and pollers)", ProcessHandle.current().pid());
        return pids;
    }

    private static String metricsText(ServiceChild child) {
        try {
            return child.metricsText();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static ServiceChild startSubscriber(Stage stage, Phase phase) throws IOException {
        int port = ProducerDrain.freePort();
        String configuration = String.join("\n",
                "tributary {",
                "  kafka {",
                "    bootstrap-servers = \"" + stage.kafka().bootstrapServers() + "\"",
                "    topic = \"" + TOPIC + "\"",
                "    group-id = \"" + GROUP + "\"",
                "  }",
                "  elasticsearch.urls = [\"" + stage.elasticsearchUrl() + "\"]",
                phase.maxWait() == null ? "" : "  elasticsearch.bulk.max-wait = " + phase.maxWait(),
                "  http.port = " + port,
                "}",
                "");
        return ServiceChild.start(new ServiceChild.Launch(stage.subscriberJar(), stage.options().heap(),
                BenchOptions.Profiling.NONE, stage.directory(), phase.name() + "-subscriber"), configuration, port);
    }

    /** Starts the producer and waits until its slot is streaming. */
    private static ServiceChild startProducer(Stage stage, Phase phase)
            throws IOException, SQLException, InterruptedException {
        int port = ProducerDrain.freePort();
        String configuration = String.join("\n",
                "tributary {",
                "  postgres {",
                "    url = \"" + stage.jdbcUrl() + "\"",
                "    user = \"" + stage.postgres().user() + "\"",
                "    password = \"" + stage.postgres().password() + "\"",
                "    slot = " + SLOT,
                "    publication = " + LatencyLoad.PUBLICATION,
                "    tables = [" + String.join(", ", LatencyLoad.TABLES) + "]",
                "    snapshot.mode = never",
                "  }",
                "  kafka {",
                "    bootstrap-servers = \"" + stage.kafka().bootstrapServers() + "\"",
                "    topic = \"" + TOPIC + "\"",
                "    partitions = " + stage.options().partitions(),
                "    replication-factor = 1",
                phase.linger() == null ? "" : "    properties { \"linger.ms\" = \"" + phase.linger() + "\" }",
                "  }",
                "  http.port = " + port,
                "}",
                "");
        ServiceChild producer = ServiceChild.start(new ServiceChild.Launch(stage.producerJar(),
                stage.options().heap(), BenchOptions.Profiling.NONE, stage.directory(), phase.name() + "-producer"),
                configuration, port);
        try (Connection connection = stage.load().connect()) {
            producer.awaitStreaming(connection, SLOT, Duration.ofMinutes(2));
        }
        return producer;
    }

    /** The report's date line. */
    static String now() {
        return OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }
}
