package io.tributary.subscriber;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.index.ElasticsearchAuth;
import io.tributary.index.ElasticsearchClientFactory;
import io.tributary.index.SearchEngine;
import io.tributary.index.TlsFailure;
import io.tributary.index.mapping.TableMappings;
import io.tributary.ops.ServiceLauncher;
import io.tributary.ops.ServiceLoop;
import io.tributary.subscriber.apply.BulkApplier;
import io.tributary.subscriber.apply.DeleteMarkerPurge;
import io.tributary.index.ElasticsearchConnection;
import io.tributary.subscriber.consume.ApplyThread;
import io.tributary.subscriber.consume.BatchApplier;
import io.tributary.subscriber.consume.ChangeConsumer;
import io.tributary.subscriber.consume.ConsumerMetrics;
import io.tributary.subscriber.consume.DeadLetterPublisher;
import io.tributary.subscriber.consume.DeadLetterTopic;
import io.tributary.subscriber.consume.KafkaConsumerFactory;
import io.tributary.subscriber.consume.PollLimits;
import io.tributary.subscriber.consume.TopicRetention;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.ResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscriber service: checks Elasticsearch and the topic, creates the dead-letter topic when it is missing, then
 * consumes on one thread, applying each batch with up to {@code tributary.elasticsearch.bulk.concurrency} bulk
 * requests at once, until closed or failed.
 *
 * <p>{@link #start()} throws when Elasticsearch or the topic cannot be found (with what to fix); {@link #close()}
 * lets the current batch finish and commit (or be abandoned uncommitted if Elasticsearch is down), then leaves the
 * group. Thread-safe.
 */
public final class EsSubscriber implements ServiceLauncher.Service {

    private static final Logger LOG = LoggerFactory.getLogger(EsSubscriber.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

    private final SubscriberSettings settings;
    private final MeterRegistry metrics;
    private final ServiceLoop loop = new ServiceLoop("tributary-consumer");
    private volatile ChangeConsumer changeConsumer;

    public EsSubscriber(SubscriberSettings settings, MeterRegistry metrics) {
        this.settings = settings;
        this.metrics = metrics;
        Gauge.builder("tributary.subscriber.ready", () -> isReady() ? 1 : 0)
                .description("1 while consuming and Elasticsearch accepts the changes").register(metrics);
    }

    /**
     * @throws IllegalStateException with what to fix when Elasticsearch or the topic cannot be found
     * @throws io.tributary.config.InvalidConfigException when the cluster is another engine than the configured one
     */
    @Override
    public synchronized void start() {
        SubscriberSettings.Elasticsearch target = settings.elasticsearch();
        SubscriberSettings.Kafka source = settings.kafka();
        SearchEngine engine = ElasticsearchClientFactory.engine(target.connection(), target.engine());
        LOG.info("search engine at {}: {} ({})", target.connection().urls(), engine,
                target.engine().isPresent() ? "configured" : "detected");
        ElasticsearchClient elasticsearch = ElasticsearchClientFactory.create(target.connection(), engine);
        Consumer<byte[], byte[]> kafka;
        try {
            checkElasticsearch(elasticsearch);
            kafka = KafkaConsumerFactory.create(source);
        } catch (RuntimeException e) {
            quietlyClose(elasticsearch);
            throw e;
        }
        Producer<byte[], byte[]> deadLetterProducer;
        Duration keepMarkersFor;
        try {
            Set<String> topics = KafkaConsumerFactory.requireTopic(kafka, source.topic(), source.bootstrapServers());
            DeadLetterTopic.createIfMissing(source, topics);
            keepMarkersFor = target.deletes().keepFor().orElseGet(() -> TopicRetention.longest(source, topics));
            deadLetterProducer = DeadLetterTopic.createProducer(source);
        } catch (RuntimeException e) {
            kafka.close();
            quietlyClose(elasticsearch);
            throw e;
        }
        SubscriberSettings.Bulk bulk = target.bulk();
        BulkApplier applier = new BulkApplier(elasticsearch, engine, metrics, new TableMappings(settings.tables()),
                bulk, target.sweeps(), Clock.systemUTC());
        Runnable documentBuilds;
        try {
            documentBuilds = settings.documents().documents().isEmpty() ? null
                    : applier.startDocuments(settings.documents(), metrics, loop::stopRequested);
        } catch (RuntimeException e) {
            applier.close();
            kafka.close();
            deadLetterProducer.close(Duration.ofSeconds(5));
            quietlyClose(elasticsearch);
            throw e;
        }
        ApplyThread applyThread = ApplyThread.ofOwnThread(BatchApplier.of(applier));
        ChangeConsumer consumer = new ChangeConsumer(kafka, applyThread, applier.parking(),
                new DeadLetterPublisher(deadLetterProducer, source.deadLetterTopic(), metrics, source.maxEventBytes()),
                new ConsumerMetrics(metrics, Clock.systemUTC()),
                new PollLimits(POLL_TIMEOUT, enoughRecords(bulk), bulk.maxWait()), target.retry(),
                Clock.systemUTC(), loop::stopRequested);
        consumer.subscribe(source.topic());
        changeConsumer = consumer;
        ScheduledExecutorService purge = schedulePurge(applier, keepMarkersFor);
        ScheduledExecutorService builds = daemonScheduler("tributary-document-builds");
        if (documentBuilds != null) {
            long interval = settings.documents().checkInterval().toMillis();
            builds.scheduleWithFixedDelay(documentBuilds, 0, interval, TimeUnit.MILLISECONDS);
        }
        LOG.info("consuming {} as group {} into Elasticsearch {}, dead letters to {}", source.topic(),
                source.groupId(), target.connection().urls(), source.deadLetterTopic());
        loop.start(consumer::runOnce,
                () -> {
                    consumer.finish();
                    LOG.info("stopped consuming {}", source.topic());
                },
                () -> {
                    purge.shutdownNow();
                    builds.shutdownNow();
                    kafka.close();
                    applyThread.close();
                    applier.close();
                    deadLetterProducer.close(Duration.ofSeconds(5));
                    quietlyClose(elasticsearch);
                });
    }

    /**
     * Runs the {@link DeleteMarkerPurge} every {@code purge-interval} on a thread of its own (it touches only markers,
     * through versions, so it needs no coordination with the consumer), over the configured tables' targets and
     * those written since start. Markers kept for ever need no thread: one that does nothing is returned.
     */
    private ScheduledExecutorService schedulePurge(BulkApplier applier, Duration keepFor) {
        ScheduledExecutorService executor = daemonScheduler("tributary-marker-purge");
        if (keepFor.equals(SubscriberSettings.Deletes.FOREVER)) {
            LOG.info("delete markers are kept for ever (the topic keeps records for ever, or deletes.keep-for ="
                    + " forever)");
            return executor;
        }
        DeleteMarkerPurge purge = applier.markerPurge(keepFor);
        Set<String> configured = new TreeSet<>();
        settings.tables().values().forEach(table -> configured.add(table.target()));
        Duration purgeInterval = settings.elasticsearch().deletes().purgeInterval();
        long interval = purgeInterval.toMillis();
        LOG.info("delete markers are removed {} after their delete, looked for every {}", keepFor, purgeInterval);
        executor.scheduleWithFixedDelay(() -> {
            Set<String> targets = new TreeSet<>(configured);
            targets.addAll(applier.targetsWritten());
            purge.runOnce(targets, Clock.systemUTC().instant());
        }, interval, interval, TimeUnit.MILLISECONDS);
        return executor;
    }

    private static ScheduledExecutorService daemonScheduler(String name) {
        return Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    private static void quietlyClose(ElasticsearchClient elasticsearch) {
        try {
            elasticsearch._transport().close();
        } catch (IOException e) {
            LOG.warn("closing the Elasticsearch client failed: {}", e.getMessage());
        }
    }

    /**
     * Asks for the cluster's health, through the low-level client (OpenSearch's answer lacks fields the typed one
     * needs): a refusal (401: who are you?, 403: you may not) or a TLS failure is a setup error that names the
     * setting to fix; nothing is retried.
     */
    private void checkElasticsearch(ElasticsearchClient elasticsearch) {
        ElasticsearchConnection connection = settings.elasticsearch().connection();
        ElasticsearchAuth auth = connection.auth();
        String where = "Elasticsearch at " + connection.urls();
        try {
            ((RestClientTransport) elasticsearch._transport()).restClient()
                    .performRequest(new Request("GET", "/_cluster/health"));
        } catch (IOException | RuntimeException e) {
            int status = e instanceof ResponseException refused ? refused.getResponse().getStatusLine().getStatusCode()
                    : -1;
            if (status == 401) {
                throw new IllegalStateException(where + " refused " + (auth == ElasticsearchAuth.NONE ? auth.who()
                        : "the credentials of " + auth.who()) + " (HTTP 401); check " + auth.settings(), e);
            }
            if (status == 403) {
                // Authenticated, but not allowed: a missing privilege, not a wrong password.
                throw new IllegalStateException(where + " denied " + auth.who() + " GET /_cluster/health"
                        + " (HTTP 403): " + auth.grant("monitor"), e);
            }
            Optional<SSLException> tls = TlsFailure.find(e);
            if (tls.isPresent()) {
                throw new IllegalStateException("TLS with " + where + " failed (" + tls.get().getMessage() + "): "
                        + connection.tls().advice(), e);
            }
            throw new IllegalStateException(where + " does not answer"
                    + " GET /_cluster/health (" + e.getMessage() + "); check tributary.elasticsearch.urls", e);
        }
    }

    /** True while consuming and Elasticsearch accepts the changes (the readiness probe). */
    @Override
    public boolean isReady() {
        ChangeConsumer consumer = changeConsumer;
        return loop.isRunning() && consumer != null && consumer.isApplying();
    }

    @Override
    public Optional<Throwable> failure() {
        return loop.failure();
    }

    @Override
    public void awaitTermination() throws InterruptedException {
        loop.awaitTermination();
    }

    /** Stops after the current batch; idempotent. */
    @Override
    public void close() throws InterruptedException {
        loop.stop();
    }

    /** A batch never gathers more records than this, whatever max-actions x concurrency: memory stays bounded. */
    private static final int MAX_BATCH_RECORDS = 100_000;

    /** Records that make a batch: a full bulk request for each request that may run at once, within the cap. */
    private static int enoughRecords(SubscriberSettings.Bulk bulk) {
        return (int) Math.min(MAX_BATCH_RECORDS, (long) bulk.maxActions() * bulk.concurrency());
    }
}
