package io.tributary.subscriber.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.index.mapping.TableMapping;
import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.testkit.DocumentReader;
import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.model.SourceInfo;
import io.tributary.model.TableId;
import io.tributary.ops.RetryBackoff;
import io.tributary.subscriber.EsSubscriber;
import io.tributary.subscriber.SubscriberSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What the subscriber ITs share: a topic of their own, change events written straight to it (no PostgreSQL), the
 * subscriber under test, and Elasticsearch read back over HTTP. One per test; {@link #close()} stops what it started.
 */
final class SubscriberHarness implements AutoCloseable {

    static final String SCHEMA = "it";

    final RunningKafka kafka;
    final RunningElasticsearch elasticsearch;
    final String topic;
    final String group;
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final int partitions;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Admin admin;
    private final HttpClient http = HttpClient.newHttpClient();
    private final DocumentReader documents;
    private final List<EsSubscriber> subscribers = new ArrayList<>();

    SubscriberHarness(RunningKafka kafka, RunningElasticsearch elasticsearch, String name, int partitions) {
        this.kafka = kafka;
        this.elasticsearch = elasticsearch;
        this.partitions = partitions;
        this.documents = new DocumentReader(elasticsearch, ChangeEventJson.mapper());
        String unique = name + "-" + Long.toString(System.nanoTime() % 100_000_000, 36);
        this.topic = "it-" + unique;
        this.group = "group-" + unique;
        kafka.createTopic(topic, partitions);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    String deadLetterTopic() {
        return topic + ".dlq";
    }

    /**
     * Settings for this harness's topic, Kafka and Elasticsearch, consuming as {@link #group} 100 records a poll,
     * with {@code hocon} (lines of HOCON, e.g. {@code "tributary.elasticsearch.bulk.max-actions = 3"}) over them.
     */
    SubscriberSettings settings(String... hocon) {
        return SubscriberSettings.of(ConfigFactory.parseString(String.join("\n", hocon)).withFallback(
                ConfigFactory.parseString("""
                        tributary {
                          kafka { bootstrap-servers = "%s", topic = "%s", dead-letter-topic = "%s", group-id = "%s" }
                          kafka.max-poll-records = 100
                          elasticsearch { urls = "%s", retry { initial-backoff = 100ms, max-backoff = 2s } }
                          http.port = 0
                        }
                        """.formatted(kafka.bootstrapServers(), topic, deadLetterTopic(), group,
                        elasticsearch.url()))));
    }

    SubscriberSettings settings(String groupId, int maxPollRecords, Map<String, String> kafkaProperties) {
        return settings("tributary.kafka { group-id = \"" + groupId + "\", max-poll-records = " + maxPollRecords
                + " }", kafkaProperties(kafkaProperties));
    }

    /** {@code tributary.kafka.properties} set to {@code properties}, as a line of HOCON. */
    static String kafkaProperties(Map<String, String> properties) {
        return "tributary.kafka.properties = " + ConfigValueFactory.fromMap(properties)
                .render(ConfigRenderOptions.concise());
    }

    /** Settings for {@link #group} with the given table entries, and {@code hocon} over the rest. */
    SubscriberSettings settings(Map<TableId, TableMapping> tables, String... hocon) {
        SubscriberSettings base = settings(hocon);
        return new SubscriberSettings(base.kafka(), base.elasticsearch(), tables, base.documents(), base.httpPort());
    }

    EsSubscriber startSubscriber(String groupId, int maxPollRecords) {
        return startSubscriber(settings(groupId, maxPollRecords, Map.of()));
    }

    EsSubscriber startSubscriber(SubscriberSettings settings) {
        EsSubscriber subscriber = new EsSubscriber(settings, metrics);
        subscriber.start();
        subscribers.add(subscriber);
        return subscriber;
    }

    // ---- change events ------------------------------------------------------------------------------------------

    static ObjectNode json(String text) {
        try {
            return (ObjectNode) ChangeEventJson.mapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    static SourceInfo source(String table, long lsn) {
        return new SourceInfo("app", SCHEMA, table, Lsn.of(lsn), Lsn.of(lsn), lsn, Instant.now());
    }

    /** The key of {@code row}: its {@code keyColumns}, in order. */
    static ObjectNode keyOf(ObjectNode row, String... keyColumns) {
        ObjectNode key = ChangeEventJson.mapper().createObjectNode();
        for (String column : keyColumns) {
            key.set(column, row.get(column));
        }
        return key;
    }

    static ChangeEvent upsert(String table, long lsn, String row, String... unchanged) {
        ObjectNode after = json(row);
        return new ChangeEvent(Operation.UPDATE, source(table, lsn), keyOf(after, "id"), null, after,
                List.of(unchanged));
    }

    static ChangeEvent delete(String table, long lsn, long id) {
        ObjectNode key = json("{\"id\":" + id + "}");
        return new ChangeEvent(Operation.DELETE, source(table, lsn), key, key, null);
    }

    static ChangeEvent truncate(String table, long lsn) {
        return new ChangeEvent(Operation.TRUNCATE, source(table, lsn), json("{}"), null, null);
    }

    void send(int partition, ChangeEvent event) {
        sendRaw(partition, ChangeEventJson.encodeKey(event), ChangeEventJson.encode(event));
    }

    void sendRaw(int partition, byte[] key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, partition, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot write to " + topic, e);
        }
    }

    // ---- Kafka state ----------------------------------------------------------------------------------------------

    Map<TopicPartition, Long> endOffsets() throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new TreeMap<>(java.util.Comparator.comparingInt(TopicPartition::partition));
        admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    Map<TopicPartition, Long> committed(String groupId) throws Exception {
        Map<TopicPartition, Long> offsets = new TreeMap<>(java.util.Comparator.comparingInt(TopicPartition::partition));
        for (int p = 0; p < partitions; p++) {
            offsets.put(new TopicPartition(topic, p), 0L);
        }
        Map<TopicPartition, OffsetAndMetadata> found = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        found.forEach((tp, offset) -> {
            if (offset != null && tp.topic().equals(topic)) {
                offsets.put(tp, offset.offset());
            }
        });
        return offsets;
    }

    /** Waits until {@code groupId} committed every record written so far. */
    void awaitCaughtUp(String groupId, Duration timeout) throws Exception {
        Map<TopicPartition, Long> ends = endOffsets();
        await("group " + groupId + " to commit " + ends, timeout, () -> {
            try {
                return committed(groupId).equals(ends);
            } catch (Exception e) {
                return false;
            }
        });
    }

    List<ConsumerRecord<byte[], byte[]>> readDeadLetters(int expected, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> letters = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            consumer.subscribe(List.of(deadLetterTopic()));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (letters.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(letters::add);
            }
        }
        return letters;
    }

    // ---- Elasticsearch --------------------------------------------------------------------------------------------

    /** Every document of {@code index} by id: {@code {"version":…,"source":{…}}}; empty when the index is missing. */
    Map<String, JsonNode> documents(String index) {
        Map<String, JsonNode> documents = new TreeMap<>();
        this.documents.search(index).forEach((id, hit) -> {
            ObjectNode document = ChangeEventJson.mapper().createObjectNode();
            document.set("version", hit.get("_version"));
            document.set("source", hit.get("_source"));
            documents.put(id, document);
        });
        return documents;
    }

    /** The ids of the documents of {@code index} that {@code query} (a query object) finds, in id order. */
    List<String> searchIds(String index, String query) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create(elasticsearch.url() + "/" + index + "/_search?size=10000"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\":" + query + "}"))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), query + ": " + response.body());
        List<String> ids = new ArrayList<>();
        ChangeEventJson.mapper().readTree(response.body()).path("hits").path("hits")
                .forEach(hit -> ids.add(hit.get("_id").asText()));
        ids.sort(null);
        return ids;
    }

    /** The sources of {@code index} by id. */
    Map<String, JsonNode> sources(String index) throws Exception {
        Map<String, JsonNode> sources = new TreeMap<>();
        documents(index).forEach((id, document) -> sources.put(id, document.get("source")));
        return sources;
    }

    /** GET {@code path} (from the root, {@code /index/_mapping}); null when Elasticsearch answers 404. */
    JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(elasticsearch.url() + path))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
            return null;
        }
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return ChangeEventJson.mapper().readTree(response.body());
    }

    /** Lets the topic take records of up to {@code bytes} (its {@code max.message.bytes}; the test producer's 8MiB). */
    void acceptRecordsOf(int bytes) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(new ConfigEntry(
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(bytes)), AlterConfigOp.OpType.SET))))
                .all().get(30, TimeUnit.SECONDS);
    }

    void createIndex(String index, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(elasticsearch.url() + "/" + index))
                .PUT(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
    }

    static String index(String table) {
        return SCHEMA + "." + table;
    }

    void awaitSources(String index, Map<String, JsonNode> expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, JsonNode> actual = sources(index);
        while (!actual.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(300);
            actual = sources(index);
        }
        assertEquals(expected, actual, "documents of " + index);
    }

    static void await(String what, Duration timeout, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    @Override
    public void close() throws Exception {
        for (EsSubscriber subscriber : subscribers) {
            subscriber.close();
        }
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
