package io.tributary.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * One subscriber run: es-subscriber.jar as a child JVM (its own heap limit, GC log and, with {@code --jfr}, a JFR
 * recording) in a new consumer group on a topic that already holds every event, timed from launch until the
 * group's committed offsets reach the end offsets of every partition, i.e. until Elasticsearch accepted every
 * event (the subscriber commits only then). The group's offsets are read every {@value #SAMPLE_MILLIS} ms (so
 * times are up to that much long), and {@code /metrics} scraped every {@value #SCRAPE_EVERY}th time for the heap
 * (a scrape costs the subscriber CPU). Then it is stopped with
 * SIGTERM, as in production.
 */
final class SubscriberDrain {

    private static final long SAMPLE_MILLIS = 200;
    private static final int SCRAPE_EVERY = 5;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(10);

    private SubscriberDrain() {
    }

    /**
     * What runs, on which CPU ({@link CpuPinning#clientCpu}), and where its files go: {@code subscriber-<name>.conf},
     * {@code .log}, {@code -gc.log}, …
     */
    record Launch(Path jar, String heap, BenchOptions.Profiling profiling, CpuPinning pinning, Path directory,
                  String name) {
        Path file(String suffix) {
            return directory.resolve("subscriber-" + name + suffix);
        }
    }

    /** What the subscriber consumes and where it writes. */
    record Target(String bootstrapServers, String topic, String groupId, int maxPollRecords,
                  String elasticsearchUrl, Map<TopicPartition, Long> endOffsets, List<String> extraSettings) {
    }

    /** Process ids of the stack's servers, for their CPU time (0: unknown). */
    record Servers(long elasticsearchPid, long kafkaPid) {
    }

    /**
     * @param took            launch until every partition's committed offset reached its end
     * @param startup         launch until the first offset was committed (JVM start, checks, joining the group, the
     *                        first batch)
     * @param applied         writes Elasticsearch accepted ({@code tributary_subscriber_documents_total})
     * @param maxHeapUsed     the largest heap use a scrape saw
     * @param maxHeapAfterGc  the largest heap a G1 pause left: what the subscriber retains
     * @param cpu             CPU seconds during the run: subscriber, Elasticsearch, Kafka, whole machine
     * @param streaming       the same after the first commit (without the subscriber's startup)
     * @param bulks           the subscriber's bulk requests, operations in them and seconds spent waiting for them
     *                        (its {@code tributary_subscriber_bulk_operations} and {@code _bulk_latency_seconds})
     */
    record Figures(Duration took, Duration startup, long applied, long maxHeapUsed, long maxHeapAfterGc,
                   int gcPauses, double gcPauseSeconds, Cpu cpu, Streaming streaming, Bulks bulks,
                   int exitStatus) {
    }

    /** The subscriber's own account of its bulk requests, from its last {@code /metrics}; -1 when unknown. */
    record Bulks(long requests, long operations, double seconds) {
        static Bulks parse(String metrics) {
            return new Bulks((long) metric(metrics, "tributary_subscriber_bulk_operations_count"),
                    (long) metric(metrics, "tributary_subscriber_bulk_operations_sum"),
                    metric(metrics, "tributary_subscriber_bulk_latency_seconds_sum"));
        }

        private static double metric(String metrics, String name) {
            for (String line : metrics.split("\n")) {
                if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return -1;
        }
    }

    /** CPU seconds used during a run. */
    record Cpu(double subscriber, double elasticsearch, double kafka, double machine) {
    }

    /**
     * From the first commit to the last: the events committed meanwhile and the CPU seconds the subscriber and
     * Elasticsearch used for them (so without the subscriber's JVM start, JIT warm-up of the first batch and
     * joining the group).
     */
    record Streaming(long events, double subscriberSeconds, double elasticsearchSeconds,
                     Map<String, Double> subscriberThreads, Map<String, Double> elasticsearchThreads) {

        /**
         * CPU seconds of the JIT compiler threads (C1, C2): the JVM's warm-up, which a service running for hours
         * pays once, but a run of a few hundred thousand events pays per event.
         */
        double compilerSeconds() {
            return compilerSeconds(subscriberThreads);
        }

        static double compilerSeconds(Map<String, Double> threads) {
            return threads.entrySet().stream()
                    .filter(group -> group.getKey().matches("C[12] CompilerThre.*"))
                    .mapToDouble(Map.Entry::getValue).sum();
        }

        /** {@code tributary-consumer 3.1 s, GC Thread 1.2 s, …}: the groups above 0.05 s. */
        static String describeThreads(Map<String, Double> threads) {
            StringBuilder text = new StringBuilder();
            threads.forEach((group, seconds) -> {
                if (seconds >= 0.05) {
                    text.append(text.length() == 0 ? "" : ", ").append(String.format("%s %.1f s", group, seconds));
                }
            });
            return text.toString();
        }
    }

    static Figures drain(Launch launch, Target target, Servers servers, Admin admin, Duration timeout)
            throws IOException, InterruptedException, ExecutionException, TimeoutException {
        int port = ProducerDrain.freePort();
        Path config = launch.file(".conf");
        Files.writeString(config, configuration(target, port));
        Path log = launch.file(".log");
        Path gcLog = launch.file("-gc.log");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build();
        long elasticsearchTicks = CpuMeter.processTicks(servers.elasticsearchPid());
        long kafkaTicks = CpuMeter.processTicks(servers.kafkaPid());
        long machineTicks = CpuMeter.machineBusyTicks();
        long subscriberTicks = 0;
        long subscriberTicksAtFirstCommit = 0;
        long elasticsearchTicksAtFirstCommit = 0;
        long committedAtFirstCommit = 0;
        Map<Long, CpuMeter.ThreadTicks> threadsAtFirstCommit = Map.of();
        Map<Long, CpuMeter.ThreadTicks> threadsLast = Map.of();
        Map<Long, CpuMeter.ThreadTicks> elasticsearchThreadsAtFirstCommit = Map.of();
        long maxHeapUsed = 0;
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        long firstCommitAt = 0;
        long doneAt = 0;
        int samples = 0;
        Process process = ChildJvm.start(launch.jar(), launch.heap(), config, log, gcLog,
                launch.profiling() == BenchOptions.Profiling.JFR ? launch.file(".jfr") : null, launch.pinning());
        try {
            while (doneAt == 0) {
                if (process.waitFor(SAMPLE_MILLIS, TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("the subscriber exited with status " + process.exitValue()
                            + " before committing every offset" + RecvlogicalDrain.tail(log));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the subscriber did not commit every offset within "
                            + timeout.toMinutes() + " min" + RecvlogicalDrain.tail(log));
                }
                subscriberTicks = Math.max(subscriberTicks, CpuMeter.processTicks(process.pid()));
                Map<Long, CpuMeter.ThreadTicks> threads = CpuMeter.threadTicks(process.pid());
                threadsLast = threads.isEmpty() ? threadsLast : threads;
                MetricsSample sample = ++samples % SCRAPE_EVERY == 1 ? MetricsSample.scrape(http, scrape) : null;
                if (sample != null) {
                    maxHeapUsed = Math.max(maxHeapUsed, sample.heapUsedBytes());
                }
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(target.groupId())
                        .partitionsToOffsetAndMetadata().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                long now = System.nanoTime();
                long committedNow = committed(committed, target.endOffsets());
                if (firstCommitAt == 0 && committedNow > 0) {
                    firstCommitAt = now;
                    subscriberTicksAtFirstCommit = subscriberTicks;
                    elasticsearchTicksAtFirstCommit = CpuMeter.processTicks(servers.elasticsearchPid());
                    committedAtFirstCommit = committedNow;
                    threadsAtFirstCommit = threadsLast;
                    elasticsearchThreadsAtFirstCommit = CpuMeter.threadTicks(servers.elasticsearchPid());
                }
                if (reachedEnd(committed, target.endOffsets())) {
                    doneAt = now;
                }
            }
            long elasticsearchNow = CpuMeter.processTicks(servers.elasticsearchPid());
            long elasticsearchUsed = elasticsearchNow - elasticsearchTicks;
            long events = target.endOffsets().values().stream().mapToLong(Long::longValue).sum();
            Streaming streaming = new Streaming(events - committedAtFirstCommit,
                    (subscriberTicks - subscriberTicksAtFirstCommit) / CpuMeter.TICKS_PER_SECOND,
                    (elasticsearchNow - elasticsearchTicksAtFirstCommit) / CpuMeter.TICKS_PER_SECOND,
                    CpuMeter.secondsByThreadGroup(threadsAtFirstCommit, threadsLast),
                    CpuMeter.secondsByThreadGroup(elasticsearchThreadsAtFirstCommit,
                            CpuMeter.threadTicks(servers.elasticsearchPid())));
            Cpu cpu = new Cpu(subscriberTicks / CpuMeter.TICKS_PER_SECOND,
                    elasticsearchUsed / CpuMeter.TICKS_PER_SECOND,
                    (CpuMeter.processTicks(servers.kafkaPid()) - kafkaTicks) / CpuMeter.TICKS_PER_SECOND,
                    (CpuMeter.machineBusyTicks() - machineTicks) / CpuMeter.TICKS_PER_SECOND);
            String lastMetrics = metricsText(http, scrape);
            Files.writeString(launch.file("-metrics.txt"), lastMetrics);
            MetricsSample last = lastMetrics.isEmpty() ? null : MetricsSample.parse(System.nanoTime(), lastMetrics);
            process.destroy(); // SIGTERM: the graceful stop
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("the subscriber did not stop within " + STOP_TIMEOUT.toSeconds()
                        + " s of SIGTERM" + RecvlogicalDrain.tail(log));
            }
            GcSummary gc = GcSummary.read(gcLog);
            return new Figures(Duration.ofNanos(doneAt - started), Duration.ofNanos(firstCommitAt - started),
                    last == null ? -1 : last.appliedDocuments(), maxHeapUsed, gc.maxAfter(), gc.pauses(),
                    gc.pauseSeconds(), cpu, streaming, Bulks.parse(lastMetrics), process.exitValue());
        } finally {
            process.destroyForcibly();
        }
    }

    /** Records committed so far over the partitions of {@code endOffsets} (a topic starting at offset 0). */
    private static long committed(Map<TopicPartition, OffsetAndMetadata> committed,
                                  Map<TopicPartition, Long> endOffsets) {
        long sum = 0;
        for (TopicPartition partition : endOffsets.keySet()) {
            OffsetAndMetadata offset = committed.get(partition);
            sum += offset == null ? 0 : offset.offset();
        }
        return sum;
    }

    private static boolean reachedEnd(Map<TopicPartition, OffsetAndMetadata> committed,
                                      Map<TopicPartition, Long> endOffsets) {
        for (Map.Entry<TopicPartition, Long> end : endOffsets.entrySet()) {
            if (end.getValue() == 0) {
                continue;
            }
            OffsetAndMetadata offset = committed.get(end.getKey());
            if (offset == null || offset.offset() < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static String configuration(Target target, int port) {
        return String.join("\n",
                "tributary {",
                "  kafka {",
                "    bootstrap-servers = \"" + target.bootstrapServers() + "\"",
                "    topic = \"" + target.topic() + "\"",
                "    group-id = \"" + target.groupId() + "\"",
                "    max-poll-records = " + target.maxPollRecords(),
                "  }",
                "  elasticsearch.urls = [\"" + target.elasticsearchUrl() + "\"]",
                "  http.port = " + port,
                "}",
                String.join("\n", target.extraSettings()),
                "");
    }

    /** The whole {@code /metrics} text; empty when it cannot be read. */
    private static String metricsText(HttpClient http, HttpRequest request) throws InterruptedException {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** The G1 pauses of a {@code -Xlog:gc:…:uptime} log: how many, how long in total, the most heap one left. */
    private record GcSummary(int pauses, double pauseSeconds, long maxAfter) {
        static GcSummary read(Path gcLog) throws IOException {
            List<GcPause> pauses = GcPause.read(gcLog);
            double pauseMillis = pauses.stream().mapToDouble(GcPause::millis).sum();
            long maxAfter = pauses.stream().mapToLong(GcPause::afterBytes).max().orElse(0);
            return new GcSummary(pauses.size(), pauseMillis / 1000, maxAfter);
        }
    }
}
