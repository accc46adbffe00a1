package io.tributary.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.config.InvalidConfigException;
import io.tributary.localstack.LocalStackExtension;
import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.RunningPostgres;
import io.tributary.localstack.testkit.DocumentReader;
import io.tributary.localstack.testkit.TestDatabase;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.TableId;
import io.tributary.model.TablePartitioner;
import io.tributary.subscriber.SubscriberSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Joined documents through the whole pipeline: every document of {@code orders_jd} (an order with its customer, its
 * items with their product, its tags through a link table) must equal what the SQL join over the current rows gives,
 * and no document may exist for an order that does not, whatever changes. The expected documents are computed by
 * PostgreSQL itself ({@code json_build_object}), independently of the subscriber's builder.
 */
@ExtendWith(LocalStackExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class JoinedDocumentsIT {

    private static final String DOCUMENT = "orders_jd";
    private static final String EXPECTED = """
            SELECT o.id::text, json_build_object('id', o.id, 'customer_id', o.customer_id, 'status', o.status,
              'customer', (SELECT json_build_object('id', c.id, 'name', c.name, 'city', c.city)
                           FROM jd.customers c WHERE c.id = o.customer_id),
              'items', coalesce((SELECT json_agg(json_build_object('id', i.id, 'order_id', i.order_id, 'sku', i.sku,
                                   'qty', i.qty, 'product', (SELECT json_build_object('sku', p.sku, 'title', p.title)
                                                             FROM jd.products p WHERE p.sku = i.sku)) ORDER BY i.id)
                                 FROM jd.order_items i WHERE i.order_id = o.id), '[]'),
              'tags', coalesce((SELECT json_agg(json_build_object('id', t.id, 'label', t.label) ORDER BY t.id)
                                FROM jd.order_tags ot JOIN jd.tags t ON t.id = ot.tag_id WHERE ot.order_id = o.id),
                               '[]'))::text
            FROM jd.orders o""";

    private final RunningPostgres postgres;
    private final RunningKafka kafka;
    private final RunningElasticsearch elasticsearch;
    private PipelineHarness pipeline;
    private TestDatabase database;
    private String topic;

    JoinedDocumentsIT(RunningPostgres postgres, RunningKafka kafka, RunningElasticsearch elasticsearch) {
        this.postgres = postgres;
        this.kafka = kafka;
        this.elasticsearch = elasticsearch;
    }

    @BeforeEach
    void createShop() throws Exception {
        new DocumentReader(elasticsearch, ChangeEventJson.mapper()).deleteIndices(DOCUMENT + "-000001,jd.*");
        pipeline = PipelineHarness.create(postgres, kafka, elasticsearch, "joined", "jd.*");
        database = pipeline.database();
        topic = pipeline.topic();
        database.createSchema("jd",
            "CREATE TABLE jd.customers (id int PRIMARY KEY, name text, city text)",
            "CREATE TABLE jd.products (sku text PRIMARY KEY, title text)",
            "CREATE TABLE jd.orders (id int PRIMARY KEY, customer_id int, status text, note text)",
            "CREATE TABLE jd.order_items (id int PRIMARY KEY, order_id int, sku text, qty int)",
            "CREATE TABLE jd.tags (id int PRIMARY KEY, label text)",
            "CREATE TABLE jd.order_tags (order_id int, tag_id int, PRIMARY KEY (order_id, tag_id))");
    }

    @AfterEach
    void stop() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
        database.sql("ALTER SYSTEM RESET synchronous_standby_names", "SELECT pg_reload_conf()");
    }

    @Test
    void documentsEqualTheJoinWhateverTableChanges() throws Exception {
        // Rows before the pipeline starts: 300 orders of customer 1 (a fan-out of 300 documents, 6 pages of 50).
        database.sql("INSERT INTO jd.customers VALUES (1, 'Ada', 'London'), (2, 'Grace', 'Arlington'), (3, 'Linus', 'Helsinki')",
            "INSERT INTO jd.products VALUES ('lamp', 'Desk lamp'), ('desk', 'Oak desk'), ('chair', 'Chair')",
            "INSERT INTO jd.orders SELECT i, CASE WHEN i <= 300 THEN 1 ELSE 2 END, 'new', 'internal'"
                    + " FROM generate_series(1, 310) i",
            "INSERT INTO jd.order_items SELECT i, i, 'lamp', 1 FROM generate_series(1, 310) i",
            "INSERT INTO jd.tags VALUES (1, 'gift'), (2, 'express')",
            "INSERT INTO jd.order_tags VALUES (1, 1), (2, 1), (2, 2)");
        startSubscriber(pipeline.group());
        startProducer();
        awaitDocumentsEqualTheJoin();

        database.sql("INSERT INTO jd.orders VALUES (400, 3, 'new', 'x')",
            "INSERT INTO jd.order_items VALUES (1000, 400, 'desk', 2), (1001, 400, 'chair', 4)",
            // a child moves to another parent: default replica identity sends only its new row
            "UPDATE jd.order_items SET order_id = 400 WHERE id = 301",
            "DELETE FROM jd.order_items WHERE id = 302",
            // one customer renamed: 300 documents
            "UPDATE jd.customers SET name = 'Ada Lovelace' WHERE id = 1",
            // a product renamed, inside the items array
            "UPDATE jd.products SET title = 'Walnut desk' WHERE sku = 'desk'",
            // link rows added and removed, a tag renamed
            "INSERT INTO jd.order_tags VALUES (400, 2), (3, 2)",
            "DELETE FROM jd.order_tags WHERE order_id = 2 AND tag_id = 1",
            "UPDATE jd.tags SET label = 'express delivery' WHERE id = 2",
            // a root deleted, then inserted again with the same key
            "DELETE FROM jd.orders WHERE id = 5",
            "INSERT INTO jd.orders VALUES (5, 3, 'again', null)",
            "DELETE FROM jd.orders WHERE id = 6",
            // an order moved to another customer, a missing customer
            "UPDATE jd.orders SET customer_id = 3 WHERE id = 7",
            "UPDATE jd.orders SET customer_id = 99 WHERE id = 8");
        awaitDocumentsEqualTheJoin();

        database.sql("TRUNCATE jd.order_tags");
        awaitDocumentsEqualTheJoin();

        // A document lost behind the pipeline's back comes back with a requested full build. (Deleted by hand, its
        // tombstone is one version above the last rebuild's: a build at a snapshot that saw no newer transaction
        // would be refused, so one commits first.)
        pipeline.documents().delete(DOCUMENT + "-000001", "10");
        database.sql("SELECT txid_current()");
        assertEquals(0, script("scripts/documents.sh", "rebuild", DOCUMENT));
        awaitDocumentsEqualTheJoin();

        // A replay from offset 0 (a new group) leaves every document as it is.
        startSubscriber("replay-" + database.name());
        database.sql("UPDATE jd.customers SET city = 'Paris' WHERE id = 3");
        awaitCaughtUp("replay-" + database.name());
        awaitDocumentsEqualTheJoin();
    }

    @Test
    void aRebuildWaitsUntilTheChangeThatCausedItIsVisible() throws Exception {
        database.sql("INSERT INTO jd.customers VALUES (1, 'Ada', 'London')",
            "INSERT INTO jd.orders VALUES (1, 1, 'new', null)");
        startSubscriber(pipeline.group());
        startProducer();
        awaitDocumentsEqualTheJoin();

        // A commit that waits for a synchronous standby nobody serves is decoded and streamed, but new snapshots do
        // not see it until it is released: a rebuild reading now would write the old name.
        database.sql("ALTER SYSTEM SET synchronous_standby_names = 'nobody'", "SELECT pg_reload_conf()");
        CompletableFuture<Void> held = CompletableFuture.runAsync(() -> {
            try {
                database.sql("SET synchronous_commit = on", "UPDATE jd.customers SET name = 'Held' WHERE id = 1");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(3000);
        assertTrue(!held.isDone(), "the commit should wait for the synchronous standby");
        database.sql("ALTER SYSTEM RESET synchronous_standby_names", "SELECT pg_reload_conf()");
        held.get(30, TimeUnit.SECONDS);

        awaitDocumentsEqualTheJoin();
        assertEquals("Held", documents().get("1").path("customer").path("name").asText());
    }

    @Test
    void aSubscriberKilledHalfwayThroughAFanOutLeavesItToTheSurvivor() throws Exception {
        database.sql("INSERT INTO jd.customers VALUES (1, 'Ada', 'London')",
            "INSERT INTO jd.orders SELECT i, 1, 'new', null FROM generate_series(1, 1500) i");
        startProducer();
        String group = pipeline.group();
        Process child = startChildSubscriber(group);
        try {
            awaitDocumentsEqualTheJoin(Duration.ofSeconds(120));
            database.sql("UPDATE jd.customers SET name = 'Renamed' WHERE id = 1");
            long renamed = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (renamed == 0 && System.nanoTime() < deadline) {
                renamed = count("{\"term\":{\"customer.name.keyword\":\"Renamed\"}}");
            }
            child.destroyForcibly().waitFor();
            assertTrue(renamed > 0 && renamed < 1500, "killed half-way through the fan-out: " + renamed
                    + " of 1500 documents renamed");
        } finally {
            child.destroyForcibly().waitFor();
        }
        startSubscriber(group);
        awaitDocumentsEqualTheJoin(Duration.ofSeconds(90));
    }

    @Test
    void aLongFanOutGoesOnInTheBackgroundWhileOtherPartitionsAreApplied() throws Exception {
        // A table outside every document, on another partition than jd.customers.
        String other = java.util.stream.Stream.of("notes", "audit", "events", "logs", "memos")
                .filter(name -> TablePartitioner.partitionFor(new TableId("jd", name), 3)
                        != TablePartitioner.partitionFor(new TableId("jd", "customers"), 3))
                .findFirst().orElseThrow();
        database.sql("CREATE TABLE jd." + other + " (id int PRIMARY KEY, text text)",
            "INSERT INTO jd.customers VALUES (1, 'Ada', 'London')",
            "INSERT INTO jd.orders SELECT i, 1, 'new', null FROM generate_series(1, 1500) i");
        startProducer();
        startSubscriber(pipeline.group(), 5);
        awaitDocumentsEqualTheJoin(Duration.ofSeconds(120));

        database.sql("UPDATE jd.customers SET name = 'Renamed' WHERE id = 1");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (count("{\"term\":{\"customer.name.keyword\":\"Renamed\"}}") == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        database.sql("INSERT INTO jd." + other + " VALUES (1, 'while the fan-out runs')");
        long renamedWhenOtherArrived = -1;
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (pipeline.documents().get("jd." + other, "1").isPresent()) {
                renamedWhenOtherArrived = count("{\"term\":{\"customer.name.keyword\":\"Renamed\"}}");
                break;
            }
            Thread.sleep(20);
        }
        assertTrue(renamedWhenOtherArrived >= 0 && renamedWhenOtherArrived < 1500, "jd." + other + "'s row was"
                + " applied while the fan-out was still going on (" + renamedWhenOtherArrived + " of 1500 renamed)");
        awaitDocumentsEqualTheJoin(Duration.ofSeconds(120));
    }

    @Test
    void twoSubscribersOfOneGroupOneOfThemSlowLeaveEveryDocumentEqualToTheJoin() throws Exception {
        // jd.order_items and jd.customers are on different partitions (murmur2 of the names, 3 partitions), which
        // the range assignor gives to different members. The slow member writes every bulk 2.5 s late: it reads a
        // document, the other member then commits and rebuilds a newer state of it, and only then does the slow
        // member's older read land — which Elasticsearch must refuse.
        TopicPartition items = new TopicPartition(topic, TablePartitioner.partitionFor(new TableId("jd", "order_items"), 3));
        TopicPartition customers = new TopicPartition(topic,
                TablePartitioner.partitionFor(new TableId("jd", "customers"), 3));
        assertTrue(items.partition() != customers.partition());
        database.sql("INSERT INTO jd.customers VALUES (1, 'Ada', 'London')",
            "INSERT INTO jd.orders SELECT i, 1, 'new', null FROM generate_series(1, 20) i",
            "INSERT INTO jd.order_items SELECT i, i, 'lamp', 1 FROM generate_series(1, 20) i");
        startProducer();
        String group = pipeline.group();
        SlowBulkProxy slow = new SlowBulkProxy(elasticsearch.url());
        pipeline.closedWithHarness(slow);
        SimpleMeterRegistry slowMetrics = new SimpleMeterRegistry();
        startSubscriber(group, 50, slow.url(), slowMetrics, "slow-member");
        startSubscriber(group, 50, elasticsearch.url(), new SimpleMeterRegistry(), "fast-member");
        Map<TopicPartition, String> owners = owners(group);
        awaitDocumentsEqualTheJoin(Duration.ofSeconds(120));
        assertTrue(owners.containsKey(items) && owners.containsKey(customers)
                && !owners.get(items).equals(owners.get(customers)), "one member each: " + owners);

        slow.delay(Duration.ofMillis(2500));
        // First the slow member's table changes (its rebuild reads that state, then waits at the proxy), then the
        // fast member's (its rebuild reads both changes and lands first).
        String itemChange = "UPDATE jd.order_items SET qty = qty + 1";
        String customerChange = "UPDATE jd.customers SET name = 'Ada Lovelace'";
        boolean slowOwnsItems = owners.get(items).equals("slow-member");
        database.sql(slowOwnsItems ? itemChange : customerChange);
        Thread.sleep(1000);
        database.sql(slowOwnsItems ? customerChange : itemChange);

        awaitDocumentsEqualTheJoin(Duration.ofSeconds(60));
        Thread.sleep(3000);
        awaitDocumentsEqualTheJoin(Duration.ofSeconds(10));
        var refused = slowMetrics.find("tributary.subscriber.version.conflicts").tag("index", DOCUMENT).counters();
        assertTrue(refused.stream().mapToDouble(c -> c.count()).sum() > 0, "the slow member's older rebuilds were"
                + " refused by the newer ones of the other member");
    }

    /** Each partition of the topic with the client id of the member that owns it, once two members own some. */
    private Map<TopicPartition, String> owners(String group) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            Map<TopicPartition, String> owners = new java.util.HashMap<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (owners.size() < 3 && System.nanoTime() < deadline) {
                owners.clear();
                var description = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS)
                        .get(group);
                description.members().forEach(member -> member.assignment().topicPartitions()
                        .forEach(partition -> owners.put(partition, member.clientId())));
                if (description.members().stream().filter(member -> !member.assignment().topicPartitions().isEmpty())
                        .count() < 2) {
                    owners.clear();
                }
                Thread.sleep(200);
            }
            return owners;
        }
    }

    @Test
    void aJoinOnAColumnThatDoesNotExistStopsTheSubscriberAtStartupNamingTheJoin() throws Exception {
        database.sql("ALTER TABLE jd.order_items RENAME COLUMN order_id TO order_ref");
        InvalidConfigException error = assertThrows(InvalidConfigException.class,
                () -> startSubscriber(pipeline.group()));
        assertTrue(error.getMessage().startsWith("tributary.documents.orders_jd.join.items.on.id names column"
                + " 'order_id', which table jd.order_items does not have"), error.getMessage());
    }

    private Process startChildSubscriber(String group) throws Exception {
        Path jar = Path.of("..", "es-subscriber", "target", "es-subscriber.jar");
        assertTrue(Files.isRegularFile(jar), jar + " is built by the package phase, before failsafe runs");
        Path config = Files.createTempFile(Path.of("target"), "documents-", ".conf");
        Files.writeString(config, documentsConfig(5) + "tributary.kafka.properties { \"session.timeout.ms\" ="
                + " \"6000\", \"heartbeat.interval.ms\" = \"1000\" }\n");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar.toString(), "--config", config.toString());
        builder.environment().put("TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        builder.environment().put("TRIBUTARY_KAFKA_TOPIC", topic);
        builder.environment().put("TRIBUTARY_KAFKA_GROUP_ID", group);
        builder.environment().put("TRIBUTARY_ELASTICSEARCH_URLS", elasticsearch.url());
        builder.environment().put("TRIBUTARY_HTTP_PORT", "0");
        builder.redirectErrorStream(true).redirectOutput(Path.of("target", "documents-child.log").toFile());
        return builder.start();
    }

    private int script(String path, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", Path.of("..").resolve(path).toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("ELASTICSEARCH_URL", elasticsearch.url());
        return builder.start().waitFor();
    }

    /** Waits until {@code group} has committed every record of the topic. */
    private void awaitCaughtUp(String group) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
                for (int partition = 0; partition < 3; partition++) {
                    latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
                }
                boolean caughtUp = true;
                for (var end : admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet()) {
                    OffsetAndMetadata offset = committed.get(end.getKey());
                    caughtUp &= end.getValue().offset() == 0 || offset != null
                            && offset.offset() >= end.getValue().offset();
                }
                if (caughtUp) {
                    return;
                }
                Thread.sleep(250);
            }
            throw new AssertionError("group " + group + " did not catch up with " + topic);
        }
    }

    private long count(String query) {
        return pipeline.documents().count(DOCUMENT, query);
    }

    private void startProducer() throws Exception {
        pipeline.startProducer();
    }

    private void startSubscriber(String group) {
        startSubscriber(group, 50);
    }

    private void startSubscriber(String group, int pageSize) {
        startSubscriber(group, pageSize, elasticsearch.url(), new SimpleMeterRegistry(), "subscriber-" + group);
    }

    private void startSubscriber(String group, int pageSize, String elasticsearchUrl, SimpleMeterRegistry metrics,
                                 String clientId) {
        pipeline.startSubscriber(pipeline.subscriberSettings(group, elasticsearchUrl, documentsConfig(pageSize),
                "tributary.kafka.properties { \"session.timeout.ms\" = \"6000\", \"heartbeat.interval.ms\" = \"1000\","
                        + " \"client.id\" = \"" + clientId + "\" }"), metrics);
    }

    /** The subscriber's documents configuration, rebuilding {@code pageSize} documents per page. */
    private String documentsConfig(int pageSize) {
        return """
                tributary.postgres { url = "%s", user = "%s", password = "%s", publication = "pub_%s" }
                tributary.document-rebuild { page-size = %d, check-interval = 1s, background-after = 500ms }
                tributary.documents {
                  orders_jd {
                    root = "jd.orders"
                    exclude = [note]
                    join {
                      customer { table = "jd.customers", on { customer_id = id } }
                      items { table = "jd.order_items", on { id = order_id }, many = true,
                              join { product { table = "jd.products", on { sku = sku } } } }
                      tags { table = "jd.tags", many = true,
                             through { table = "jd.order_tags", on { id = order_id }, to { tag_id = id } } }
                    }
                  }
                }
                """.formatted(database.jdbcUrl(), postgres.user(), postgres.password(), database.name(), pageSize);
    }

    private void awaitDocumentsEqualTheJoin() throws Exception {
        awaitDocumentsEqualTheJoin(Duration.ofSeconds(60));
    }

    private void awaitDocumentsEqualTheJoin(Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        Map<String, JsonNode> expected = null;
        Map<String, JsonNode> actual = null;
        while (System.nanoTime() < deadline) {
            expected = expected();
            actual = documents();
            if (expected.equals(actual)) {
                return;
            }
            Thread.sleep(250);
        }
        List<String> differences = differences(expected, actual);
        assertEquals(List.of(), differences.subList(0, Math.min(5, differences.size())),
                differences.size() + " documents differ from the join");
    }

    private static List<String> differences(Map<String, JsonNode> expected, Map<String, JsonNode> actual) {
        List<String> differences = new ArrayList<>();
        for (String id : expected.keySet()) {
            if (!expected.get(id).equals(actual.get(id))) {
                differences.add(id + ": expected " + expected.get(id) + " but was " + actual.get(id));
            }
        }
        actual.keySet().stream().filter(id -> !expected.containsKey(id)).forEach(id -> differences.add(id
                + ": no such order, but a document " + actual.get(id)));
        return differences;
    }

    /** The join as PostgreSQL computes it, by order id; read back through the same JSON parser as documents. */
    private Map<String, JsonNode> expected() throws Exception {
        Map<String, JsonNode> documents = new TreeMap<>();
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(EXPECTED)) {
            while (result.next()) {
                documents.put(result.getString(1), ChangeEventJson.mapper().readTree(result.getString(2)));
            }
        }
        return documents;
    }

    /** Every document searchable through the alias, by id, without Tributary's own fields. */
    private Map<String, JsonNode> documents() throws Exception {
        Map<String, JsonNode> documents = new TreeMap<>();
        for (Map.Entry<String, JsonNode> document : pipeline.documents().sources(DOCUMENT).entrySet()) {
            ObjectNode source = (ObjectNode) document.getValue();
            source.remove(List.of("_tributary_deleted", "_tributary_table"));
            documents.put(document.getKey(), ChangeEventJson.mapper().readTree(source.toString()));
        }
        return documents;
    }
}
