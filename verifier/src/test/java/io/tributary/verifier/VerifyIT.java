package io.tributary.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.index.mapping.DeleteMarker;
import io.tributary.localstack.LocalStackExtension;
import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.RunningPostgres;
import io.tributary.localstack.testkit.DocumentReader;
import io.tributary.localstack.testkit.TestDatabase;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.TableId;
import io.tributary.producer.EtlProducer;
import io.tributary.producer.ProducerSettings;
import io.tributary.subscriber.EsSubscriber;
import io.tributary.subscriber.SubscriberSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verifier against the real pipeline: producer and subscriber run in this JVM (as in PipelineIT) from the same
 * configuration files the verifier reads; drift is planted in Elasticsearch by hand and must be found, repaired
 * through Kafka and gone. A jsonb column holds objects, strings, numbers, mixed arrays and nulls in turn.
 */
@ExtendWith(LocalStackExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class VerifyIT {

    private static final int CUSTOMERS = 300;
    private static final int ORDER_LINES = 200;

    private final RunningPostgres postgres;
    private final RunningKafka kafka;
    private final RunningElasticsearch elasticsearch;
    private final ElasticsearchHttp http;
    private final DocumentReader documents;
    private String database;
    private TestDatabase db;
    /** The schema of this test's tables, so each test has indices of its own in the shared Elasticsearch. */
    private String schema;
    private String customers;
    private String orderLines;
    private Path producerConfig;
    private Path subscriberConfig;
    private EtlProducer producer;
    private EsSubscriber subscriber;

    VerifyIT(RunningPostgres postgres, RunningKafka kafka, RunningElasticsearch elasticsearch) {
        this.postgres = postgres;
        this.kafka = kafka;
        this.elasticsearch = elasticsearch;
        this.http = new ElasticsearchHttp(elasticsearch.url());
        this.documents = new DocumentReader(elasticsearch, ChangeEventJson.mapper());
    }

    @BeforeEach
    void startPipelineAndWriteRows(@TempDir Path directory) throws Exception {
        database = "verify_" + System.nanoTime() % 1_000_000;
        schema = "shop_" + database;
        customers = schema + ".customers";
        orderLines = schema + ".order_lines";
        db = TestDatabase.create(postgres, database);
        db.sql("CREATE SCHEMA " + schema,
            "CREATE TABLE " + customers + " (id int PRIMARY KEY, name text NOT NULL, vip boolean,"
                    + " balance numeric(12,2), since timestamptz, score float8, prefs jsonb)",
            "CREATE TABLE " + orderLines + " (order_id bigint, line int, product text, qty int,"
                    + " PRIMARY KEY (order_id, line))",
            "CREATE TABLE " + schema + ".audit_log (at timestamptz, message text)");
        String topic = "verify-" + database;
        producerConfig = Files.writeString(directory.resolve("producer.conf"), """
                tributary.postgres { url = "%s", user = "%s", password = "%s", slot = "slot_%s",
                                     publication = "pub_%s", tables = ["%s.*"] }
                tributary.kafka { bootstrap-servers = "%s", topic = "%s", partitions = 3 }
                tributary.http.port = 0
                """.formatted(postgres.jdbcUrl(database), postgres.user(), postgres.password(), database, database,
                schema, kafka.bootstrapServers(), topic));
        subscriberConfig = Files.writeString(directory.resolve("subscriber.conf"), """
                tributary.kafka { bootstrap-servers = "%s", topic = "%s", group-id = "group-%s" }
                tributary.elasticsearch { urls = ["%s"], retry { initial-backoff = 100ms, max-backoff = 2s },
                                          bulk.max-wait = 50ms }
                tributary.tables {
                  "%s.customers" { rename { name = full_name } }
                  "%s.order_lines" { routing = order_id }
                }
                tributary.http.port = 0
                """.formatted(kafka.bootstrapServers(), topic, database, elasticsearch.url(), schema, schema));
        producer = new EtlProducer(ProducerSettings.load(producerConfig, Map.of()), new SimpleMeterRegistry());
        producer.start();
        subscriber = new EsSubscriber(SubscriberSettings.load(subscriberConfig, Map.of()), new SimpleMeterRegistry());
        subscriber.start();

        db.sql("INSERT INTO " + customers + " SELECT i, 'customer ' || i, i % 3 = 0, i * 1.25, "
                + " timestamptz '2026-01-01 00:00:00+00' + i * interval '1 hour', i / 7.0,"
                + " CASE i % 5 WHEN 0 THEN jsonb_build_object('n', i, 'tags', jsonb_build_array('a', i))"
                + " WHEN 1 THEN to_jsonb('text ' || i) WHEN 2 THEN jsonb_build_array(i, 'x', jsonb_build_object("
                + "'k', true), jsonb_build_array(1.50, jsonb_build_array())) WHEN 3 THEN to_jsonb(i * 0.5) END"
                + " FROM generate_series(1, " + CUSTOMERS + ") i",
            "INSERT INTO " + orderLines + " SELECT i / 4, i % 4, 'product ' || i, i FROM generate_series(0, "
                    + (ORDER_LINES - 1) + ") i",
            "UPDATE " + customers + " SET name = 'Ada', balance = 100.50 WHERE id = 42");
        awaitTrue("the pipeline to index every row", () -> count(customers) == CUSTOMERS
                && count(orderLines) == ORDER_LINES && "Ada".equals(source(customers, "42")
                .path("full_name").asText()));
    }

    @AfterEach
    void stopPipeline() throws Exception {
        if (subscriber != null) {
            subscriber.close();
        }
        if (producer != null) {
            producer.close();
        }
    }

    @Test
    void aSettledPipelineVerifiesWithoutDrift() {
        Cli cli = verify();

        assertEquals(Verify.NO_DRIFT, cli.status(), cli.toString());
        assertTrue(cli.out().contains(customers + " → index " + customers + ": " + CUSTOMERS + " rows, " + CUSTOMERS
                + " documents: in sync"), cli.out());
        assertTrue(cli.out().contains(orderLines + " → index " + orderLines + ": " + ORDER_LINES + " rows, "
                + ORDER_LINES + " documents: in sync"), cli.out());
        assertTrue(cli.out().contains(schema + ".audit_log: skipped: not verifiable without a key"), cli.out());
    }

    @Test
    void findsPlantedDriftRepairsItThroughThePipelineAndThenVerifiesClean() throws Exception {
        // A deleted document's version lives on as a tombstone for index.gc_deletes (60 s); the repair of a missing
        // row (version 1) would lose to it until then. Hand-made deletes are what this test plants, so: no tombstones.
        send("PUT", "/" + customers + "/_settings", "{\"index.gc_deletes\":\"0s\"}");
        send("DELETE", "/" + customers + "/_doc/17", null);
        send("PUT", "/" + orderLines + "/_doc/%5B999,1%5D?routing=999&version=5&version_type=external",
                "{\"order_id\":999,\"line\":1,\"product\":\"ghost\",\"qty\":1}");
        long version42 = document(customers, "42").get("_version").asLong();
        JsonNode planted = source(customers, "42").deepCopy();
        ((ObjectNode) planted).put("full_name", "Mallory");
        send("PUT", "/" + customers + "/_doc/42?version=" + (version42 + 10) + "&version_type=external",
                planted.toString());

        Cli found = verify();
        assertEquals(Verify.DRIFT, found.status(), found.toString());
        assertTrue(found.out().contains(customers + " → index " + customers + ": " + CUSTOMERS + " rows, "
                + (CUSTOMERS - 1) + " documents: 1 missing, 0 extra, 1 different"), found.out());
        assertTrue(found.out().contains("  missing    _id 17\n"), found.out());
        assertTrue(found.out().contains("  different  _id 42: full_name: \"Ada\" ≠ \"Mallory\"\n"), found.out());
        assertTrue(found.out().contains(orderLines + " → index " + orderLines + ": " + ORDER_LINES + " rows, "
                + (ORDER_LINES + 1) + " documents: 0 missing, 1 extra, 0 different"), found.out());
        assertTrue(found.out().contains("  extra      _id [999,1] (_version 5)\n"), found.out());

        Cli repaired = verify("--repair", "--wait", "60");
        assertEquals(Verify.NO_DRIFT, repaired.status(), repaired.toString());
        assertTrue(repaired.out().contains("; 3 repair events sent to Kafka\n"), repaired.out());
        assertTrue(repaired.out().endsWith("verify: no drift in 2 tables (1 skipped)\n"), repaired.out());
        Cli again = verify();
        assertEquals(Verify.NO_DRIFT, again.status(), again.toString());

        JsonNode restored = document(customers, "42");
        assertEquals("Ada", restored.at("/_source/full_name").asText());
        assertEquals(version42 + 11, restored.get("_version").asLong(), "one above the stale document's version");
        assertEquals(1, document(customers, "17").get("_version").asLong(), "a missing row comes back at 1");

        db.sql("UPDATE " + customers + " SET name = 'Ada Lovelace' WHERE id = 42");
        awaitTrue("a real change after the repair to win over it",
                () -> "Ada Lovelace".equals(source(customers, "42").path("full_name").asText()));
    }

    @Test
    void aRepairNeverOverwritesAChangeAppliedBetweenTheRowReadAndTheDocumentRead() throws Exception {
        send("PUT", "/" + customers + "/_settings", "{\"index.gc_deletes\":\"0s\"}");
        send("DELETE", "/" + customers + "/_doc/17", null); // row 17 is missing, until it is deleted in between
        long versionBefore = document(customers, "42").get("_version").asLong();
        AtomicInteger chunks = new AtomicInteger();
        Runnable changeRowsInBetween = () -> {
            if (chunks.getAndIncrement() > 0) {
                return;
            }
            try {
                db.sql("UPDATE " + customers + " SET name = 'Grace' WHERE id = 42",
                    "DELETE FROM " + customers + " WHERE id = 17");
                awaitTrue("the update to reach Elasticsearch",
                        () -> "Grace".equals(source(customers, "42").path("full_name").asText()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };

        VerificationReport report = Verification.run(settings(customers), quietProgress(), changeRowsInBetween);

        TableReport table = report.tables().get(0);
        assertEquals(List.of(), table.samples(), "the rows read again after their documents are in sync");
        assertEquals(0, report.repairEventsSent(), "no repair of the older row, none of the deleted one");
        JsonNode newest = document(customers, "42");
        assertEquals("Grace", newest.at("/_source/full_name").asText());
        assertTrue(newest.get("_version").asLong() > versionBefore, newest.toString());
    }

    @Test
    void aDeleteMarkerIsNoDocumentAndItsRowIsRepairedAboveTheMarkersVersion() throws Exception {
        long markerVersion = document(customers, "17").get("_version").asLong() + 10;
        String marker = "{\"" + DeleteMarker.DELETED_FIELD + "\":\"2026-12-02T08:00:00Z\"}";
        send("PUT", "/" + customers + "/_doc/17?version=" + markerVersion + "&version_type=external", marker);
        send("PUT", "/" + customers + "/_doc/100000?version=5&version_type=external", marker); // a deleted row's

        Cli found = verify();
        assertEquals(Verify.DRIFT, found.status(), found.toString());
        assertTrue(found.out().contains(": 1 missing, 0 extra, 0 different"), found.out());
        assertTrue(found.out().contains("  missing    _id 17\n"), found.out());

        Cli repaired = verify("--repair", "--wait", "60");
        assertEquals(Verify.NO_DRIFT, repaired.status(), repaired.toString());
        JsonNode restored = document(customers, "17");
        assertEquals("customer 17", restored.at("/_source/full_name").asText());
        assertEquals(markerVersion + 1, restored.get("_version").asLong(), "just above the marker, not at 1");
        assertEquals(marker, document(customers, "100000").get("_source").toString(), "a marker is no extra");
    }

    private VerifySettings settings(String table) {
        return new VerifySettings(ProducerConfigFile.load(producerConfig, Map.of()),
                SubscriberConfigFile.load(subscriberConfig, Map.of()), Optional.of(List.of(TableId.parse(table))),
                List.of(), true, Optional.empty(), 10, 1000);
    }

    private static Progress quietProgress() {
        return new Progress(new PrintWriter(new StringWriter()), false, System::nanoTime);
    }

    private Cli verify(String... extra) {
        return Cli.withConfigs(producerConfig, subscriberConfig, extra);
    }

    private long count(String index) {
        return documents.count(index);
    }

    private JsonNode document(String index, String id) {
        return documents.get(index, id).orElseThrow(() -> new IllegalStateException("no document " + id + " in "
                + index));
    }

    private JsonNode source(String index, String id) {
        try {
            return document(index, id).path("_source");
        } catch (IllegalStateException e) {
            return ChangeEventJson.mapper().createObjectNode();
        }
    }

    private String send(String method, String path, String json) {
        return http.send(method, path, json);
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after 90 s waiting for " + what);
            }
            Thread.sleep(300);
        }
    }
}
