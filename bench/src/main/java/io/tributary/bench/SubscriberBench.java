package io.tributary.bench;

import static io.tributary.bench.BenchText.describeMachine;
import static io.tributary.bench.BenchText.progress;
import static io.tributary.bench.BenchText.seconds;
import static io.tributary.bench.BenchText.secondsOf;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.localstack.LocalStack;
import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * The subscriber benchmark (issue: "bench/ gets a subscriber harness"). Starts Kafka and Elasticsearch locally, fills
 * a topic with change events ({@link ChangeEventWorkload}), drains it with es-subscriber ({@link SubscriberDrain}),
 * and then measures Elasticsearch's own ceiling — the final documents bulk-indexed straight into indices created as
 * the subscriber's were, with several batch sizes and concurrencies ({@link DirectBulkIndexing}) — and replays the
 * subscriber's own writes directly. Prints events/s of the subscriber, docs/s of the best direct run, their ratio
 * (target: at least {@value #TARGET_RATIO}) and the subscriber's heap, and checks that Elasticsearch holds exactly
 * the final rows.
 *
 * <p>Exit status: 0 when the figures were measured (whether or not they meet the target), 1 when the run failed
 * (also when a check failed), 2 for a bad option. Run by {@code bench/run-subscriber-bench.sh}; never part of
 * {@code mvn verify}.
 */
public final class SubscriberBench {

    static final double TARGET_RATIO = 0.85;
    static final int TARGET_MICROS_PER_EVENT = 10;
    private static final String TOPIC = "bench.changes";
    private static final String DEAD_LETTER_TOPIC = TOPIC + ".dlq";
    private static final int WARM_UP_DOCUMENTS = 50_000;
    /**
     * The subscriber's writes (updates, delete, external versions) sent to Elasticsearch before anything is timed,
     * so that its JIT has compiled that work too, not only fresh indexing: otherwise the first timed phase (the
     * subscriber's) pays for the compiling and the later ones (ceiling, replay) do not.
     */
    private static final int WARM_UP_WRITES = 100_000;

    private SubscriberBench() {
    }

    public static void main(String[] args) {
        BenchLauncher.launch("subscriber bench", SubscriberBenchOptions.USAGE, args, SubscriberBenchOptions::parse, SubscriberBench::run);
    }

    /** The subscriber's writes sent straight to Elasticsearch, the documents they left and what it did for them. */
    private record Replay(DirectBulkIndexing.Trial trial, long documentsInIndex, IndexingWork work) {
    }

    /** One subscriber run, what Elasticsearch and Kafka held after it and what Elasticsearch did meanwhile. */
    private record SubscriberRun(String label, boolean compared, SubscriberDrain.Figures figures, long documentsInIndex,
                                 long deadLetters, IndexingWork work, String profile) {
    }

    private static void run(SubscriberBenchOptions options) throws Exception {
        CpuPinning pinning = CpuPinning.choose(options.pin()); // before anything starts: it may refuse
        Path directory = options.outputRoot()
                .resolve(LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString().replace(':', '-'));
        Files.createDirectories(directory);
        String machine = describeMachine();
        // A copy: a build running meanwhile may replace the jar under the child's feet.
        Path subscriberJar = Files.copy(options.subscriberJar(), directory.resolve("es-subscriber.jar"));
        Optional<Path> compareJar = options.compareJar().isEmpty() ? Optional.empty()
                : Optional.of(Files.copy(options.compareJar().get(), directory.resolve("es-subscriber-compared.jar")));
        progress("run directory " + directory);
        progress("starting Kafka and Elasticsearch (local-stack)");
        RunningKafka kafka = LocalStack.kafka();
        RunningElasticsearch elasticsearchNode = LocalStack.elasticsearch();
        ElasticsearchRest elasticsearch = new ElasticsearchRest(elasticsearchNode.url());
        SubscriberDrain.Servers servers = new SubscriberDrain.Servers(
                ServerProcesses.elasticsearchPid(elasticsearchNode),
                ServerProcesses.kafkaPid(kafka));
        List<String> pinned = new ArrayList<>();
        if (pinning.pins()) {
            // Elasticsearch alone on one CPU: then it is the bottleneck of both the ceiling and the subscriber runs.
            pinned.add(pinning.pinServer(servers.elasticsearchPid(), "Elasticsearch"));
            pinned.add(pinning.pinClient(servers.kafkaPid(), "the Kafka broker"));
            pinned.add(pinning.pinThisJvm("the bench JVM (the direct bulk client)"));
            pinned.forEach(BenchText::progress);
        }
        kafka.createTopic(TOPIC, options.partitions());
        // The subscriber creates its dead-letter topic when missing; made here so that no run pays for it.
        kafka.createTopic(DEAD_LETTER_TOPIC, 1);

        ChangeEventWorkload workload = new ChangeEventWorkload(options.events(), options.tables());
        progress("writing " + options.events() + " change events over " + options.tables() + " tables to " + TOPIC);
        ChangeEventWorkload.Produced produced = workload.produce(kafka.bootstrapServers(), TOPIC,
                options.partitions());
        long finalRows = workload.finalRows();
        List<String> indices = workload.indices();
        progress(String.format("written in %s: %,d inserts, %,d updates, %,d deletes; %,d rows remain",
                seconds(produced.took()), produced.inserts(), produced.updates(), produced.deletes(), finalRows));

        try (Admin admin = Admin.create(adminProperties(kafka.bootstrapServers()))) {
            Map<TopicPartition, Long> endOffsets = endOffsets(admin, TOPIC, options.partitions());
            long inTopic = endOffsets.values().stream().mapToLong(Long::longValue).sum();
            if (inTopic != produced.events()) {
                throw new IllegalStateException("the topic holds " + inTopic + " records, " + produced.events()
                        + " were written");
            }

            Path bulkFile = directory.resolve("final-documents.ndjson");
            long[] offsets = workload.writeFinalDocuments(bulkFile);
            int documents = Math.toIntExact(finalRows);
            Path operationsFile = directory.resolve("operations.ndjson");
            long[] operationOffsets = workload.writeOperations(operationsFile);
            int warmUpWrites = (int) Math.min(WARM_UP_WRITES, produced.events());
            progress(String.format("warming Elasticsearch up (%,d documents, then %,d of the subscriber's writes;"
                    + " not timed)", Math.min(WARM_UP_DOCUMENTS, documents), warmUpWrites));
            DirectBulkIndexing.run(elasticsearch, indices, Map.of(), bulkFile, offsets,
                    Math.min(WARM_UP_DOCUMENTS, documents), 1000, 1, servers.elasticsearchPid(), options.timeout());
            // One request at a time: the writes must arrive in order (versions), as the replay's do.
            DirectBulkIndexing.run(elasticsearch, indices, Map.of(), operationsFile, operationOffsets, warmUpWrites,
                    1000, 1, servers.elasticsearchPid(), options.timeout());

            List<SubscriberRun> runs = new ArrayList<>();
            List<Integer> maxPolls = options.maxPollRecords();
            for (int i = 0; i < maxPolls.size(); i++) {
                // With --compare-jar, every other pair runs the compared jar first (A B, B A, ...): Elasticsearch
                // gets faster from run to run, which would otherwise favour whichever jar runs second.
                List<Boolean> order = compareJar.isEmpty() ? List.of(false)
                        : i % 2 == 0 ? List.of(false, true) : List.of(true, false);
                for (boolean compared : order) {
                    runs.add(drainWithSubscriber(options, pinning, compared ? compareJar.get() : subscriberJar,
                            compared, directory, kafka, elasticsearch, servers, admin, endOffsets, indices,
                            maxPolls.get(i), runs.size() + 1));
                }
            }
            // The direct runs create the indices as the subscriber did (it may derive mappings from the events).
            Map<String, ObjectNode> layouts = elasticsearch.layouts(indices);
            Files.writeString(directory.resolve("index-layouts.json"), layouts.toString());

            List<DirectBulkIndexing.Trial> ceiling = new ArrayList<>();
            Map<DirectBulkIndexing.Trial, IndexingWork> ceilingWork = new HashMap<>();
            for (int batchSize : options.ceilingBatchSizes()) {
                for (int concurrency : options.ceilingConcurrency()) {
                    elasticsearch.deleteIndices(indices); // their totals would leave the _stats
                    IndexingWork before = elasticsearch.indexingWork();
                    DirectBulkIndexing.Trial trial = DirectBulkIndexing.run(elasticsearch, indices, layouts, bulkFile,
                            offsets, documents, batchSize, concurrency, servers.elasticsearchPid(), options.timeout());
                    ceilingWork.put(trial, elasticsearch.indexingWork().minus(before));
                    progress(String.format("direct _bulk, %d documents x %d concurrent: %s, %,.0f docs/s",
                            batchSize, concurrency, seconds(trial.took()), trial.rate()));
                    ceiling.add(trial);
                }
            }
            DirectBulkIndexing.Trial best = ceiling.stream()
                    .max(Comparator.comparingDouble(DirectBulkIndexing.Trial::rate)).orElseThrow();
            Files.deleteIfExists(bulkFile);

            // Where the subscriber's time goes: Elasticsearch's part is the time of the same requests sent directly.
            List<Replay> replays = new ArrayList<>();
            for (int maxPollRecords : options.maxPollRecords()) {
                elasticsearch.deleteIndices(indices); // their totals would leave the _stats
                IndexingWork before = elasticsearch.indexingWork();
                DirectBulkIndexing.Trial trial = DirectBulkIndexing.run(elasticsearch, indices, layouts,
                        operationsFile, operationOffsets, Math.toIntExact(produced.events()), maxPollRecords, 1,
                        servers.elasticsearchPid(), options.timeout());
                IndexingWork work = elasticsearch.indexingWork().minus(before);
                long inIndex = elasticsearch.count(indices);
                progress(String.format("direct replay of the %,d writes in batches of %d: %s, %,.0f writes/s;"
                        + " %,d documents", produced.events(), maxPollRecords, seconds(trial.took()), trial.rate(),
                        inIndex));
                replays.add(new Replay(trial, inIndex, work));
            }
            Files.deleteIfExists(operationsFile);
            Files.deleteIfExists(subscriberJar);

            if (pinning.pins()) {
                pinned.add(pinning.requireServerPinned(servers.elasticsearchPid(), "at the end, Elasticsearch"));
            }
            String report = report(options, machine, pinning, pinned, produced, finalRows, workload, ceiling, best,
                    ceilingWork.get(best), runs, replays);
            BenchText.publishReport(directory, report, null);
            check(runs, replays, produced.events(), finalRows);
        }
    }

    private static SubscriberRun drainWithSubscriber(SubscriberBenchOptions options, CpuPinning pinning,
                                                     Path subscriberJar, boolean compared, Path directory,
                                                     RunningKafka kafka, ElasticsearchRest elasticsearch,
                                                     SubscriberDrain.Servers servers, Admin admin,
                                                     Map<TopicPartition, Long> endOffsets, List<String> indices,
                                                     int maxPollRecords, int number) throws Exception {
        elasticsearch.deleteIndices(indices);
        String name = number + "-poll" + maxPollRecords + (compared ? "-compared" : "");
        String group = "bench-subscriber-" + System.currentTimeMillis() + "-" + name;
        progress("draining " + TOPIC + " with es-subscriber" + (compared ? " of --compare-jar" : "") + " (-Xmx" + options.subscriberHeap() + ", max-poll-records "
                + maxPollRecords + ", group " + group + settingsText(options) + ") into fresh indices");
        SubscriberDrain.Launch launch = new SubscriberDrain.Launch(subscriberJar, options.subscriberHeap(),
                options.profiling(), pinning, directory, name);
        IndexingWork before = elasticsearch.indexingWork();
        SubscriberDrain.Figures figures = SubscriberDrain.drain(launch,
                new SubscriberDrain.Target(kafka.bootstrapServers(), TOPIC, group, maxPollRecords,
                        elasticsearch.url(), endOffsets, options.subscriberSettings()),
                servers, admin, options.timeout());
        IndexingWork work = elasticsearch.indexingWork().minus(before);
        long inIndex = elasticsearch.count(indices);
        long deadLetters = endOffsets(admin, DEAD_LETTER_TOPIC, 1).values().stream().mapToLong(Long::longValue).sum();
        progress(String.format("es-subscriber: %s (startup %s); %,d documents in Elasticsearch; CPU subscriber %.1f s"
                        + " (%.1f µs per event after the first commit), Elasticsearch %.1f s",
                seconds(figures.took()), seconds(figures.startup()), inIndex, figures.cpu().subscriber(),
                microsPerEvent(figures.streaming().subscriberSeconds(), figures.streaming().events()),
                figures.cpu().elasticsearch()));
        String profile = options.profiling() == BenchOptions.Profiling.JFR
                ? JfrHotSpots.summarize(launch.file(".jfr"), 25) : "";
        return new SubscriberRun(maxPollRecords + (compared ? " compared" : ""), compared, figures, inIndex, deadLetters, work, profile);
    }

    /** Throws when a run left Elasticsearch or the dead-letter topic other than the events say. */
    private static void check(List<SubscriberRun> runs, List<Replay> replays, long events, long finalRows) {
        List<String> problems = new ArrayList<>();
        for (Replay replay : replays) {
            if (replay.documentsInIndex() != finalRows) {
                problems.add("the direct replay in batches of " + replay.trial().batchSize() + " left "
                        + replay.documentsInIndex() + " documents, expected " + finalRows);
            }
        }
        for (SubscriberRun run : runs) {
            String which = "the run with max-poll-records " + run.label();
            if (run.documentsInIndex() != finalRows) {
                problems.add(which + " left " + run.documentsInIndex() + " documents in Elasticsearch, expected "
                        + finalRows);
            }
            if (run.figures().applied() != events) {
                problems.add(which + " counted " + run.figures().applied() + " applied writes, expected " + events);
            }
            if (run.deadLetters() != 0) {
                problems.add(which + ": the dead-letter topic holds " + run.deadLetters() + " records");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("; ", problems) + ": the figures above are not valid");
        }
    }

    private static String report(SubscriberBenchOptions options, String machine, CpuPinning pinning,
                                 List<String> pinned, ChangeEventWorkload.Produced produced, long finalRows, ChangeEventWorkload workload,
                                 List<DirectBulkIndexing.Trial> ceiling, DirectBulkIndexing.Trial best,
                                 IndexingWork ceilingWork, List<SubscriberRun> runs, List<Replay> replays) {
        long events = produced.events();
        StringBuilder out = new StringBuilder();
        out.append(String.format("Tributary subscriber benchmark, %s%n", OffsetDateTime.now()
                .truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)));
        out.append(String.format("machine: %s%n", machine));
        out.append("stack: Kafka single broker, Elasticsearch single node with a 512 MiB heap (local-stack)\n");
        out.append(String.format("CPU pinning: %s%n", pinning.describe()));
        for (String line : pinned) {
            out.append(String.format("  %s%n", line));
        }
        out.append(String.format("topic %s: %d partitions (%d with events), %,d change events over %d tables"
                        + " (%,d inserts, %,d updates, %,d deletes; %,d MiB of keys and values), written in %s;"
                        + " %,d rows remain%n", TOPIC, options.partitions(),
                workload.partitionsInUse(options.partitions()), events, options.tables(), produced.inserts(),
                produced.updates(), produced.deletes(), produced.bytes() >> 20, seconds(produced.took()), finalRows));
        if (options.profiling() == BenchOptions.Profiling.JFR) {
            out.append("NOTE: the subscriber ran with a JFR profile; its rate includes the recorder's overhead\n");
        }

        out.append(String.format("%nElasticsearch's ceiling, measured after the subscriber runs: the %,d final"
                + " documents bulk-indexed straight into fresh indices created as the subscriber's were (external versions, no"
                + " client work)%n", finalRows));
        out.append(String.format("%10s %10s %9s %10s %8s %8s %8s %8s%n", "docs/bulk", "concurrent", "time", "docs/s",
                "ES CPU", "ES JIT", "ES busy", "machine"));
        for (DirectBulkIndexing.Trial trial : ceiling) {
            out.append(String.format("%10d %10d %9s %,10.0f %6.1f s %6.1f s %8.2f %6.1f s%s%n", trial.batchSize(),
                    trial.concurrency(), seconds(trial.took()), trial.rate(), trial.serverSeconds(),
                    trial.serverCompilerSeconds(), trial.serverSeconds() / secondsOf(trial.took()),
                    trial.machineSeconds(),
                    trial == best ? "  <- ceiling" : ""));
        }
        out.append("ES busy = Elasticsearch's CPU seconds / wall seconds: the cores it kept busy (1.00 = the one CPU"
                + " it is pinned to); ES JIT = its JIT compiler threads' part of its CPU\n");

        out.append(String.format("%nes-subscriber (-Xmx%s%s), each run a new consumer group into fresh indices;"
                + " rates are events (= bulk operations) per second%n", options.subscriberHeap(),
                settingsText(options)));
        out.append(String.format("%9s %9s %10s %8s %9s %10s %14s %17s%n", "max-poll", "time", "events/s",
                "startup", "w/o start", "events/s", "ratio (target", "heap max / after"));
        out.append(String.format("%9s %9s %10s %8s %9s %10s %14s %17s%n", "records", "(launch)", "", "", "", "",
                String.format(">= %.2f)", TARGET_RATIO), "GC (MiB)"));
        for (SubscriberRun run : runs) {
            SubscriberDrain.Figures f = run.figures();
            double fromLaunch = events / secondsOf(f.took());
            double streaming = events / secondsOf(f.took().minus(f.startup()));
            out.append(String.format("%9s %9s %,10.0f %8s %9s %,10.0f %6.2f / %5.2f %8d / %6d%n",
                    run.label(), seconds(f.took()), fromLaunch, seconds(f.startup()),
                    seconds(f.took().minus(f.startup())), streaming, fromLaunch / best.rate(),
                    streaming / best.rate(), f.maxHeapUsed() >> 20, f.maxHeapAfterGc() >> 20));
        }
        out.append(String.format("%nratio = subscriber events/s / ceiling docs/s (%,.0f), from launch / without"
                + " startup%n", best.rate()));
        out.append(String.format("%nCPU of each subscriber run: from launch, and from the first commit to the last"
                + " (\"streaming\", without the JVM's start), and streaming without the JIT compiler threads (the"
                + " warm-up a long-running service pays once); the target is <= %d µs of subscriber CPU per event%n",
                TARGET_MICROS_PER_EVENT));
        out.append(String.format("%9s %11s %9s %11s %9s %9s %8s %8s %9s %8s%n", "max-poll", "subscriber",
                "µs/event", "streaming", "µs/event", "µs/event", "ES CPU", "ES busy", "streaming", "Kafka"));
        out.append(String.format("%9s %11s %9s %11s %9s %9s %8s %8s %9s %8s%n", "records", "CPU", "", "subscriber",
                "", "w/o JIT", "", "", "ES busy", "CPU"));
        for (SubscriberRun run : runs) {
            SubscriberDrain.Figures f = run.figures();
            SubscriberDrain.Streaming streaming = f.streaming();
            double streamingSeconds = secondsOf(f.took().minus(f.startup()));
            out.append(String.format("%9s %9.1f s %9.1f %9.1f s %9.1f %9.1f %6.1f s %8.2f %9.2f %6.1f s%n",
                    run.label(), f.cpu().subscriber(), microsPerEvent(f.cpu().subscriber(), events),
                    streaming.subscriberSeconds(), microsPerEvent(streaming.subscriberSeconds(), streaming.events()),
                    microsPerEvent(streaming.subscriberSeconds() - streaming.compilerSeconds(), streaming.events()),
                    f.cpu().elasticsearch(), f.cpu().elasticsearch() / secondsOf(f.took()),
                    streamingSeconds > 0 ? streaming.elasticsearchSeconds() / streamingSeconds : 0,
                    f.cpu().kafka()));
        }
        for (SubscriberRun run : runs) {
            out.append(String.format("max-poll-records %s, streaming CPU by thread of the subscriber: %s%n",
                    run.label(), SubscriberDrain.Streaming.describeThreads(
                            run.figures().streaming().subscriberThreads())));
            out.append(String.format("  and of Elasticsearch: %s%n", SubscriberDrain.Streaming.describeThreads(
                    run.figures().streaming().elasticsearchThreads())));
        }
        for (SubscriberRun run : runs) {
            SubscriberDrain.Figures f = run.figures();
            double fromLaunch = events / secondsOf(f.took()) / best.rate();
            out.append(String.format("max-poll-records %s: target %s (%.2f from launch); to the same final state"
                            + " %.2f (direct %s vs %s); %,d bulk requests of %,.0f writes on average, %.1f s of"
                            + " request time in total (%.0f %% of the run; concurrent requests overlap); CPU"
                            + " subscriber %.1f s, Elasticsearch %.1f s, Kafka %.1f s,"
                            + " machine %.1f s of %.1f; %d GC pauses, %.2f s; applied %,d, in Elasticsearch %,d"
                            + " (expected %,d), dead letters %d; exit status after SIGTERM %d%n",
                    run.label(), fromLaunch >= TARGET_RATIO ? "met" : "NOT met", fromLaunch,
                    secondsOf(best.took()) / secondsOf(f.took()), seconds(best.took()), seconds(f.took()),
                    f.bulks().requests(), (double) f.bulks().operations() / Math.max(1, f.bulks().requests()),
                    f.bulks().seconds(), 100 * f.bulks().seconds() / secondsOf(f.took()), f.cpu().subscriber(),
                    f.cpu().elasticsearch(), f.cpu().kafka(), f.cpu().machine(),
                    2 * secondsOf(f.took()), f.gcPauses(), f.gcPauseSeconds(), f.applied(), run.documentsInIndex(),
                    finalRows, run.deadLetters(), f.exitStatus()));
        }
        out.append(String.format("%nthe subscriber's writes (%,d: an index or delete per event) sent straight to"
                + " Elasticsearch, one request of max-poll-records writes at a time: Elasticsearch's part of the"
                + " subscriber's time%n", events));
        out.append(String.format("%10s %9s %10s %8s %8s %8s %8s %10s %s%n", "writes/bulk", "time", "writes/s",
                "ES CPU", "ES JIT", "ES busy", "machine", "documents", "subscriber time / replay time"));
        List<SubscriberRun> uncompared = runs.stream().filter(run -> !run.compared()).toList();
        for (int i = 0; i < replays.size(); i++) {
            DirectBulkIndexing.Trial trial = replays.get(i).trial();
            out.append(String.format("%10d %9s %,10.0f %6.1f s %6.1f s %8.2f %6.1f s %,10d %.2f%n",
                    trial.batchSize(), seconds(trial.took()), trial.rate(), trial.serverSeconds(),
                    trial.serverCompilerSeconds(),
                    trial.serverSeconds() / secondsOf(trial.took()), trial.machineSeconds(),
                    replays.get(i).documentsInIndex(), secondsOf(uncompared.get(i).figures().took())
                            / secondsOf(trial.took())));
        }
        out.append(String.format("%nwhat Elasticsearch did (_stats deltas; times add up over its threads):%n"));
        out.append(String.format("  ceiling (%d x %d): %s%n", best.batchSize(), best.concurrency(),
                ceilingWork.describe()));
        for (SubscriberRun run : runs) {
            out.append(String.format("  subscriber, max-poll-records %s: %s%n", run.label(),
                    run.work().describe()));
        }
        for (Replay replay : replays) {
            out.append(String.format("  replay in batches of %d: %s%n", replay.trial().batchSize(),
                    replay.work().describe()));
        }
        for (SubscriberRun run : runs) {
            if (!run.profile().isEmpty()) {
                out.append(String.format("%nprofile of the run with max-poll-records %s:%n%s", run.label(),
                        run.profile()));
            }
        }
        return out.toString();
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = IntStream.range(0, partitions)
                .mapToObj(p -> new TopicPartition(topic, p))
                .collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private static Properties adminProperties(String bootstrapServers) {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "subscriber-bench-admin");
        return properties;
    }

    /** CPU microseconds per event; 0 without events. */
    private static double microsPerEvent(double cpuSeconds, long events) {
        return events > 0 ? cpuSeconds * 1e6 / events : 0;
    }

    /** The extra subscriber settings of {@code --set}, for the progress lines and the report; empty without any. */
    private static String settingsText(SubscriberBenchOptions options) {
        return options.subscriberSettings().isEmpty() ? "" : ", " + String.join(", ", options.subscriberSettings());
    }
}
