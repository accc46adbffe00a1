package io.tributary.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.localstack.LocalStack;
import io.tributary.localstack.PostgresMajor;
import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.RunningPostgres;
import io.tributary.localstack.testkit.TestDatabase;
import io.tributary.model.ChangeEvent;
import io.tributary.model.Operation;
import io.tributary.model.Routing;
import io.tributary.model.TableId;
import io.tributary.producer.ProducerSettings.ReplicaIdentity;
import io.tributary.producer.TopicReader.Received;
import io.tributary.producer.replication.OutputPlugin;
import io.tributary.shaping.source.PostgresEndpoint;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the producer publishes for DDL, truncates, TOASTed values and tables without a primary key, on the oldest
 * supported PostgreSQL major and the default one (SupportedMajorsIT covers every major); and the startup checks that
 * name what to fix.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ProducerChangesIT {

    private final RunningKafka kafka = LocalStack.kafka();
    private final List<EtlProducer> producers = new ArrayList<>();
    private RunningPostgres postgres;
    private String url;
    private TestDatabase db;
    private String topic;

    @AfterEach
    void stopProducers() throws Exception {
        for (EtlProducer producer : producers) {
            producer.close();
        }
    }

    private void freshDatabase(PostgresMajor major, String... tables) throws SQLException {
        postgres = LocalStack.postgres(major);
        String database = "changes_" + major.number() + "_" + System.nanoTime() % 1_000_000;
        db = TestDatabase.create(postgres, database);
        url = db.jdbcUrl();
        topic = "changes-" + database;
        db.sql(tables);
    }

    private EtlProducer start(List<String> tables, ReplicaIdentity identity, String user) throws Exception {
        return start(tables, identity, user, Routing.byTable(topic, 2), false);
    }

    private EtlProducer start(List<String> tables, ReplicaIdentity identity, String user, Routing routing,
                              boolean slotFailover) throws Exception {
        return start(tables, identity, user, routing, slotFailover, OutputPlugin.PGOUTPUT);
    }

    private EtlProducer start(List<String> tables, ReplicaIdentity identity, String user, Routing routing,
                              boolean slotFailover, OutputPlugin plugin) throws Exception {
        String suffix = topic.replace('-', '_');
        Map<String, Integer> pins = new java.util.LinkedHashMap<>();
        routing.pins().forEach((table, partition) -> pins.put(table.toString(), partition));
        ProducerSettings settings = TestSettings.quick(url, user, postgres.password(), "slot_" + suffix)
                .with("tributary.postgres.publication", "pub_" + suffix)
                .with("tributary.postgres.plugin", plugin.pluginName())
                .tables(tables)
                .with("tributary.postgres.replica-identity", identity.name().toLowerCase(Locale.ROOT))
                .with("tributary.postgres.slot-failover", slotFailover)
                .with("tributary.postgres.reconnect.initial-backoff", "1s")
                .with("tributary.postgres.reconnect.max-backoff", "30s")
                .kafka(kafka.bootstrapServers(), routing.topic(), routing.partitions())
                .with("tributary.kafka.partition-by", routing.partitionBy().name().toLowerCase(Locale.ROOT))
                .with("tributary.kafka.pinned-partitions", pins)
                .with("tributary.kafka.max-unacknowledged-events", 10_000).build();
        EtlProducer producer = new EtlProducer(settings, new SimpleMeterRegistry());
        producers.add(producer);
        producer.start();
        return producer;
    }

    private List<ChangeEvent> events(int expected) {
        List<Received> records = TopicReader.readAtLeast(kafka.bootstrapServers(), topic, expected, Duration.ofSeconds(60));
        assertEquals(expected, records.size(), () -> "records: " + records);
        return records.stream().map(Received::event).toList();
    }

    @ParameterizedTest
    @MethodSource("io.tributary.producer.TestedMajors#oldestAndDefault")
    void ddlMidStreamChangesTheEventsFromTheNextRowOn(PostgresMajor major) throws Exception {
        freshDatabase(major, "CREATE TABLE public.t (id int PRIMARY KEY, a text)");
        start(List.of("public.t"), ReplicaIdentity.DEFAULT, "postgres");
        db.sql("INSERT INTO public.t VALUES (1, 'one')",
            "ALTER TABLE public.t ADD COLUMN b int",
            "INSERT INTO public.t VALUES (2, 'two', 5)",
            "ALTER TABLE public.t RENAME COLUMN a TO label",
            "INSERT INTO public.t VALUES (3, 'three', 6)",
            "ALTER TABLE public.t ALTER COLUMN b TYPE numeric(10,2)",
            "INSERT INTO public.t VALUES (4, 'four', 7.5)",
            "ALTER TABLE public.t DROP COLUMN b",
            "INSERT INTO public.t VALUES (5, 'five')");

        List<String> afters = events(5).stream().map(e -> e.after().toString()).toList();

        assertEquals(List.of(
                "{\"id\":1,\"a\":\"one\"}",
                "{\"id\":2,\"a\":\"two\",\"b\":5}",
                "{\"id\":3,\"label\":\"three\",\"b\":6}",
                "{\"id\":4,\"label\":\"four\",\"b\":\"7.50\"}",
                "{\"id\":5,\"label\":\"five\"}"), afters);
    }

    @ParameterizedTest
    @MethodSource("io.tributary.producer.TestedMajors#oldestAndDefault")
    void truncateIsPublishedOncePerTable(PostgresMajor major) throws Exception {
        freshDatabase(major, "CREATE TABLE public.a (id int PRIMARY KEY)", "CREATE TABLE public.b (id int PRIMARY KEY)");
        start(List.of("public.*"), ReplicaIdentity.DEFAULT, "postgres");
        db.sql("INSERT INTO public.a VALUES (1)", "INSERT INTO public.b VALUES (1)", "TRUNCATE public.a, public.b");

        List<ChangeEvent> events = events(4);

        List<String> truncated = events.stream().filter(e -> e.op() == Operation.TRUNCATE)
                .map(e -> e.tableId().toString()).sorted().toList();
        assertEquals(List.of("public.a", "public.b"), truncated);
    }

    @ParameterizedTest
    @MethodSource("io.tributary.producer.TestedMajors#oldestAndDefault")
    void unchangedToastIsListedWithoutFullIdentityAndFilledInWithIt(PostgresMajor major) throws Exception {
        freshDatabase(major, "CREATE TABLE public.docs (id int PRIMARY KEY, body text, n int)",
                "ALTER TABLE public.docs ALTER COLUMN body SET STORAGE EXTERNAL");
        start(List.of("public.docs"), ReplicaIdentity.DEFAULT, "postgres");
        db.sql("INSERT INTO public.docs VALUES (1, repeat('x', 20000), 0)",
            "UPDATE public.docs SET n = 1 WHERE id = 1",
            "ALTER TABLE public.docs REPLICA IDENTITY FULL",
            "UPDATE public.docs SET n = 2 WHERE id = 1");

        List<ChangeEvent> events = events(3);

        assertEquals(20000, events.get(0).after().get("body").asText().length());
        ChangeEvent withoutFull = events.get(1);
        assertFalse(withoutFull.after().has("body"), "no placeholder for the value PostgreSQL did not send");
        assertEquals(List.of("body"), withoutFull.unchanged());
        ChangeEvent withFull = events.get(2);
        assertEquals(20000, withFull.after().get("body").asText().length(), "filled in from the old row");
        assertEquals(List.of(), withFull.unchanged());
    }

    @ParameterizedTest
    @MethodSource("io.tributary.producer.TestedMajors#oldestAndDefault")
    void tableWithoutPrimaryKeyIsKeyedByAllColumnsUnderReplicaIdentityFull(PostgresMajor major) throws Exception {
        freshDatabase(major, "CREATE TABLE public.log (at int, msg text)");
        start(List.of("public.log"), ReplicaIdentity.FULL, "postgres");
        db.sql("INSERT INTO public.log VALUES (1, 'a')", "UPDATE public.log SET msg = 'b'", "DELETE FROM public.log");

        List<ChangeEvent> events = events(3);

        assertEquals("{\"at\":1,\"msg\":\"a\"}", events.get(0).key().toString());
        assertEquals("{\"at\":1,\"msg\":\"a\"}", events.get(1).before().toString(), "full before-image");
        assertEquals("{\"at\":1,\"msg\":\"b\"}", events.get(1).key().toString());
        assertEquals(Operation.DELETE, events.get(2).op());
        assertEquals("{\"at\":1,\"msg\":\"b\"}", events.get(2).key().toString());
    }

    @Test
    void primaryKeyStaysTheKeyWhenTheTableTurnsReplicaIdentityFullMidStream() throws Exception {
        freshDatabase(PostgresMajor.configuredDefault(), "CREATE TABLE public.items (id int PRIMARY KEY, label text)");
        start(List.of("public.items"), ReplicaIdentity.DEFAULT, "postgres");
        db.sql("INSERT INTO public.items VALUES (1, 'before')",
            "ALTER TABLE public.items REPLICA IDENTITY FULL",
            "UPDATE public.items SET label = 'after' WHERE id = 1",
            "UPDATE public.items SET id = 2 WHERE id = 1",
            "DELETE FROM public.items WHERE id = 2");

        List<ChangeEvent> events = events(4);

        assertEquals(List.of("c {\"id\":1}", "u {\"id\":1}", "u {\"id\":2}", "d {\"id\":2}"),
                events.stream().map(e -> e.op().code() + " " + e.key()).toList(), "the key is the primary key");
        assertEquals("{\"id\":1,\"label\":\"before\"}", events.get(1).before().toString(), "full before-image");
        assertEquals("{\"id\":1,\"label\":\"after\"}", events.get(2).before().toString(),
                "the old key is in the before-image, so the old document is deleted");
    }

    @ParameterizedTest
    @EnumSource(OutputPlugin.class)
    void replicaIdentityFullFromTheStartKeysSnapshotAndStreamByThePrimaryKey(OutputPlugin plugin) throws Exception {
        freshDatabase(PostgresMajor.configuredDefault(), "CREATE TABLE public.items (id int PRIMARY KEY, label text)",
                "INSERT INTO public.items VALUES (1, 'snapshotted')");
        start(List.of("public.items"), ReplicaIdentity.FULL, "postgres", Routing.byTable(topic, 2), false, plugin);
        db.sql("INSERT INTO public.items VALUES (2, 'streamed')",
            "UPDATE public.items SET id = 3 WHERE id = 2",
            "DELETE FROM public.items WHERE id = 3");

        List<ChangeEvent> events = events(4);

        assertEquals(List.of("r {\"id\":1}", "c {\"id\":2}", "u {\"id\":3}", "d {\"id\":3}"),
                events.stream().map(e -> e.op().code() + " " + e.key()).toList(), "the key is the primary key");
        assertEquals("{\"id\":2,\"label\":\"streamed\"}", events.get(2).before().toString());
        assertEquals("{\"id\":3,\"label\":\"streamed\"}", events.get(3).before().toString());
    }

    @ParameterizedTest
    @MethodSource("io.tributary.producer.TestedMajors#oldestAndDefault")
    void testDecodingPluginStreamsTheSameChangesWithoutAPublication(PostgresMajor major) throws Exception {
        freshDatabase(major, "CREATE TABLE public.t (id int PRIMARY KEY, label text, tags text[])",
                "CREATE TABLE public.other (id int PRIMARY KEY)");
        start(List.of("public.t"), ReplicaIdentity.DEFAULT, "postgres", Routing.byTable(topic, 2), false,
                OutputPlugin.TEST_DECODING);
        db.sql("INSERT INTO public.t VALUES (1, 'it''s \"quoted\"', '{a,\"b c\",NULL}')",
            "INSERT INTO public.other VALUES (1)",
            "UPDATE public.t SET id = 2, label = NULL WHERE id = 1",
            "DELETE FROM public.t WHERE id = 2");

        List<ChangeEvent> events = events(3);

        assertEquals("{\"id\":1,\"label\":\"it's \\\"quoted\\\"\",\"tags\":[\"a\",\"b c\",null]}",
                events.get(0).after().toString());
        assertEquals("{\"id\":1}", events.get(1).before().toString(), "the old key of a key change");
        assertEquals("{\"id\":2,\"label\":null,\"tags\":[\"a\",\"b c\",null]}", events.get(1).after().toString());
        assertEquals(Operation.DELETE, events.get(2).op());
        assertTrue(events.stream().noneMatch(e -> e.tableId().table().equals("other")), "only configured tables");
        try (Connection connection = db.connect();
             Statement statement = connection.createStatement();
             java.sql.ResultSet result = statement.executeQuery("SELECT count(*) FROM pg_publication")) {
            result.next();
            assertEquals(0, result.getInt(1), "test_decoding needs no publication");
        }
    }

    @Test
    void routingPinsTablesSpreadsRowsByKeyAndNamesOneTopicPerTable() throws Exception {
        freshDatabase(PostgresMajor.configuredDefault(), "CREATE TABLE public.pinned (id int PRIMARY KEY)",
                "CREATE TABLE public.spread (id int PRIMARY KEY)");
        String perTable = topic + ".${schema}.${table}";
        start(List.of("public.*"), ReplicaIdentity.DEFAULT, "postgres", new Routing(perTable, 4,
                Routing.PartitionBy.KEY, java.util.Map.of(TableId.parse("public.pinned"), 3)), false);
        db.sql("INSERT INTO public.pinned SELECT generate_series(1, 20)", "INSERT INTO public.spread SELECT generate_series(1, 40)");

        List<Received> pinned = TopicReader.readAtLeast(kafka.bootstrapServers(), topic + ".public.pinned", 20,
                Duration.ofSeconds(60));
        List<Received> spread = TopicReader.readAtLeast(kafka.bootstrapServers(), topic + ".public.spread", 40,
                Duration.ofSeconds(60));

        assertEquals(20, pinned.size());
        assertTrue(pinned.stream().allMatch(r -> r.partition() == 3), "a pinned table stays in its partition");
        assertEquals(40, spread.size());
        assertEquals(4, spread.stream().map(Received::partition).distinct().count(), "rows spread over all partitions");
    }

    @ParameterizedTest
    @MethodSource("io.tributary.producer.TestedMajors#oldestAndDefault")
    void slotFailoverCreatesAFailoverSlotOnPostgres17AndIsRefusedBefore(PostgresMajor major) throws Exception {
        freshDatabase(major, "CREATE TABLE public.t (id int PRIMARY KEY)");
        if (major.number() >= 17) {
            start(List.of("public.t"), ReplicaIdentity.DEFAULT, "postgres", Routing.byTable(topic, 2), true);
            try (Connection connection = db.connect();
                 Statement statement = connection.createStatement();
                 java.sql.ResultSet result = statement.executeQuery("SELECT failover FROM pg_replication_slots"
                         + " WHERE slot_name = 'slot_" + topic.replace('-', '_') + "'")) {
                assertTrue(result.next() && result.getBoolean(1), "the slot is created with FAILOVER");
            }
        } else {
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> start(List.of("public.t"),
                    ReplicaIdentity.DEFAULT, "postgres", Routing.byTable(topic, 2), true));
            assertTrue(refused.getMessage().contains("slot-failover = true needs PostgreSQL 17"), refused.getMessage());
        }
    }

    @Test
    void startupNamesTheRoleWithoutReplicationAndTheTableEntriesThatMatchNothing() throws Exception {
        freshDatabase(PostgresMajor.configuredDefault(), "CREATE TABLE public.t (id int PRIMARY KEY)",
                "DO $$ BEGIN CREATE ROLE reader LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");

        IllegalStateException privilege = assertThrows(IllegalStateException.class,
                () -> start(List.of("public.t"), ReplicaIdentity.DEFAULT, "reader"));
        assertTrue(privilege.getMessage().contains("role reader lacks the REPLICATION attribute"), privilege.getMessage());

        IllegalStateException unknown = assertThrows(IllegalStateException.class,
                () -> start(List.of("public.t", "public.nope", "shop.*"), ReplicaIdentity.DEFAULT, "postgres"));
        assertTrue(unknown.getMessage().contains("[public.nope, shop.*] match no table"), unknown.getMessage());
    }

    @Test
    void allReplicationSlotsInUseIsReportedWithTheSettingToRaise() throws Exception {
        freshDatabase(PostgresMajor.V14, "CREATE TABLE public.t (id int PRIMARY KEY)");
        int free;
        try (Connection connection = db.connect();
             Statement statement = connection.createStatement();
             java.sql.ResultSet result = statement.executeQuery("SELECT current_setting('max_replication_slots')::int"
                     + " - (SELECT count(*) FROM pg_replication_slots)")) {
            result.next();
            free = result.getInt(1);
        }
        List<String> fillers = new ArrayList<>();
        try {
            for (int i = 0; i < free; i++) {
                String filler = "filler_" + i + "_" + System.nanoTime() % 100_000;
                db.sql("SELECT pg_create_logical_replication_slot('" + filler + "', 'test_decoding')");
                fillers.add(filler);
            }
            IllegalStateException error = assertThrows(IllegalStateException.class,
                    () -> start(List.of("public.t"), ReplicaIdentity.DEFAULT, "postgres"));
            assertTrue(error.getMessage().contains("all replication slots are in use")
                    && error.getMessage().contains("raise max_replication_slots"), error.getMessage());
        } finally {
            for (String filler : fillers) {
                db.sql("SELECT pg_drop_replication_slot('" + filler + "')");
            }
        }
    }

    @Test
    void topicWithFewerPartitionsThanRoutingNeedsIsRefused() throws Exception {
        freshDatabase(PostgresMajor.configuredDefault(), "CREATE TABLE public.t (id int PRIMARY KEY)");
        kafka.createTopic(topic, 1);

        IllegalStateException error = assertThrows(IllegalStateException.class, () -> start(List.of("public.t"),
                ReplicaIdentity.DEFAULT, "postgres", Routing.byTable(topic, 4), false));

        assertTrue(error.getMessage().contains("topic " + topic + " has 1 partitions but routing needs 4"),
                error.getMessage());
    }

    @Test
    void unreachableKafkaIsReportedWithTheSettingToCheck() throws Exception {
        freshDatabase(PostgresMajor.configuredDefault(), "CREATE TABLE public.t (id int PRIMARY KEY)");
        String suffix = topic.replace('-', '_');
        EtlProducer producer = new EtlProducer(TestSettings.quick(url, postgres.user(), postgres.password(),
                        "slot_" + suffix).with("tributary.postgres.publication", "pub_" + suffix)
                .tables(List.of("public.t")).kafka("127.0.0.1:1", topic, 2).build(), new SimpleMeterRegistry());

        IllegalStateException error = assertThrows(IllegalStateException.class, producer::start);

        assertTrue(error.getMessage().contains("Kafka at 127.0.0.1:1 did not answer")
                && error.getMessage().contains("tributary.kafka.bootstrap-servers"), error.getMessage());
    }
}
