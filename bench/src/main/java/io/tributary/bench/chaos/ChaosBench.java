package io.tributary.bench.chaos;

import static io.tributary.bench.BenchText.progress;

import io.tributary.bench.BenchLauncher;
import io.tributary.bench.BenchText;
import io.tributary.localstack.LocalStack;
import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.RunningPostgres;
import io.tributary.model.Lsn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The chaos harness (issue #13): the whole pipeline — two etl-producers on one slot (active and standby), Kafka, two
 * es-subscribers in one group, Elasticsearch — under a continuous workload ({@link ChaosWorkload}) while a
 * {@link FaultDriver} injects one random fault per cycle: kill -9 of the active producer, kill -9 of a subscriber,
 * Kafka stopped, Elasticsearch stopped, PostgreSQL restarted. After the last cycle the workload stops, the harness
 * waits until the pipeline caught up ({@link CatchUp}) and runs {@code verify} over every table.
 *
 * <p>Exit status: 0 when there is no drift, no service exited on its own and every producer kill was taken over;
 * 1 otherwise (the report says why) or when the run itself failed; 2 for a bad option. Run by
 * {@code bench/run-chaos-bench.sh}; never part of {@code mvn verify}. The run's directory holds each process's
 * configuration and log ({@code producer-a-1.log}, …), the fault {@code timeline.log}, the verifier's report and
 * {@code report.txt}.
 */
public final class ChaosBench {

    private static final Duration END_MARKER_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration VERIFY_TIMEOUT = Duration.ofMinutes(10);

    private ChaosBench() {
    }

    public static void main(String[] args) {
        BenchLauncher.launch("chaos bench", ChaosOptions.USAGE, args, ChaosOptions::parse, ChaosBench::run);
    }

    private static void run(ChaosOptions options) throws Exception {
        long started = System.nanoTime();
        Path directory = options.outputRoot()
                .resolve(LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString().replace(':', '-'));
        Files.createDirectories(directory);
        // Copies: a build running meanwhile may replace the jars under the children's feet.
        ChaosOptions copied = new ChaosOptions(options.cycles(), options.seed(), options.pause(), options.outage(),
                options.rate(), options.truncateOneIn(), options.drainTimeout(), options.partitionBy(),
                Files.copy(options.producerJar(), directory.resolve("etl-producer.jar")),
                Files.copy(options.subscriberJar(), directory.resolve("es-subscriber.jar")),
                Files.copy(options.verifierJar(), directory.resolve("verifier.jar")), options.outputRoot());
        String machine = BenchText.describeMachine();
        progress("chaos run: seed " + options.seed() + " (repeat the fault sequence with --seed " + options.seed()
                + "), " + options.cycles() + " cycles; run directory " + directory);
        progress("starting PostgreSQL, Kafka and Elasticsearch (local-stack)");
        RunningPostgres postgres = LocalStack.postgres();
        RunningKafka kafka = LocalStack.kafka();
        RunningElasticsearch elasticsearch = LocalStack.elasticsearch();
        String jdbcUrl = postgres.createDatabase("chaos");
        ChaosPipeline.Endpoints endpoints = new ChaosPipeline.Endpoints(jdbcUrl, postgres.user(),
                postgres.password(), kafka.bootstrapServers(), elasticsearch.url());
        try (Connection connection = DriverManager.getConnection(jdbcUrl, postgres.user(), postgres.password())) {
            ChaosTables.createAndSeed(connection);
        }
        try (ChaosPipeline pipeline = new ChaosPipeline(endpoints, copied, directory)) {
            progress("starting two producers (one slot: active and standby) and two subscribers (one group)");
            pipeline.start();
            ChaosWorkload workload = new ChaosWorkload(jdbcUrl, postgres.user(), postgres.password(),
                    options.seed(), options.rate(), options.truncateOneIn());
            workload.start();
            progress(String.format("workload running (%d transactions/s); first fault in %d s", options.rate(),
                    options.pause().toSeconds()));
            pipeline.watch(options.pause());
            FaultDriver driver = new FaultDriver(options.seed(), pipeline,
                    new FaultDriver.Servers(postgres, kafka, elasticsearch), options.outage(), options.pause(),
                    directory.resolve("timeline.log"));
            driver.run(options.cycles());

            progress("stopping the workload; waiting for the pipeline to catch up");
            ChaosWorkload.Tally tally = workload.stop();
            Lsn endMarker = workload.commitEndMarker(END_MARKER_TIMEOUT);
            CatchUp.Figures catchUp = CatchUp.await(endpoints, pipeline, endMarker, options.drainTimeout());
            progress("caught up; reading the topic back and running verify over every table");
            TopicCensus.Counts topic = TopicCensus.count(kafka.bootstrapServers());
            PipelineService anyProducer = pipeline.producers().get(0);
            PipelineService anySubscriber = pipeline.subscribers().get(0);
            ChaosVerify.Drift drift = ChaosVerify.run(copied.verifierJar(), anyProducer.configFile(),
                    anySubscriber.configFile(), directory, VERIFY_TIMEOUT);
            List<String> exitStatuses = pipeline.stop();
            ChaosReport.Run run = new ChaosReport.Run(options, machine, Duration.ofNanos(System.nanoTime() - started),
                    driver, pipeline, tally, topic, catchUp, drift, exitStatuses);
            BenchText.publishReport(directory, ChaosReport.of(run), null);
            for (Path jar : List.of(copied.producerJar(), copied.subscriberJar(), copied.verifierJar())) {
                Files.deleteIfExists(jar);
            }
            if (!run.passed()) {
                throw new IllegalStateException("the chaos run failed: " + drift.total() + " documents drifted, "
                        + pipeline.findings().size() + " services exited on their own, "
                        + driver.missedTakeovers() + " producer kills without a takeover (see the report above)");
            }
        }
    }
}
