package io.tributary.pipeline.deadletters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.inspector.Cli;
import io.tributary.localstack.LocalStackExtension;
import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.testkit.DocumentReader;
import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.model.SourceInfo;
import io.tributary.pipeline.TestSettings;
import io.tributary.subscriber.EsSubscriber;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/dead-letters.sh} ({@code inspect-topic dead-letters}) {@code list} and {@code resend} against real
 * Kafka, Elasticsearch and the subscriber: poison records
 * (a text quantity for a {@code long} field) are dead-lettered; once the mapping takes them, the letters are sent
 * back and applied, and however often they are sent, a row changed or deleted since keeps its newer document.
 */
@ExtendWith(LocalStackExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DeadLettersIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SCHEMA = "it";

    private final RunningKafka kafka;
    private final RunningElasticsearch elasticsearch;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> opened = new ArrayList<>();
    private String topic;
    private String table;
    private String index;
    private KafkaProducer<byte[], byte[]> producer;
    private Admin admin;

    DeadLettersIT(RunningKafka kafka, RunningElasticsearch elasticsearch) {
        this.kafka = kafka;
        this.elasticsearch = elasticsearch;
    }

    @BeforeEach
    void topicIndexAndSubscriber() throws Exception {
        String unique = Long.toString(System.nanoTime() % 100_000_000, 36);
        topic = "dlq-it-" + unique;
        table = "stock_" + unique;
        index = SCHEMA + "." + table;
        kafka.createTopic(topic, 1);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
        opened.add(producer);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        opened.add(admin);
        assertEquals(200, http("PUT", "/" + index, "{\"mappings\":{\"properties\":{\"qty\":{\"type\":\"long\"}}}}")
                .statusCode());
        EsSubscriber subscriber = new EsSubscriber(TestSettings.subscriber(kafka.bootstrapServers(),
                elasticsearch.url(), topic, "group-" + topic, "tributary.kafka.max-poll-records = 100"),
                new SimpleMeterRegistry());
        subscriber.start();
        opened.add(subscriber::close);
    }

    @AfterEach
    void closeWhatWasOpened() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    @Test
    void resentLettersAreAppliedOnceTheMappingTakesThemAndNeverOverwriteANewerChange(@TempDir Path directory)
            throws Exception {
        send(upsert(10, 1, "1"));
        send(upsert(11, 2, "\"lots\""));   // poison: dead letter 0
        send(upsert(12, 3, "\"many\""));   // poison: dead letter 1 ...
        send(upsert(13, 3, "3"));          // ... whose row changed since
        send(upsert(14, 4, "\"few\""));    // poison: dead letter 2 ...
        send(delete(15, 4));               // ... whose row was deleted since
        awaitApplied();

        Cli list = dlq("list");
        assertEquals(0, list.status(), list.toString());
        String lines = list.out().replaceAll(" {2,}", "  ");
        String source = topic + "-0@";
        assertTrue(list.out().contains("0/0"), list.toString());
        for (String row : List.of("{\"id\":2}  u 0/B  " + source + "1", "{\"id\":3}  u 0/C  " + source + "2",
                "{\"id\":4}  u 0/E  " + source + "4")) {
            assertTrue(lines.contains(index + "  " + row + "  document_parsing_exception: "), row + "\n" + list);
        }
        assertTrue(list.out().contains("3 of the 3 letters in " + topic + ".dlq; by kind:"
                + " {document_parsing_exception=3}"), list.toString());
        JsonNode json = ChangeEventJson.mapper().readTree(dlq("list", "--json", "--offsets", "1").out());
        assertEquals(2, json.get("source").get("offset").asLong());
        assertEquals(index, json.get("index").asText());
        assertEquals(SCHEMA + "." + table, json.get("table").asText());
        assertTrue(json.get("reason").asText().contains("qty"), json.toString());
        assertTrue(dlq("list", "--table", SCHEMA + ".other").out().startsWith("0 of the 3 letters"));
        assertTrue(dlq("list", "--reason", "DOCUMENT_PARSING").out().startsWith("partition/offset"));

        Cli nothingChosen = dlq("resend");
        assertEquals(2, nothingChosen.status(), nothingChosen.toString());
        assertTrue(nothingChosen.err().contains("--all"), nothingChosen.toString());
        Cli dryRun = dlq("resend", "--all", "--dry-run");
        assertTrue(dryRun.out().contains("would resend 3 of the 3 letters"), dryRun.toString());
        assertEquals(6, endOffset(), "a dry run sends nothing");

        // The cause fixed: the index keeps a malformed quantity in _source instead of refusing the document.
        assertEquals(200, http("PUT", "/" + index + "/_mapping",
                "{\"properties\":{\"qty\":{\"type\":\"long\",\"ignore_malformed\":true}}}").statusCode());
        Cli resend = dlq("resend", "--all");
        assertEquals(0, resend.status(), resend.toString());
        assertTrue(resend.out().contains("resent 0/0 (" + index + " {\"id\":2}, u 0/B) to " + topic + "-0@6"),
                resend.toString());
        assertTrue(resend.out().contains("resent 3 of the 3 letters"), resend.toString());
        awaitApplied();

        assertEquals(Map.of("version", 11, "qty", "lots"), documents(2), "the dead-lettered row, now applied");
        assertEquals(Map.of("version", 13, "qty", 3), documents(3), "the newer change of the row wins");
        assertEquals(15, version(4), "the row deleted since stays deleted (its marker)");
        assertTrue(source(4).has("_tributary_deleted"), source(4).toString());

        send(upsert(20, 2, "5"));          // a newer change of the re-sent row, then the letters once more
        Cli again = dlq("resend", "--reason", "qty");
        assertEquals(0, again.status(), again.toString());
        assertTrue(again.out().contains("resent 3 of the 3 letters"), again.toString());
        awaitApplied();
        assertEquals(Map.of("version", 20, "qty", 5), documents(2), "a letter sent again never goes back");
        assertEquals(Map.of("version", 13, "qty", 3), documents(3));
        assertEquals(15, version(4));
        assertTrue(dlq("list").out().contains("3 of the 3 letters"), "nothing was dead-lettered again");

        // Once delete markers may have been purged (deletes.keep-for), a letter could bring a deleted row back.
        Path subscriberConfig = directory.resolve("subscriber.conf");
        Files.writeString(subscriberConfig, "tributary.kafka.bootstrap-servers = \"" + kafka.bootstrapServers()
                + "\"\ntributary.kafka.topic = \"" + topic + "\"\ntributary.elasticsearch.urls = [\""
                + elasticsearch.url() + "\"]\ntributary.elasticsearch.deletes.keep-for = 1ms\n");
        Cli expired = Cli.run("dead-letters", "resend", "--all", "--subscriber-config", subscriberConfig.toString());
        assertEquals(0, expired.status(), expired.toString());
        assertTrue(expired.out().contains("resent 0 of the 3 letters in " + topic + ".dlq; 3 skipped"),
                expired.toString());
        assertTrue(expired.err().contains("is older than the subscriber keeps delete markers (PT0.001S)"),
                expired.toString());
        assertEquals(13, endOffset(), "nothing sent: the change topic as the second resend left it");
    }

    // ---- the tool, Kafka and Elasticsearch --------------------------------------------------------------------

    private Cli dlq(String command, String... more) {
        List<String> args = new ArrayList<>(List.of("dead-letters", command, "--bootstrap-servers",
                kafka.bootstrapServers(), "--topic", topic));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    private ChangeEvent upsert(long lsn, int id, String qty) {
        ObjectNode after = json("{\"id\":" + id + ",\"qty\":" + qty + "}");
        return new ChangeEvent(Operation.UPDATE, source(lsn), json("{\"id\":" + id + "}"), null, after);
    }

    private ChangeEvent delete(long lsn, int id) {
        ObjectNode key = json("{\"id\":" + id + "}");
        return new ChangeEvent(Operation.DELETE, source(lsn), key, key, null);
    }

    private SourceInfo source(long lsn) {
        return new SourceInfo("app", SCHEMA, table, Lsn.of(lsn), Lsn.of(lsn), lsn, Instant.now());
    }

    private void send(ChangeEvent event) throws Exception {
        producer.send(new ProducerRecord<>(topic, 0, ChangeEventJson.encodeKey(event), ChangeEventJson.encode(event)))
                .get(30, TimeUnit.SECONDS);
    }

    private long endOffset() throws Exception {
        TopicPartition partition = new TopicPartition(topic, 0);
        return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).all().get(30, TimeUnit.SECONDS)
                .get(partition).offset();
    }

    /** Waits until the subscriber committed every record of the change topic written so far. */
    private void awaitApplied() throws Exception {
        TopicPartition partition = new TopicPartition(topic, 0);
        long end = endOffset();
        await("the subscriber to commit offset " + end + " of " + topic, () -> {
            try {
                OffsetAndMetadata committed = admin.listConsumerGroupOffsets("group-" + topic)
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS).get(partition);
                return committed != null && committed.offset() == end;
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** The document of row {@code id}: its version and quantity; empty when there is none. */
    private Map<String, Object> documents(int id) throws Exception {
        JsonNode document = document(id);
        if (document == null) {
            return Map.of();
        }
        JsonNode qty = document.get("_source").get("qty");
        return Map.of("version", document.get("_version").asInt(), "qty", qty.isNumber() ? qty.asInt() : qty.asText());
    }

    private long version(int id) throws Exception {
        return document(id).get("_version").asLong();
    }

    private JsonNode source(int id) throws Exception {
        return document(id).get("_source");
    }

    private JsonNode document(int id) {
        return new DocumentReader(elasticsearch, ChangeEventJson.mapper()).get(index, String.valueOf(id)).orElse(null);
    }

    private HttpResponse<String> http(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(elasticsearch.url() + path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) ChangeEventJson.mapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + WAIT.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(200);
        }
    }
}
