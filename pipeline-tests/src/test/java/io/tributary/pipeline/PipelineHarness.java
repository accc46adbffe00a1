package io.tributary.pipeline;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.RunningPostgres;
import io.tributary.localstack.testkit.DocumentReader;
import io.tributary.localstack.testkit.TestDatabase;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.TableId;
import io.tributary.ops.RetryBackoff;
import io.tributary.producer.EtlProducer;
import io.tributary.producer.ProducerSettings;
import io.tributary.producer.publish.TopicSetup;
import io.tributary.shaping.source.PostgresEndpoint;
import io.tributary.subscriber.EsSubscriber;
import io.tributary.subscriber.SubscriberSettings;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The whole pipeline in-process on the local stack, for one test: a fresh database ({@code <name>_N}), a topic of
 * {@value #PARTITIONS} partitions ({@code <name>-<database>}) created before anything starts, the settings of an
 * etl-producer streaming {@code tables} to it and of an es-subscriber applying it, the services started on them, and
 * documents read back ({@link DocumentReader#awaitSource} awaits one). {@link #close()} stops what was started, last
 * first. Not thread-safe: one per test.
 */
public final class PipelineHarness implements AutoCloseable {

    public static final int PARTITIONS = 3;

    private final RunningKafka kafka;
    private final RunningElasticsearch elasticsearch;
    private final TestDatabase database;
    private final String topic;
    private final String tables;
    private final DocumentReader documents;
    private final List<AutoCloseable> started = new ArrayList<>();

    private PipelineHarness(RunningKafka kafka, RunningElasticsearch elasticsearch, TestDatabase database,
                            String topic, String tables) {
        this.kafka = kafka;
        this.elasticsearch = elasticsearch;
        this.database = database;
        this.topic = topic;
        this.tables = tables;
        this.documents = new DocumentReader(elasticsearch, ChangeEventJson.mapper());
    }

    /**
     * Creates the database {@code <name>_N} and the topic; starts nothing.
     *
     * @param tables the producer's {@code tributary.postgres.tables} pattern, e.g. {@code shop.*}
     */
    public static PipelineHarness create(RunningPostgres postgres, RunningKafka kafka,
                                         RunningElasticsearch elasticsearch, String name, String tables) {
        TestDatabase database = TestDatabase.createUnique(postgres, name);
        String topic = name + "-" + database.name();
        // The subscriber may start before the producer, which would create the topic: create it as the producer does.
        PipelineHarness harness = new PipelineHarness(kafka, elasticsearch, database, topic, tables);
        TopicSetup.ensureTopics(kafka.bootstrapServers(), Map.of(), List.of(topic), PARTITIONS, -1,
                harness.producerSettings().target().limits().maxEventBytes());
        return harness;
    }

    public TestDatabase database() {
        return database;
    }

    public String topic() {
        return topic;
    }

    /** Documents of the stack's Elasticsearch, parsed as change data is ({@link ChangeEventJson#mapper()}). */
    public DocumentReader documents() {
        return documents;
    }

    /** The default group: {@code group-<database>}. */
    public String group() {
        return "group-" + database.name();
    }

    /** A producer of {@code tables} to the topic: slot {@code slot_<database>}, publication {@code pub_<database>}. */
    public ProducerSettings producerSettings() {
        return producerSettings(new String[0]);
    }

    /** {@link #producerSettings()} with {@code hocon} (lines of HOCON) over them. */
    public ProducerSettings producerSettings(String... hocon) {
        return ProducerSettings.parse(String.join("\n", """
                tributary.postgres { url = "%s", user = "%s", password = "%s", slot = slot_%s, publication = pub_%s }
                tributary.postgres.tables = ["%s"]
                tributary.kafka { bootstrap-servers = "%s", topic = "%s", partitions = %d }
                tributary.http.port = 0
                """.formatted(database.jdbcUrl(), database.postgres().user(), database.postgres().password(),
                database.name(), database.name(), tables, kafka.bootstrapServers(), topic, PARTITIONS),
                String.join("\n", hocon)));
    }

    /** A subscriber of the topic in {@link #group()}, writing to the stack's Elasticsearch. */
    public SubscriberSettings subscriberSettings() {
        return subscriberSettings(group(), elasticsearch.url());
    }

    /**
     * A subscriber of the topic in {@code group}, writing to {@code elasticsearchUrl}, with {@code hocon} (lines of
     * HOCON, e.g. {@code tributary.kafka.properties} or joined documents) over {@link TestSettings#subscriber}.
     */
    public SubscriberSettings subscriberSettings(String group, String elasticsearchUrl, String... hocon) {
        return TestSettings.subscriber(kafka.bootstrapServers(), elasticsearchUrl, topic, group, hocon);
    }

    /** Starts a producer with {@link #producerSettings()}. */
    public EtlProducer startProducer() throws Exception {
        return startProducer(producerSettings(), new SimpleMeterRegistry());
    }

    public EtlProducer startProducer(ProducerSettings settings, MeterRegistry metrics) throws Exception {
        EtlProducer producer = new EtlProducer(settings, metrics);
        producer.start();
        return closedWithHarness(producer);
    }

    /** Starts a subscriber with {@link #subscriberSettings()}. */
    public EsSubscriber startSubscriber() {
        return startSubscriber(subscriberSettings(), new SimpleMeterRegistry());
    }

    public EsSubscriber startSubscriber(SubscriberSettings settings, MeterRegistry metrics) {
        EsSubscriber subscriber = new EsSubscriber(settings, metrics);
        subscriber.start();
        return closedWithHarness(subscriber);
    }

    /** Closes {@code resource} with the harness, before what was registered earlier; returns it. */
    public <T extends AutoCloseable> T closedWithHarness(T resource) {
        started.add(resource);
        return resource;
    }

    /** Stops what was started, last first; throws the first failure with the others suppressed. */
    @Override
    public void close() throws Exception {
        Exception failure = null;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        started.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
