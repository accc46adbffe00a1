package io.tributary.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.localstack.LocalStackExtension;
import io.tributary.localstack.Poll;
import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.RunningPostgres;
import io.tributary.localstack.testkit.DocumentReader;
import io.tributary.localstack.testkit.TestDatabase;
import io.tributary.model.ChangeEventJson;
import io.tributary.producer.EtlProducer;
import io.tributary.producer.ProducerSettings;
import io.tributary.producer.publish.TopicSetup;
import io.tributary.shaping.source.PostgresEndpoint;
import io.tributary.subscriber.EsSubscriber;
import io.tributary.subscriber.SubscriberSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole pipeline against real services: rows written to PostgreSQL end up in Elasticsearch equal to the final
 * PostgreSQL rows, through etl-producer, Kafka and es-subscriber.
 */
@ExtendWith(LocalStackExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PipelineIT {

    private PipelineHarness pipeline;
    private TestDatabase database;
    private EtlProducer producer;

    @BeforeEach
    void startPipeline(RunningPostgres postgres, RunningKafka kafka, RunningElasticsearch elasticsearch)
            throws Exception {
        // Every test writes the same index names: start each from none (the indices behind the aliases searched).
        new DocumentReader(elasticsearch, ChangeEventJson.mapper())
                .deleteIndices("shop.customers-000001,shop.order_lines-000001");
        pipeline = PipelineHarness.create(postgres, kafka, elasticsearch, "pipeline", "shop.*");
        database = pipeline.database();
        database.createSchema("shop",
            "CREATE TABLE shop.customers (id int PRIMARY KEY, name text NOT NULL, vip boolean, balance bigint)",
            "CREATE TABLE shop.order_lines (order_id bigint, line int, product text, qty int,"
                    + " PRIMARY KEY (order_id, line))");
        pipeline.startSubscriber();
    }

    @AfterEach
    void stopPipeline() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    /** Starts the producer of both tables; each test chooses when (rows written before are snapshotted). */
    private void startProducer() throws Exception {
        producer = pipeline.startProducer();
    }

    @Test
    void aRowOfTensOfMegabytesReachesElasticsearchWithDefaultSettings() throws Exception {
        startProducer();
        // 21 M characters: over Kafka's default 1 MB and Jackson's default 20 M-character limit for one value
        database.sql("INSERT INTO shop.customers SELECT 7, string_agg(md5(i::text), ''), true, 1"
                + " FROM generate_series(1, 660000) i", "INSERT INTO shop.customers VALUES (8, 'after', false, 2)");

        awaitElasticsearchEqualsPostgres("shop.customers", "id");
    }

    @Test
    void elasticsearchEndsEqualToPostgresAfterInsertsUpdatesAndDeletesInTwoTables() throws Exception {
        startProducer();
        database.sql("INSERT INTO shop.customers VALUES (1, 'Ada', true, 100), (2, 'Grace', false, 0), (3, 'Linus', null, -5)",
            "INSERT INTO shop.order_lines VALUES (1, 23, 'lamp', 1), (12, 3, 'desk', 2), (12, 4, 'chair', 4)");
        database.sql("UPDATE shop.customers SET name = 'Ada Lovelace', balance = balance + 1 WHERE id = 1",
            "UPDATE shop.order_lines SET qty = qty * 10 WHERE order_id = 12",
            "DELETE FROM shop.customers WHERE id = 2",
            "DELETE FROM shop.order_lines WHERE order_id = 12 AND line = 4");
        // Many changes to one row in one transaction: only the last may remain.
        database.inOneTransaction("UPDATE shop.customers SET balance = 1 WHERE id = 3",
            "UPDATE shop.customers SET balance = 2 WHERE id = 3",
            "UPDATE shop.customers SET balance = 3 WHERE id = 3");

        awaitElasticsearchEqualsPostgres("shop.customers", "id");
        awaitElasticsearchEqualsPostgres("shop.order_lines", "order_id", "line");
    }

    @Test
    void preExistingRowsAreSnapshottedWhileWritesGoOnAndElasticsearchEndsEqualToPostgres() throws Exception {
        database.sql("INSERT INTO shop.customers SELECT i, 'customer ' || i, i % 2 = 0, i FROM generate_series(1, 3000) i",
            "INSERT INTO shop.order_lines SELECT o, l, 'p' || l, l FROM generate_series(1, 500) o,"
                    + " generate_series(1, 4) l");
        AtomicBoolean writing = new AtomicBoolean(true);
        CompletableFuture<Integer> writer = CompletableFuture.supplyAsync(() -> writeWhile(writing));
        startProducer(); // takes the initial snapshot while the writer changes rows
        Thread.sleep(500);
        writing.set(false);
        assertTrue(writer.get(30, TimeUnit.SECONDS) > 0, "the writer changed rows during the snapshot");

        awaitElasticsearchEqualsPostgres("shop.customers", "id");
        awaitElasticsearchEqualsPostgres("shop.order_lines", "order_id", "line");
    }

    /** Updates, deletes and inserts rows, one transaction at a time, until told to stop; returns how many. */
    private int writeWhile(AtomicBoolean writing) {
        int transactions = 0;
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            while (writing.get()) {
                int id = 1 + transactions * 7 % 3000;
                statement.execute("UPDATE shop.customers SET balance = balance + 1000, name = 'moved "
                        + transactions + "' WHERE id = " + id);
                statement.execute("DELETE FROM shop.order_lines WHERE order_id = " + (1 + transactions % 500)
                        + " AND line = " + (1 + transactions % 4));
                statement.execute("INSERT INTO shop.customers VALUES (" + (10_000 + transactions) + ", 'new', true, 0)");
                transactions++;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the concurrent writer failed after " + transactions + " transactions", e);
        }
        return transactions;
    }

    /**
     * {@code resnapshot} re-reads every table while streaming, {@code recreate} takes a new initial snapshot; both
     * end with a sweep of each table, so the rows deleted in the gap are gone from Elasticsearch too.
     */
    @ParameterizedTest
    @EnumSource(value = ProducerSettings.OnSlotLoss.class, names = {"RESNAPSHOT", "RECREATE"})
    void aSlotDroppedWhileTheProducerIsDownIsRepairedWithTheRowsDeletedInTheGap(ProducerSettings.OnSlotLoss onSlotLoss)
            throws Exception {
        startProducer();
        database.sql("INSERT INTO shop.customers SELECT i, 'customer ' || i, i % 2 = 0, i * 10 FROM generate_series(1, 40) i",
            "INSERT INTO shop.order_lines SELECT o, l, 'p' || l, o * l FROM generate_series(1, 10) o,"
                    + " generate_series(1, 3) l");
        awaitElasticsearchEqualsPostgres("shop.customers", "id");
        awaitElasticsearchEqualsPostgres("shop.order_lines", "order_id", "line");

        producer.close();
        dropSlot("slot_" + database.name());
        database.sql("INSERT INTO shop.customers VALUES (41, 'in the gap', true, 1)",
            "UPDATE shop.customers SET name = 'updated in the gap' WHERE id <= 5",
            "DELETE FROM shop.customers WHERE id BETWEEN 6 AND 10",
            "DELETE FROM shop.order_lines WHERE order_id = 3");
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        producer = pipeline.startProducer(pipeline.producerSettings(
                "tributary.postgres.on-slot-loss = " + onSlotLoss.name().toLowerCase(java.util.Locale.ROOT)), metrics);
        database.sql("UPDATE shop.customers SET vip = NULL WHERE id = 1", "INSERT INTO shop.customers VALUES (42, 'after', false, 2)");

        awaitElasticsearchEqualsPostgres("shop.customers", "id");
        awaitElasticsearchEqualsPostgres("shop.order_lines", "order_id", "line");
        assertEquals(1.0, metrics.get("tributary.producer.slot.losses").counter().count());
    }

    private void dropSlot(String slot) {
        // the stopped producer's walsender may still be ending: the slot is active until it has
        Poll.until("slot " + slot + " to be dropped", Duration.ofSeconds(30), Duration.ofMillis(200),
                () -> {
                    database.sql("SELECT pg_drop_replication_slot('" + slot + "')");
                    return true;
                });
    }

    private void awaitElasticsearchEqualsPostgres(String table, String... keyColumns) throws Exception {
        Map<String, Map<String, Object>> expected = postgresRows(table, keyColumns);
        Map<String, Map<String, Object>> actual = Map.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            actual = elasticsearchDocuments(table);
            if (actual.equals(expected)) {
                return;
            }
            Thread.sleep(500);
        }
        assertEquals(expected, actual, "documents of index " + table + " (by _id) should equal the PostgreSQL rows");
    }

    /** The table's rows keyed the way the subscriber computes document ids (composite keys as a JSON array). */
    private Map<String, Map<String, Object>> postgresRows(String table, String... keyColumns) throws SQLException {
        Map<String, Map<String, Object>> rows = new TreeMap<>();
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT * FROM " + table)) {
            ResultSetMetaData meta = result.getMetaData();
            while (result.next()) {
                Map<String, Object> row = new TreeMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    Object value = result.getObject(i);
                    row.put(meta.getColumnName(i), value instanceof Number n ? n.longValue() : value);
                }
                String id = keyColumns.length == 1 ? String.valueOf(row.get(keyColumns[0]))
                        : "[" + String.join(",", java.util.Arrays.stream(keyColumns)
                                .map(c -> String.valueOf(row.get(c))).toList()) + "]";
                rows.put(id, row);
            }
        }
        return rows;
    }

    /** Every document of {@code index} by id (a table may hold more than 10,000 rows). */
    private Map<String, Map<String, Object>> elasticsearchDocuments(String index) {
        Map<String, Map<String, Object>> documents = new TreeMap<>();
        pipeline.documents().sources(index).forEach((id, source) -> {
            Map<String, Object> document = new TreeMap<>();
            source.fields().forEachRemaining(field -> document.put(field.getKey(), plain(field.getValue())));
            documents.put(id, document);
        });
        return documents;
    }

    private static Object plain(JsonNode value) {
        if (value.isNull()) {
            return null;
        }
        if (value.isIntegralNumber()) {
            return value.longValue();
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        return value.asText();
    }
}
