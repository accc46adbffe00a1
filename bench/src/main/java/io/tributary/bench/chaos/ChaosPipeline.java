package io.tributary.bench.chaos;

import io.tributary.bench.BenchText;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The pipeline under test: two etl-producers configured alike on one slot (the one holding the slot's lock streams,
 * the other waits as a standby) and two es-subscribers in one consumer group, each a {@link PipelineService}. A
 * sampler thread scrapes all four every {@value #SAMPLE_MILLIS} ms.
 *
 * <p>Timeouts shortened for the run, through the services' documented keys: the producer's reconnect backoff
 * ({@code tributary.postgres.reconnect.*}: 200 ms doubling up to 2 s, instead of 1 s up to 30 s), the subscriber's
 * retry backoff ({@code tributary.elasticsearch.retry.*}: 200 ms up to 2 s, instead of 30 s), and the consumer's
 * session ({@code tributary.kafka.properties}: {@code session.timeout.ms} 6000, the broker's minimum, instead of
 * 45000, so the partitions of a killed subscriber move to the survivor within seconds).
 */
final class ChaosPipeline implements AutoCloseable {

    static final String SLOT = "chaos";
    static final String TOPIC = "chaos.changes";
    static final String GROUP = "chaos";
    static final int PARTITIONS = 6;
    private static final long SAMPLE_MILLIS = 250;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    /** Where the services connect. */
    record Endpoints(String jdbcUrl, String user, String password, String bootstrapServers, String elasticsearchUrl) {
    }

    private final List<PipelineService> producers;
    private final List<PipelineService> subscribers;
    private final List<PipelineService.Finding> findings = new ArrayList<>();
    private final Thread sampler;
    private volatile boolean closing;
    private double worstConsumerLag; // guarded by this

    ChaosPipeline(Endpoints endpoints, ChaosOptions options, Path directory) {
        producers = List.of(
                new PipelineService("producer-a", PipelineService.Kind.PRODUCER, options.producerJar(), "256m",
                        directory, port -> producerConfiguration(endpoints, options.partitionBy(), port)),
                new PipelineService("producer-b", PipelineService.Kind.PRODUCER, options.producerJar(), "256m",
                        directory, port -> producerConfiguration(endpoints, options.partitionBy(), port)));
        subscribers = List.of(
                new PipelineService("subscriber-a", PipelineService.Kind.SUBSCRIBER, options.subscriberJar(), "256m",
                        directory, port -> subscriberConfiguration(endpoints, port)),
                new PipelineService("subscriber-b", PipelineService.Kind.SUBSCRIBER, options.subscriberJar(), "256m",
                        directory, port -> subscriberConfiguration(endpoints, port)));
        sampler = new Thread(this::sampleUntilClosed, "chaos-sampler");
        sampler.setDaemon(true);
    }

    /**
     * Starts the first producer and waits until it streams (its initial snapshot in Kafka, the topic created), then
     * the standby and the two subscribers, and the sampler.
     */
    void start() throws IOException, InterruptedException {
        producers.get(0).start();
        producers.get(0).awaitStarted(START_TIMEOUT);
        for (PipelineService service : List.of(producers.get(1), subscribers.get(0), subscribers.get(1))) {
            service.start();
        }
        for (PipelineService service : List.of(producers.get(1), subscribers.get(0), subscribers.get(1))) {
            service.awaitStarted(START_TIMEOUT);
        }
        sampler.start();
    }

    List<PipelineService> producers() {
        return producers;
    }

    List<PipelineService> subscribers() {
        return subscribers;
    }

    /** The producer streaming the slot, as soon as one does; empty when none did within {@code timeout}. */
    Optional<PipelineService> awaitActiveProducer(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (PipelineService producer : producers) {
                producer.sample();
                if (producer.isStreaming()) {
                    return Optional.of(producer);
                }
            }
            if (System.nanoTime() > deadline) {
                return Optional.empty();
            }
            reviveDead();
            Thread.sleep(100);
        }
    }

    /** Kills {@code service} (kill -9) and starts it again at once, waiting until it runs (a producer: as standby). */
    void killAndRestart(PipelineService service, Duration deadFor) throws IOException, InterruptedException {
        service.kill();
        watch(deadFor);
        restart(service);
    }

    void restart(PipelineService service) throws IOException, InterruptedException {
        service.start();
        service.awaitStarted(START_TIMEOUT);
    }

    /**
     * Restarts every service that exited although nobody ended it, recording each as a finding. Called between and
     * during faults.
     */
    void reviveDead() throws IOException, InterruptedException {
        for (PipelineService service : all()) {
            Optional<PipelineService.Finding> finding = service.exitedOnItsOwn();
            if (finding.isPresent()) {
                synchronized (findings) {
                    findings.add(finding.get());
                }
                BenchText.progress("FINDING: " + finding.get().service() + " exited on its own with status "
                        + finding.get().exitStatus() + "; restarting it");
                restart(service);
            }
        }
    }

    /** Lets the pipeline run for {@code duration}, reviving services that die meanwhile. */
    void watch(Duration duration) throws IOException, InterruptedException {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            reviveDead();
            Thread.sleep(Math.max(1, Math.min(200, (end - System.nanoTime()) / 1_000_000)));
        }
    }

    List<PipelineService.Finding> findings() {
        synchronized (findings) {
            return List.copyOf(findings);
        }
    }

    /** The sum of {@code counter} over both services of a kind and all their incarnations. */
    double total(PipelineService.Kind kind, String counter) {
        return (kind == PipelineService.Kind.PRODUCER ? producers : subscribers).stream()
                .mapToDouble(service -> service.total(counter)).sum();
    }

    double worstEndToEndLag() {
        return subscribers.stream().mapToDouble(PipelineService::worstEndToEndLag).max().orElse(0);
    }

    /** The largest consumer lag (records, both subscribers together) the sampler saw. */
    synchronized double worstConsumerLag() {
        return worstConsumerLag;
    }

    /** Stops the services gracefully (SIGTERM), subscribers first; returns their exit statuses by name. */
    List<String> stop() throws InterruptedException {
        closing = true;
        sampler.interrupt();
        sampler.join(5_000);
        List<String> statuses = new ArrayList<>();
        for (PipelineService service : List.of(subscribers.get(0), subscribers.get(1), producers.get(0),
                producers.get(1))) {
            statuses.add(service.incarnationName() + " " + service.stop(STOP_TIMEOUT));
        }
        return statuses;
    }

    @Override
    public void close() {
        closing = true;
        sampler.interrupt();
        all().forEach(PipelineService::closeQuietly);
    }

    private List<PipelineService> all() {
        return List.of(producers.get(0), producers.get(1), subscribers.get(0), subscribers.get(1));
    }

    private void sampleUntilClosed() {
        try {
            while (!closing) {
                for (PipelineService service : all()) {
                    service.sample();
                }
                double lag = subscribers.stream().mapToDouble(PipelineService::consumerLag).sum();
                synchronized (this) {
                    worstConsumerLag = Math.max(worstConsumerLag, lag);
                }
                Thread.sleep(SAMPLE_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String producerConfiguration(Endpoints endpoints, String partitionBy, int port) {
        return String.join("\n",
                "tributary {",
                "  postgres {",
                "    url = \"" + endpoints.jdbcUrl() + "\"",
                "    user = \"" + endpoints.user() + "\"",
                "    password = \"" + endpoints.password() + "\"",
                "    slot = " + SLOT,
                "    publication = chaos",
                "    tables = [" + String.join(", ", ChaosTables.TABLES) + "]",
                "    reconnect { initial-backoff = 200ms, max-backoff = 2s }",
                "  }",
                "  kafka {",
                "    bootstrap-servers = \"" + endpoints.bootstrapServers() + "\"",
                "    topic = \"" + TOPIC + "\"",
                "    partitions = " + PARTITIONS,
                "    partition-by = " + partitionBy,
                "    replication-factor = 1",
                "  }",
                "  http.port = " + port,
                "}",
                "");
    }

    private static String subscriberConfiguration(Endpoints endpoints, int port) {
        return String.join("\n",
                "tributary {",
                "  kafka {",
                "    bootstrap-servers = \"" + endpoints.bootstrapServers() + "\"",
                "    topic = \"" + TOPIC + "\"",
                "    group-id = \"" + GROUP + "\"",
                "    properties { \"session.timeout.ms\" = \"6000\", \"heartbeat.interval.ms\" = \"1000\" }",
                "  }",
                "  elasticsearch {",
                "    urls = [\"" + endpoints.elasticsearchUrl() + "\"]",
                "    retry { initial-backoff = 200ms, max-backoff = 2s }",
                "  }",
                "  http.port = " + port,
                "}",
                "");
    }
}
