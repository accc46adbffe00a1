package io.tributary.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.localstack.LocalStackExtension;
import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.RunningPostgres;
import io.tributary.model.ChangeEvent;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.model.TableId;
import io.tributary.model.TablePartitioner;
import io.tributary.producer.TopicReader.Received;
import io.tributary.localstack.testkit.TestDatabase;
import io.tributary.shaping.source.PostgresEndpoint;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The producer against a real PostgreSQL and a real Kafka broker. */
@ExtendWith(LocalStackExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class EtlProducerIT {

    private static final AtomicInteger RUN = new AtomicInteger();

    private final RunningPostgres postgres;
    private final RunningKafka kafka;
    private String database;
    private TestDatabase db;
    private String topic;
    private ProducerSettings settings;
    private EtlProducer producer;

    EtlProducerIT(RunningPostgres postgres, RunningKafka kafka) {
        this.postgres = postgres;
        this.kafka = kafka;
    }

    @BeforeEach
    void freshDatabaseAndTopic() throws Exception {
        int run = RUN.incrementAndGet();
        database = "producer_it_" + run + "_" + System.nanoTime() % 100_000;
        topic = "producer-it-" + database;
        db = TestDatabase.create(postgres, database);
        db.sql("CREATE SCHEMA sales",
            "CREATE TABLE public.customers (id int PRIMARY KEY, name text NOT NULL, vip boolean)",
            "CREATE TABLE sales.order_lines (order_id bigint, line int, qty int, price numeric(10,2),"
                    + " PRIMARY KEY (order_id, line))");
        settings = TestSettings.quick(postgres.jdbcUrl(database), postgres.user(), postgres.password(),
                        "slot_" + database)
                .with("tributary.postgres.publication", "pub_" + database)
                .tables(List.of("public.customers", "sales.order_lines"))
                .kafka(kafka.bootstrapServers(), topic, 4).build();
    }

    @AfterEach
    void stopProducer() throws Exception {
        if (producer != null) {
            producer.close();
        }
    }

    private Lsn confirmedFlushLsn() throws SQLException {
        return Lsn.parse(db.queryOne("SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '"
                + settings.source().slot().name() + "'"));
    }

    private EtlProducer startProducer() throws SQLException {
        EtlProducer started = new EtlProducer(settings, new SimpleMeterRegistry());
        started.start();
        return started;
    }

    @Test
    void publishesEveryRowChangeOfEachTableToItsPartitionInCommitOrder() throws Exception {
        producer = startProducer();
        db.sql("INSERT INTO public.customers VALUES (1, 'Ada', true), (2, 'Grace', false)",
            "INSERT INTO sales.order_lines VALUES (10, 1, 3, 9.90), (10, 2, 1, 120.00)",
            "UPDATE public.customers SET name = 'Ada L.' WHERE id = 1",
            "UPDATE sales.order_lines SET qty = 4 WHERE order_id = 10 AND line = 1",
            "DELETE FROM public.customers WHERE id = 2",
            "DELETE FROM sales.order_lines WHERE order_id = 10 AND line = 2");

        List<Received> records = TopicReader.readAtLeast(kafka.bootstrapServers(), topic, 8, Duration.ofSeconds(60));

        assertEquals(8, records.size(), () -> "records: " + records);
        Map<String, List<Received>> byTable = records.stream()
                .collect(Collectors.groupingBy(r -> r.event().tableId().toString()));
        for (Map.Entry<String, List<Received>> table : byTable.entrySet()) {
            int expectedPartition = TablePartitioner.partitionFor(TableId.parse(table.getKey()), 4);
            assertTrue(table.getValue().stream().allMatch(r -> r.partition() == expectedPartition),
                    table.getKey() + " all in partition " + expectedPartition);
            List<Received> inOffsetOrder = table.getValue().stream()
                    .sorted(Comparator.comparingLong(Received::offset)).toList();
            List<Lsn> lsns = inOffsetOrder.stream().map(r -> r.event().source().lsn()).toList();
            assertEquals(lsns.stream().sorted().toList(), lsns, "offsets follow commit order for " + table.getKey());
        }
        List<String> customerChanges = byTable.get("public.customers").stream()
                .sorted(Comparator.comparingLong(Received::offset))
                .map(r -> r.event().op().code() + r.event().key()).toList();
        assertEquals(List.of("c{\"id\":1}", "c{\"id\":2}", "u{\"id\":1}", "d{\"id\":2}"), customerChanges);

        ChangeEvent lineUpdate = byTable.get("sales.order_lines").stream().map(Received::event)
                .filter(e -> e.op() == Operation.UPDATE).findFirst().orElseThrow();
        assertEquals("{\"order_id\":10,\"line\":1}", lineUpdate.key().toString());
        assertEquals("{\"order_id\":10,\"line\":1,\"qty\":4,\"price\":\"9.90\"}", lineUpdate.after().toString());
        assertEquals(database, lineUpdate.source().database());
        assertEquals("{order_id=int8, line=int4, qty=int4, price=numeric}", lineUpdate.types().toString(),
                "column types in column order, for readers that derive mappings");
        org.apache.kafka.clients.admin.ConfigEntry minInsync = topicConfig("min.insync.replicas");
        assertEquals("1", minInsync.value(), "one replica (the test broker): replication factor - 1, at least 1");
        assertEquals(org.apache.kafka.clients.admin.ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, minInsync.source(),
                "set on the topic the producer created, not left to the broker's default");
    }

    private org.apache.kafka.clients.admin.ConfigEntry topicConfig(String name) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            var resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
            return admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource).get(name);
        }
    }

    @Test
    void confirmedFlushLsnAdvancesOnlyAfterKafkaAcknowledged() throws Exception {
        producer = startProducer();
        db.sql("INSERT INTO public.customers VALUES (1, 'before the outage', null)");
        await("the first change in Kafka", () -> TopicReader.readAtLeast(kafka.bootstrapServers(), topic, 1,
                Duration.ofSeconds(1)).size() == 1);

        Lsn highestDuringOutage = Lsn.INVALID;
        kafka.stop();
        try {
            db.sql("INSERT INTO public.customers VALUES (2, 'during the outage', null)");
            for (int i = 0; i < 15; i++) {
                Lsn confirmed = confirmedFlushLsn();
                highestDuringOutage = confirmed.isAfter(highestDuringOutage) ? confirmed : highestDuringOutage;
                Thread.sleep(200);
            }
        } finally {
            kafka.start();
        }

        List<Received> records = TopicReader.readAtLeast(kafka.bootstrapServers(), topic, 2, Duration.ofSeconds(60));
        assertEquals(List.of(1L, 2L), records.stream().map(r -> r.event().key().get("id").asLong()).toList());
        Lsn outageCommit = records.get(1).event().source().commitLsn();
        assertTrue(highestDuringOutage.compareTo(outageCommit) <= 0, "while Kafka was down the slot was confirmed up"
                + " to " + highestDuringOutage + ", past the commit record of the unacknowledged transaction at "
                + outageCommit);
        await("the slot confirms the outage transaction once Kafka has it", () -> {
            try {
                return confirmedFlushLsn().isAfter(outageCommit);
            } catch (SQLException e) {
                return false;
            }
        });
    }

    @Test
    void restartResumesFromTheFlushedPositionWithoutLosingACommittedChange() throws Exception {
        producer = startProducer();
        db.sql("INSERT INTO public.customers VALUES (1, 'first run', null)");
        await("the first run's change is in Kafka", () -> TopicReader.readAtLeast(kafka.bootstrapServers(), topic, 1,
                Duration.ofSeconds(1)).size() == 1);
        producer.close();
        producer = null;

        db.sql("INSERT INTO public.customers VALUES (2, 'while stopped', null)",
            "UPDATE public.customers SET name = 'updated while stopped' WHERE id = 1");
        producer = startProducer();
        db.sql("INSERT INTO public.customers VALUES (3, 'second run', null)");

        List<Received> records = TopicReader.readAtLeast(kafka.bootstrapServers(), topic, 4, Duration.ofSeconds(60));
        assertEquals(List.of("c1", "c2", "u1", "c3"), records.stream()
                .map(r -> r.event().op().code() + r.event().key().get("id").asLong()).toList(),
                "every committed change once, in commit order (a graceful stop replays nothing)");
    }

    @Test
    void idleSlotConfirmsTheServerPositionWhileOnlyUnpublishedTablesChange() throws Exception {
        db.sql("CREATE TABLE public.not_published (id serial PRIMARY KEY, at timestamptz DEFAULT now())");
        producer = startProducer();
        Lsn start = confirmedFlushLsn();
        Lsn written = Lsn.INVALID;
        for (int i = 0; i < 20; i++) {
            db.sql("INSERT INTO public.not_published DEFAULT VALUES");
            written = Lsn.parse(db.queryOne("SELECT pg_current_wal_lsn()"));
        }
        Lsn target = written;

        await("the slot's confirmed position to pass the unpublished writes", () -> {
            try {
                return confirmedFlushLsn().compareTo(target) >= 0;
            } catch (SQLException e) {
                return false;
            }
        });
        assertTrue(confirmedFlushLsn().isAfter(start));
        assertEquals(0, TopicReader.readAtLeast(kafka.bootstrapServers(), topic, 1, Duration.ofSeconds(2)).size(),
                "nothing of the unpublished table was published");
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(200);
        }
    }
}
