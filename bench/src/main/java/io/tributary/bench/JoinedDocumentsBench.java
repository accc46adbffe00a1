package io.tributary.bench;

import static io.tributary.bench.BenchText.describeMachine;
import static io.tributary.bench.BenchText.progress;
import static io.tributary.bench.BenchText.seconds;
import static io.tributary.bench.BenchText.secondsOf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.localstack.LocalStack;
import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.RunningPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The joined-documents benchmark (issue #12), side by side on one machine and one data set ({@link ShopTables} at
 * {@code --scale}):
 * <ol>
 *   <li><b>Full build</b>: es-subscriber starts with the {@code orders} document type on a fresh index and builds
 *       every document in the background; timed from its launch until the index's mapping records the build
 *       ({@code _meta.tributary_built}). Against the <b>ceiling</b>: the same join as one SQL query producing each
 *       order's JSON, read with a cursor and bulk-indexed straight into an index with the same mapping
 *       ({@link JoinExport}), with the ceiling's request shape and with the subscriber's (a page a request, one at
 *       a time); the faster is the ceiling. Target: at least {@value #TARGET_RATIO}× its documents/s. A sample of
 *       documents of both indices must be equal.
 *   <li><b>Fan-out</b> and <b>steady state</b> ({@link StreamingPhases}), with etl-producer streaming.
 * </ol>
 * Between phases it waits until Elasticsearch runs no merge ({@link DocumentBenchStage#settle}).
 * Exit status: 0 when the figures were measured (whether or not they meet the target), 1 when the run failed (also
 * when a check failed), 2 for a bad option. Run by {@code bench/run-documents-bench.sh}; never part of
 * {@code mvn verify}.
 */
public final class JoinedDocumentsBench {

    static final double TARGET_RATIO = 0.7;
    private static final String DOCUMENT = DocumentServices.DOCUMENT;
    static final String DIRECT = "orders_direct";
    private static final int COMPARED_DOCUMENTS = 1000;
    private static final long STOP_SECONDS = 60;

    private JoinedDocumentsBench() {
    }

    public static void main(String[] args) {
        BenchLauncher.launch("joined-documents bench", JoinedDocumentsBenchOptions.USAGE, args,
                JoinedDocumentsBenchOptions::parse, JoinedDocumentsBench::run);
    }

    /**
     * @param took      launch until {@code _meta.tributary_built} was seen
     * @param startup   launch until the build gauge first showed documents (JVM start, checks, the first page)
     * @param rebuilt   {@code tributary_subscriber_documents_rebuilt_total} at the end of the build
     * @param maxHeap   the most heap the subscriber's scrapes showed
     * @param cpu       CPU seconds during the build
     * @param work      what Elasticsearch did during the build
     * @param middle    the build from 20 % to 80 % of the documents (rate, CPU per document); "" when too short
     * @param profile   the JFR hot spots of the build; "" without {@code --jfr}
     */
    record Build(long documents, Duration took, Duration startup, long rebuilt, long maxHeap, String cpu,
                 IndexingWork work, String middle, String profile) {
        double rate() {
            return documents / secondsOf(took);
        }

        double rateWithoutStartup() {
            return documents / secondsOf(took.minus(startup));
        }
    }

    private static void run(JoinedDocumentsBenchOptions options) throws Exception {
        Path directory = options.outputRoot()
                .resolve(LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString().replace(':', '-'));
        Files.createDirectories(directory);
        String machine = describeMachine();
        // Copies: a build running meanwhile may replace the jars under the children's feet.
        Path subscriberJar = Files.copy(options.subscriberJar(), directory.resolve("es-subscriber.jar"));
        Path producerJar = options.needsProducer()
                ? Files.copy(options.producerJar(), directory.resolve("etl-producer.jar")) : null;
        progress("run directory " + directory + "; " + machine);
        progress("starting PostgreSQL, Kafka and Elasticsearch (local-stack)");
        RunningPostgres postgres = LocalStack.postgres();
        RunningKafka kafka = LocalStack.kafka();
        RunningElasticsearch elasticsearchNode = LocalStack.elasticsearch();
        ElasticsearchRest elasticsearch = new ElasticsearchRest(elasticsearchNode.url());
        String jdbcUrl = postgres.createDatabase("documents_bench");
        ShopTables shop = new ShopTables(jdbcUrl, postgres.user(), postgres.password(), options.scale());
        progress(String.format("filling the shop at scale %s: %,d orders, %,d items, %,d customers, %,d products"
                        + " (not timed)", options.scale(), shop.orders(), shop.items(), shop.customers(),
                shop.products()));
        Duration fill = shop.createAndFill();
        long postmasterPid;
        try (Connection connection = shop.connect()) {
            postmasterPid = ServerProcesses.postmasterPid(connection);
        }
        kafka.createTopic(DocumentServices.TOPIC, DocumentServices.PARTITIONS);
        DocumentBenchStage stage = new DocumentBenchStage(options, directory, shop, elasticsearch,
                new DocumentServices.Endpoints(postgres, jdbcUrl, kafka, elasticsearchNode.url()), postmasterPid,
                ServerProcesses.elasticsearchPid(elasticsearchNode), ServerProcesses.kafkaPid(kafka));
        long tableBytes = shop.heapBytes();
        progress(String.format("filled in %s (%,d MiB of tables); warming up PostgreSQL's cache and Elasticsearch"
                + " (not timed)", seconds(fill), tableBytes >> 20));
        shop.warmUp();
        warmUpElasticsearch(stage);
        if (!options.refreshInterval().isEmpty()) {
            ObjectNode settings = JsonNodeFactory.instance.objectNode().put("index.refresh_interval",
                    options.refreshInterval());
            elasticsearch.putIndexTemplate("bench-documents-refresh", "orders*", settings);
        }

        ServiceChild.Launch subscriberLaunch = new ServiceChild.Launch(subscriberJar, options.subscriberHeap(),
                options.profiling(), directory, "subscriber");
        stage.settle();
        IndexingWork beforeBuild = elasticsearch.indexingWork();
        try (ServiceChild subscriber = DocumentServices.startSubscriber(subscriberLaunch, stage.endpoints(),
                options.pageSize(), options.subscriberSettings())) {
            Build build = awaitBuild(stage, subscriber, beforeBuild);
            JoinExport.Figures ceiling = direct(stage, "ceiling", options.ceilingBatch(),
                    options.ceilingConcurrency());
            JoinExport.Figures shaped = direct(stage, "direct as the subscriber sends", options.pageSize(), 1);
            stage.settle();
            progress("the SQL export alone, read and dropped (how long PostgreSQL takes for the join)");
            JoinExport.Figures sqlOnly = stage.export("", null, 1);
            progress(String.format("SQL export alone: %s, %,.0f documents/s", seconds(sqlOnly.took()),
                    sqlOnly.rate()));
            String comparison = compareDocuments(stage);

            StreamingPhases.FanOut fanOut = null;
            List<StreamingPhases.Steady> steady = new ArrayList<>();
            int producerExit = -1;
            if (options.needsProducer()) {
                progress("starting the producer (snapshot.mode = never)");
                try (ServiceChild producer = DocumentServices.startProducer(new ServiceChild.Launch(producerJar,
                        options.producerHeap(), BenchOptions.Profiling.NONE, directory, "producer"),
                        stage.endpoints(), shop, Duration.ofMinutes(2))) {
                    StreamingPhases.warmRoundTrip(stage);
                    if (options.fanOut()) {
                        stage.settle();
                        fanOut = StreamingPhases.fanOut(stage, subscriber, producer);
                    }
                    ItemUpdateLoad load = new ItemUpdateLoad(shop, elasticsearch, DOCUMENT);
                    for (int rate : options.steadyRates()) {
                        stage.settle();
                        steady.add(StreamingPhases.steady(stage, load, rate, subscriber, producer));
                    }
                    producerExit = producer.stop(Duration.ofSeconds(STOP_SECONDS));
                }
            }
            String metrics = subscriber.metricsText();
            Files.writeString(directory.resolve("subscriber-metrics.txt"), metrics);
            int subscriberExit = subscriber.stop(Duration.ofSeconds(STOP_SECONDS));
            List<GcPause> pauses = GcPause.read(subscriber.gcLog());
            String wholeProfile = options.profiling() == BenchOptions.Profiling.JFR
                    ? JfrHotSpots.summarize(subscriberLaunch.file(".jfr"), 25) : "";
            Files.deleteIfExists(subscriberJar);
            if (producerJar != null) {
                Files.deleteIfExists(producerJar);
            }
            String report = JoinedDocumentsReport.of(new JoinedDocumentsReport.Run(options, machine,
                    postgres.majorVersion(), shop, tableBytes, build, ceiling, shaped, sqlOnly, comparison, fanOut,
                    steady, pauses, subscriberExit, producerExit, wholeProfile));
            BenchText.publishReport(directory, report, null);
            if (!comparison.startsWith("equal")) {
                throw new IllegalStateException("the subscriber's and the direct documents differ: " + comparison);
            }
        }
    }

    /**
     * Indexes the first orders (half, at most 100,000) into a scratch index with {@code items} nested, as the
     * document index maps them, and deletes it: Elasticsearch's code for nested documents is compiled before either
     * timed build (not timed). A freshly started node spends CPU-seconds compiling its hot code; with a quarter
     * (at most 50,000) here, the first build still paid for part of that.
     */
    private static void warmUpElasticsearch(DocumentBenchStage stage) throws Exception {
        String index = "orders_warmup";
        ObjectNode layout = JsonNodeFactory.instance.objectNode();
        ObjectNode properties = layout.putObject("mappings").putObject("properties");
        properties.putObject("items").put("type", "nested");
        stage.elasticsearch().deleteIndices(List.of(index));
        stage.elasticsearch().createIndex(index, layout);
        stage.export("o.id <= " + Math.min(100_000, stage.shop().orders() / 2), index, 1);
        stage.elasticsearch().deleteIndices(List.of(index));
    }

    private static Build awaitBuild(DocumentBenchStage stage, ServiceChild subscriber, IndexingWork workBefore)
            throws Exception {
        progress(String.format("es-subscriber (-Xmx%s, page-size %d) building %s from scratch", stage.options()
                .subscriberHeap(), stage.options().pageSize(), DOCUMENT));
        CpuWindow cpu = new CpuWindow(Map.of("subscriber", subscriber.pid(), "Elasticsearch",
                stage.elasticsearchPid()), stage.postmasterPid());
        long started = subscriber.launchedAtNanos();
        long deadline = started + stage.options().timeout().toNanos();
        long firstDocumentsAt = 0;
        long maxHeap = 0;
        long nextProgress = started + 10_000_000_000L;
        Path hotThreads = stage.directory().resolve("hot-threads-build.txt");
        String label = "document=\"" + DOCUMENT + "\"";
        long orders = stage.shop().orders();
        long[] fifth = null; // at 20 % of the documents: time, documents, CPU of Elasticsearch, subscriber, machine
        String middle = "";
        while (true) {
            subscriber.requireRunningAfter(250, "the full build of " + DOCUMENT + " was done");
            long now = System.nanoTime();
            if (now > deadline) {
                throw new IllegalStateException("the full build was not done within " + stage.options().timeout()
                        .toMinutes() + " min" + subscriber.logTail());
            }
            cpu.sample();
            String metrics = subscriber.metricsText();
            double built = metrics.isEmpty() ? 0
                    : MetricsSample.sum(metrics, "tributary_subscriber_document_build_documents", label);
            if (!metrics.isEmpty()) {
                maxHeap = Math.max(maxHeap, MetricsSample.parse(now, metrics).heapUsedBytes());
            }
            if (firstDocumentsAt == 0 && built > 0) {
                firstDocumentsAt = now;
            }
            if (fifth == null && built >= orders / 5 || middle.isEmpty() && built >= orders * 4 / 5 && fifth != null) {
                long[] sample = {now, (long) built, CpuMeter.processTicks(stage.elasticsearchPid()),
                        CpuMeter.processTicks(subscriber.pid()), CpuMeter.machineBusyTicks()};
                if (fifth == null) {
                    fifth = sample;
                } else {
                    middle = middleOfTheBuild(fifth, sample);
                }
            }
            if (now > nextProgress) {
                nextProgress = now + 10_000_000_000L;
                progress(String.format("  %,.0f documents built after %s", built,
                        seconds(Duration.ofNanos(now - started))));
                Files.writeString(hotThreads, "\n=== " + seconds(Duration.ofNanos(now - started)) + " after launch\n"
                        + stage.elasticsearch().hotThreads(), StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
            if (isBuilt(stage.elasticsearch())) {
                Duration took = Duration.ofNanos(now - started);
                String cpuText = cpu.describe();
                IndexingWork work = stage.elasticsearch().indexingWork().minus(workBefore);
                String rebuiltText = subscriber.metricsText();
                String profile = "";
                if (stage.options().profiling() == BenchOptions.Profiling.JFR) {
                    Path buildJfr = stage.directory().resolve("subscriber-build.jfr");
                    DocumentServices.dumpRecording(subscriber, buildJfr);
                    profile = JfrHotSpots.summarize(buildJfr, 25);
                }
                long documents = stage.elasticsearch().count(List.of(DOCUMENT));
                if (documents != stage.shop().orders()) {
                    throw new IllegalStateException(DOCUMENT + " holds " + documents + " documents after the build,"
                            + " not " + stage.shop().orders());
                }
                Build build = new Build(documents, took, Duration.ofNanos((firstDocumentsAt == 0 ? now
                        : firstDocumentsAt) - started), (long) MetricsSample.sum(rebuiltText,
                        "tributary_subscriber_documents_rebuilt_total", label), maxHeap, cpuText, work, middle,
                        profile);
                progress(String.format("built: %,d documents in %s from launch, %,.0f documents/s (%,.0f without"
                        + " startup); CPU %s", documents, seconds(took), build.rate(), build.rateWithoutStartup(),
                        cpuText));
                return build;
            }
        }
    }

    /**
     * The build between two samples ({@code fifth} at 20 % of the documents, {@code end} at 80 %), without its start
     * and end: documents/s, and CPU microseconds per document of Elasticsearch, the subscriber and the machine.
     */
    private static String middleOfTheBuild(long[] fifth, long[] end) {
        double documents = end[1] - fifth[1];
        double perDocument = 1e6 / CpuMeter.TICKS_PER_SECOND / documents;
        return String.format("%,.0f documents/s; per document: Elasticsearch %.0f us, subscriber %.0f us, machine %.0f"
                        + " us of CPU", documents / ((end[0] - fifth[0]) / 1e9), (end[2] - fifth[2]) * perDocument,
                (end[3] - fifth[3]) * perDocument, (end[4] - fifth[4]) * perDocument);
    }

    private static boolean isBuilt(ElasticsearchRest elasticsearch) throws InterruptedException {
        try {
            return elasticsearch.mappingMeta(DOCUMENT).has("tributary_built");
        } catch (IOException e) {
            return false; // no index yet
        }
    }

    /**
     * The direct export into {@value #DIRECT}, created anew with the subscriber's index's mappings and shards, with
     * {@code batchSize} documents a {@code _bulk} request and {@code concurrency} requests in flight.
     */
    private static JoinExport.Figures direct(DocumentBenchStage stage, String what, int batchSize, int concurrency)
            throws Exception {
        ElasticsearchRest elasticsearch = stage.elasticsearch();
        String index = DOCUMENT + "-000001";
        ObjectNode layout = elasticsearch.layouts(List.of(index)).get(index);
        ((ObjectNode) layout.get("mappings")).remove("_meta");
        Files.writeString(stage.directory().resolve("index-layout.json"), layout.toString());
        elasticsearch.deleteIndices(List.of(DIRECT));
        elasticsearch.createIndex(DIRECT, layout);
        stage.settle();
        progress(String.format("%s: the join as one SQL query, bulk-indexed into %s (%d documents a request, %d in"
                + " flight)", what, DIRECT, batchSize, concurrency));
        JoinExport.Figures figures = JoinExport.run(stage.shop(), new JoinExport.Target("", DIRECT, 1, batchSize,
                concurrency), elasticsearch, stage.postmasterPid(), stage.elasticsearchPid(),
                stage.options().timeout());
        long documents = elasticsearch.count(List.of(DIRECT));
        if (documents != stage.shop().orders()) {
            throw new IllegalStateException(DIRECT + " holds " + documents + " documents, not "
                    + stage.shop().orders());
        }
        progress(String.format("%s: %,d documents in %s, %,.0f documents/s", what, figures.documents(),
                seconds(figures.took()), figures.rate()));
        return figures;
    }

    /**
     * Compares {@value #COMPARED_DOCUMENTS} documents spread over the keys in both indices (without Tributary's own
     * fields): "equal (N documents)", or the first difference.
     */
    private static String compareDocuments(DocumentBenchStage stage) throws Exception {
        long orders = stage.shop().orders();
        int n = (int) Math.min(COMPARED_DOCUMENTS, orders);
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(Long.toString(1 + i * orders / n));
        }
        JsonNode built = stage.elasticsearch().get(DOCUMENT, ids, "");
        JsonNode direct = stage.elasticsearch().get(DIRECT, ids, "");
        for (int i = 0; i < n; i++) {
            JsonNode a = built.path(i).path("_source");
            JsonNode b = direct.path(i).path("_source");
            if (a instanceof ObjectNode object) {
                object.remove(List.of("_tributary_deleted", "_tributary_table"));
            }
            if (a.isMissingNode() || !a.equals(b)) {
                return "document " + ids.get(i) + ": subscriber " + a + ", direct " + b;
            }
        }
        return "equal (" + n + " documents spread over the keys)";
    }

}
