package io.tributary.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.debezium.serde.DebeziumSerdes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.index.mapping.DeleteMarker;
import io.tributary.localstack.LocalStackExtension;
import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.RunningPostgres;
import io.tributary.localstack.testkit.DocumentReader;
import io.tributary.localstack.testkit.TestDatabase;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.Envelope;
import io.tributary.model.TableId;
import io.tributary.ops.RetryBackoff;
import io.tributary.producer.EtlProducer;
import io.tributary.producer.ProducerSettings;
import io.tributary.shaping.source.PostgresEndpoint;
import io.tributary.subscriber.EsSubscriber;
import io.tributary.subscriber.SubscriberSettings;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code tributary.kafka.envelope = debezium} end to end: one database streamed by two producers at once, one in each
 * envelope. Debezium's own JSON deserialiser ({@link DebeziumSerdes}, what a Kafka Streams or plain consumer of a
 * Debezium topic runs) and Kafka Connect's {@link JsonConverter} with schemas off (what a Connect sink runs) read
 * the Debezium-shaped topic, snapshot rows, inserts, updates and deletes; and the subscriber applied to either topic
 * leaves the same documents, at the same versions, in Elasticsearch.
 */
@ExtendWith(LocalStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DebeziumEnvelopeIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String DELETED = DeleteMarker.DELETED_FIELD;

    private final RunningPostgres postgres;
    private final RunningKafka kafka;
    private final RunningElasticsearch elasticsearch;
    private final List<EtlProducer> producers = new ArrayList<>();
    private TestDatabase database;
    private String tributaryTopic;
    private String debeziumTopic;

    DebeziumEnvelopeIT(RunningPostgres postgres, RunningKafka kafka, RunningElasticsearch elasticsearch) {
        this.postgres = postgres;
        this.kafka = kafka;
        this.elasticsearch = elasticsearch;
    }

    /** A row of shop.items as a Debezium consumer maps it (decimal as string, json as string, ISO-8601 times). */
    public static final class Item {
        public int id;
        public String name;
        public String price;
        public String attrs;
        public List<String> tags;
        public String updated;
    }

    /** Debezium's envelope, as a consumer reads it. */
    public static final class Change {
        public String op;
        public Item before;
        public Item after;
        public Source source;
        public Long ts_ms;
    }

    /** Debezium's source block. */
    public static final class Source {
        public String connector;
        public String db;
        public String schema;
        public String table;
        public String snapshot;
        public long lsn;
        public Long txId;
    }

    @BeforeAll
    void streamOneDatabaseInBothEnvelopes() throws Exception {
        database = TestDatabase.createUnique(postgres, "envelope");
        database.createSchema("shop",
            "CREATE TABLE shop.items (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2), attrs jsonb,"
                    + " tags text[], updated timestamptz)",
            "CREATE TABLE shop.notes (id int PRIMARY KEY, body text)",
            "INSERT INTO shop.items SELECT i, 'item ' || i, i * 1.25, jsonb_build_object('size', i, 'ok', true),"
                    + " ARRAY['t' || i, 'all'], timestamptz '2026-11-22 06:00:00.5+00' + i * interval '1 minute'"
                    + " FROM generate_series(1, 20) i",
            "INSERT INTO shop.notes SELECT i, 'note ' || i FROM generate_series(1, 5) i");
        tributaryTopic = "envelope-tributary-" + database.name();
        debeziumTopic = "envelope-debezium-" + database.name();
        producers.add(startProducer("trib_" + database.name(), tributaryTopic, Envelope.TRIBUTARY));
        producers.add(startProducer("dbz_" + database.name(), debeziumTopic, Envelope.DEBEZIUM));
        awaitSlots("trib_" + database.name(), "dbz_" + database.name());
        // Every row is changed after both slots exist, so each document's version comes from the same WAL change in
        // both topics (the two snapshots are taken at two points of their own).
        database.sql("UPDATE shop.items SET name = name || ' (renamed)'",
            "UPDATE shop.notes SET body = body || '!'",
            "INSERT INTO shop.items VALUES (21, 'new', 9.99, '{\"nested\": {\"a\": [1, 2.50]}}', '{}', now())",
            "UPDATE shop.items SET price = 100.00, attrs = attrs || '{\"sale\": true}' WHERE id = 3",
            "UPDATE shop.items SET id = 50 WHERE id = 5",
            "DELETE FROM shop.items WHERE id IN (7, 8)",
            "TRUNCATE shop.notes",
            "INSERT INTO shop.notes VALUES (9, 'after the truncate')",
            "INSERT INTO shop.items VALUES (999, 'last', null, null, null, null)");
        awaitKeyInTopic(debeziumTopic, "{\"id\":999}");
        awaitKeyInTopic(tributaryTopic, "{\"schema\":\"shop\",\"table\":\"items\",\"key\":{\"id\":999}}");
    }

    @AfterAll
    void stopProducers() throws InterruptedException {
        for (EtlProducer producer : producers) {
            producer.close();
        }
    }

    private EtlProducer startProducer(String slot, String topic, Envelope envelope) throws Exception {
        ProducerSettings settings = ProducerSettings.parse("""
                tributary.postgres { url = "%s", user = "%s", password = "%s", slot = %s, publication = pub_%s }
                tributary.postgres.tables = ["shop.*"]
                tributary.kafka { bootstrap-servers = "%s", topic = "%s", partitions = 2, envelope = %s }
                tributary.http.port = 0
                """.formatted(database.jdbcUrl(), postgres.user(), postgres.password(), slot, slot,
                kafka.bootstrapServers(), topic, envelope.name().toLowerCase(java.util.Locale.ROOT)));
        EtlProducer producer = new EtlProducer(settings, new SimpleMeterRegistry());
        producer.start();
        return producer;
    }

    @Test
    void debeziumsOwnDeserialiserReadsTheSnapshotInsertsUpdatesAndDeletes() throws Exception {
        Deserializer<Integer> keys = deserializer(Integer.class, Map.of(), true);
        Deserializer<Change> changes = deserializer(Change.class, Map.of("unknown.properties.ignored", "true"), false);
        Deserializer<Item> afterImages = deserializer(Item.class,
                Map.of("from.field", "after", "unknown.properties.ignored", "true"), false);

        Map<Integer, Item> replayed = new TreeMap<>();
        Map<String, Integer> ops = new TreeMap<>();
        long lastStreamedLsn = 0;
        for (ConsumerRecord<byte[], byte[]> record : readAll(debeziumTopic)) {
            Change change = changes.deserialize(debeziumTopic, record.value());
            if (!"items".equals(change.source.table)) {
                continue;
            }
            ops.merge(change.op, 1, Integer::sum);
            assertEquals("postgresql", change.source.connector);
            assertEquals(database.name(), change.source.db);
            assertEquals("r".equals(change.op) ? "true" : "false", change.source.snapshot);
            Integer key = keys.deserialize(debeziumTopic, record.key());
            Item after = afterImages.deserialize(debeziumTopic, record.value());
            switch (change.op) {
                case "r", "c", "u" -> {
                    assertEquals(key, after.id, "the record key is the row's key");
                    replayed.put(key, after);
                }
                case "d" -> {
                    assertNull(after, "a delete has no after image");
                    assertEquals(key, change.before.id);
                    replayed.remove(key);
                }
                default -> throw new AssertionError("unexpected op " + change.op);
            }
            if (!"r".equals(change.op)) {
                // one table, one partition: commit order (a key change's two records share the change's LSN)
                assertTrue(change.source.lsn >= lastStreamedLsn, "LSNs in commit order");
                lastStreamedLsn = change.source.lsn;
                assertNotNull(change.source.txId);
            }
        }

        assertEquals(Map.of("c", 3, "d", 3, "r", 20, "u", 21), ops,
                "20 snapshot reads, 2 inserts, 20 renames, a price change, 2 deletes, and a key change as Debezium"
                        + " sends it: a delete of the old key and a create of the new");
        assertEquals(postgresItems(), asComparable(replayed));
    }

    /** Debezium's JSON serde for {@code type}, configured as its documentation shows. */
    private static <T> Deserializer<T> deserializer(Class<T> type, Map<String, String> config, boolean isKey) {
        Serde<T> serde = DebeziumSerdes.payloadJson(type);
        serde.configure(config, isKey);
        return serde.deserializer();
    }

    @Test
    void kafkaConnectsJsonConverterWithSchemasOffGivesASinkTheEnvelopesFields() throws Exception {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "false"), false);

        Map<?, ?> insert = null;
        Map<?, ?> truncate = null;
        for (ConsumerRecord<byte[], byte[]> record : readAll(debeziumTopic)) {
            SchemaAndValue value = converter.toConnectData(debeziumTopic, record.value());
            Map<?, ?> envelope = (Map<?, ?>) value.value();
            if ("c".equals(envelope.get("op")) && ((Number) ((Map<?, ?>) envelope.get("after")).get("id")).intValue() == 21) {
                insert = envelope;
            }
            if ("t".equals(envelope.get("op"))) {
                truncate = envelope;
                assertNull(record.key(), "Debezium sends a truncate without a key");
            }
        }

        assertNotNull(insert);
        Map<?, ?> after = (Map<?, ?>) insert.get("after");
        assertEquals("9.99", after.get("price"), "decimal.handling.mode = string");
        assertEquals(ChangeEventJson.mapper().readTree("{\"nested\": {\"a\": [1, 2.50]}}"),
                ChangeEventJson.mapper().readTree((String) after.get("attrs")), "jsonb as a string of JSON");
        assertEquals(List.of(), after.get("tags"));
        assertNotNull(Instant.parse((String) after.get("updated")), "timestamptz as an ISO-8601 string");
        assertEquals("notes", ((Map<?, ?>) truncate.get("source")).get("table"));
    }

    @Test
    void theSubscriberWritesTheSameDocumentsAtTheSameVersionsFromEitherEnvelope() throws Exception {
        Map<String, Map<String, String>> fromTributary = applyAndCollect(tributaryTopic);
        Map<String, Map<String, String>> fromDebezium = applyAndCollect(debeziumTopic);

        assertEquals(23, fromTributary.get("shop.items").size(), "21 rows and the markers of 7, 8 and 5");
        assertTrue(fromTributary.get("shop.notes").size() >= 1);
        assertEquals(fromTributary, fromDebezium, "documents (delete markers included) by _id: version and source");
    }

    /**
     * Runs a subscriber over {@code topic} from empty indices until its group has committed the whole topic, then
     * returns every document of both tables' indices (delete markers too) by _id as "version source".
     */
    private Map<String, Map<String, String>> applyAndCollect(String topic) throws Exception {
        deleteIndices();
        String group = "group-" + topic;
        SubscriberSettings settings = TestSettings.subscriber(kafka.bootstrapServers(), elasticsearch.url(), topic,
                group);
        try (EsSubscriber subscriber = new EsSubscriber(settings, new SimpleMeterRegistry())) {
            subscriber.start();
            awaitCommittedToEnd(group, topic);
        }
        Map<String, Map<String, String>> indices = new TreeMap<>();
        for (String table : List.of("shop.items", "shop.notes")) {
            indices.put(table, documents(table + "-000001"));
        }
        return indices;
    }

    private void deleteIndices() {
        documents().deleteIndices("shop.items-000001,shop.notes-000001");
    }

    private Map<String, String> documents(String index) {
        Map<String, String> documents = new TreeMap<>();
        documents().search(index).forEach((id, hit) -> {
            JsonNode source = hit.get("_source");
            if (source.has(DELETED)) { // a marker's own field says when it was written: a time of this run
                ((ObjectNode) source).put(DELETED, "(when applied)");
            }
            documents.put(id, hit.get("_version").asLong() + " " + source);
        });
        return documents;
    }

    private DocumentReader documents() {
        return new DocumentReader(elasticsearch, ChangeEventJson.mapper());
    }

    private void awaitCommittedToEnd(String group, String topic) throws Exception {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin admin = Admin.create(config); KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + WAIT.toNanos();
            Map<TopicPartition, Long> committed = Map.of();
            while (System.nanoTime() < deadline) {
                Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                committed = new HashMap<>();
                for (TopicPartition partition : partitions) {
                    OffsetAndMetadata offset = offsets.get(partition);
                    committed.put(partition, offset == null ? 0L : offset.offset());
                }
                if (committed.equals(ends)) {
                    return;
                }
                Thread.sleep(200);
            }
            assertEquals(ends, committed, "the subscriber of " + topic + " should have committed the whole topic");
        }
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    private void awaitKeyInTopic(String topic, String key) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : readAll(topic)) {
                if (record.key() != null && new String(record.key()).equals(key)) {
                    return;
                }
            }
            Thread.sleep(300);
        }
        throw new AssertionError("no record with key " + key + " reached " + topic + " within " + WAIT);
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(config);
    }

    private void awaitSlots(String... slots) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection connection = database.connect(); Statement statement = connection.createStatement();
                 ResultSet result = statement.executeQuery("SELECT count(*) FROM pg_replication_slots WHERE"
                         + " slot_name IN ('" + String.join("','", slots) + "')")) {
                result.next();
                if (result.getInt(1) == slots.length) {
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("slots " + Arrays.toString(slots) + " were not created within " + WAIT);
    }

    /** shop.items as PostgreSQL has it, in the form a Debezium consumer gets (see {@link #asComparable}). */
    private Map<Integer, List<Object>> postgresItems() throws Exception {
        Map<Integer, List<Object>> rows = new TreeMap<>();
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT id, name, price::text, attrs::text, tags, updated"
                     + " FROM shop.items")) {
            while (result.next()) {
                java.sql.Array tags = result.getArray(5);
                java.sql.Timestamp updated = result.getTimestamp(6);
                rows.put(result.getInt(1), Arrays.asList(result.getString(2), result.getString(3),
                        json(result.getString(4)), tags == null ? null : List.of((Object[]) tags.getArray()),
                        updated == null ? null : updated.toInstant()));
            }
        }
        return rows;
    }

    private static Map<Integer, List<Object>> asComparable(Map<Integer, Item> items) throws Exception {
        Map<Integer, List<Object>> rows = new TreeMap<>();
        for (Map.Entry<Integer, Item> item : items.entrySet()) {
            Item row = item.getValue();
            rows.put(item.getKey(), Arrays.asList(row.name, row.price, json(row.attrs), row.tags,
                    row.updated == null ? null : Instant.parse(row.updated)));
        }
        return rows;
    }

    private static JsonNode json(String text) throws Exception {
        return text == null ? null : ChangeEventJson.mapper().readTree(text);
    }
}
