package io.tributary.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.localstack.LocalStackExtension;
import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.RunningPostgres;
import io.tributary.localstack.testkit.TestDatabase;
import io.tributary.model.ChangeEvent;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.model.SourceInfo;
import io.tributary.model.TableId;
import io.tributary.producer.ProducerSettings.OnSlotLoss;
import io.tributary.producer.TopicReader.Received;
import io.tributary.shaping.source.PostgresEndpoint;
import io.tributary.producer.stream.ServerBehindTopicException;
import io.tributary.producer.stream.SlotLostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The producer when PostgreSQL restarts, the slot disappears, or a second producer wants the same slot. */
@ExtendWith(LocalStackExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ProducerResilienceIT {

    private final RunningPostgres postgres;
    private final RunningKafka kafka;
    private String database;
    private String url;
    private TestDatabase db;
    private String topic;
    private final List<EtlProducer> producers = new java.util.ArrayList<>();

    ProducerResilienceIT(RunningPostgres postgres, RunningKafka kafka) {
        this.postgres = postgres;
        this.kafka = kafka;
    }

    @BeforeEach
    void freshDatabase() throws Exception {
        database = "resilience_" + System.nanoTime() % 1_000_000;
        db = TestDatabase.create(postgres, database);
        url = db.jdbcUrl();
        topic = "resilience-" + database;
        sql("CREATE TABLE public.items (id int PRIMARY KEY, name text)");
    }

    @AfterEach
    void stopProducers() throws Exception {
        for (EtlProducer producer : producers) {
            producer.close();
        }
    }

    private ProducerSettings settings(OnSlotLoss onSlotLoss) {
        return settings(onSlotLoss, Duration.ZERO);
    }

    private ProducerSettings settings(OnSlotLoss onSlotLoss, Duration heartbeat) {
        return settings(onSlotLoss, heartbeat, List.of(TableId.parse("public.items")));
    }

    private ProducerSettings settings(OnSlotLoss onSlotLoss, Duration heartbeat, List<TableId> tables) {
        return keys(onSlotLoss, heartbeat, tables).build();
    }

    /** Reporting every 200 ms, reconnecting after 200 ms up to 1 s. */
    private TestSettings keys(OnSlotLoss onSlotLoss, Duration heartbeat, List<TableId> tables) {
        return TestSettings.quick(url, postgres.user(), postgres.password(), "slot_" + database)
                .with("tributary.postgres.publication", "pub_" + database)
                .tables(tables.stream().map(TableId::toString).toList())
                .with("tributary.postgres.on-slot-loss", onSlotLoss.name().toLowerCase(java.util.Locale.ROOT))
                .with("tributary.postgres.reconnect.max-backoff", "1s")
                .with("tributary.postgres.heartbeat-interval", heartbeat.toMillis() + "ms")
                .kafka(kafka.bootstrapServers(), topic, 2);
    }

    private EtlProducer started(ProducerSettings settings, SimpleMeterRegistry metrics) throws Exception {
        EtlProducer producer = new EtlProducer(settings, metrics);
        producers.add(producer);
        producer.start();
        return producer;
    }

    @Test
    void resumesAfterPostgresRestartsWithoutLosingACommittedChange() throws Exception {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        EtlProducer producer = started(settings(OnSlotLoss.FAIL), metrics);
        sql("INSERT INTO public.items VALUES (1, 'before the restart')");
        assertEquals(1, TopicReader.readAtLeast(kafka.bootstrapServers(), topic, 1, Duration.ofSeconds(30)).size());

        postgres.stop();
        postgres.start();
        sql("INSERT INTO public.items VALUES (2, 'after the restart')");

        List<Received> records = TopicReader.readAtLeast(kafka.bootstrapServers(), topic, 2, Duration.ofSeconds(60));
        assertEquals(List.of(1L, 2L), records.stream().map(r -> r.event().key().get("id").asLong()).distinct().toList());
        assertTrue(metrics.counter("tributary.producer.reconnects").count() >= 1, "the reconnect is counted");
        // A side connection still bound to the stopped server can end the first session after the restart once
        // more (57P01) after it streamed row 2; readiness then comes back with the next session, a backoff later.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!producer.isReady() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(producer.isReady(), "streaming again after the restart");
    }

    @Test
    void slotDroppedWhileStoppedIsAnErrorByDefaultAndRecreatedOnlyWhenAllowed() throws Exception {
        EtlProducer first = started(settings(OnSlotLoss.FAIL), new SimpleMeterRegistry());
        sql("INSERT INTO public.items VALUES (1, 'streamed')");
        assertEquals(1, TopicReader.readAtLeast(kafka.bootstrapServers(), topic, 1, Duration.ofSeconds(30)).size());
        first.close();
        sql("SELECT pg_drop_replication_slot('slot_" + database + "')",
            "INSERT INTO public.items VALUES (2, 'committed while there was no slot')");

        SlotLostException error = assertThrows(SlotLostException.class,
                () -> started(settings(OnSlotLoss.FAIL), new SimpleMeterRegistry()));
        assertTrue(error.getMessage().contains("replication slot slot_" + database + " is missing although topic "
                + topic + " holds events of database " + database), error.getMessage());

        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        EtlProducer recreated = started(settings(OnSlotLoss.RECREATE), metrics);
        sql("INSERT INTO public.items VALUES (3, 'after the new slot')");
        List<Received> records = TopicReader.readAtLeast(kafka.bootstrapServers(), topic, 5, Duration.ofSeconds(30));
        assertEquals(List.of("c 1", "r 1", "r 2", "s", "c 3"), records.stream()
                        .map(r -> (r.event().op().code() + " " + r.event().key().path("id").asText()).trim()).toList(),
                "the gap is reported, the new slot's snapshot re-sends every row (row 2 too) and sweeps what is"
                        + " below them, streaming goes on");
        SnapshotIT.assertEachTableSweptRightAfterItsRows(records, records.get(1).event().source().lsn());
        assertEquals(1.0, metrics.counter("tributary.producer.slot.recreations").count());
        assertTrue(recreated.isReady());
    }

    @Test
    void aSlotPostgresInvalidatedIsALostSlotFailingByDefaultAndRecreatedWhenAllowed() throws Exception {
        EtlProducer first = started(settings(OnSlotLoss.FAIL), new SimpleMeterRegistry());
        sql("INSERT INTO public.items VALUES (1, 'streamed')");
        assertEquals(1, TopicReader.readAtLeast(kafka.bootstrapServers(), topic, 1, Duration.ofSeconds(30)).size());
        first.close();
        String slot = "slot_" + database;
        sql("CREATE TABLE public.filler (id serial PRIMARY KEY, pad text)",
            "INSERT INTO public.items VALUES (2, 'committed while the producer was stopped')");
        try {
            sql("ALTER SYSTEM SET max_slot_wal_keep_size = '1MB'", "SELECT pg_reload_conf()");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!"lost".equals(db.queryOne("SELECT wal_status FROM pg_replication_slots WHERE slot_name = '"
                    + slot + "'"))
                    && System.nanoTime() < deadline) {
                sql("INSERT INTO public.filler (pad) SELECT repeat('x', 1000) FROM generate_series(1, 2000)",
                    "SELECT pg_switch_wal()", "CHECKPOINT");
            }
        } finally {
            sql("ALTER SYSTEM RESET max_slot_wal_keep_size", "SELECT pg_reload_conf()");
        }
        assertEquals("lost", db.queryOne("SELECT wal_status FROM pg_replication_slots WHERE slot_name = '" + slot
                + "'"));

        SlotLostException error = assertThrows(SlotLostException.class,
                () -> started(settings(OnSlotLoss.FAIL), new SimpleMeterRegistry()));
        assertTrue(error.getMessage().contains("replication slot " + slot + " is lost: PostgreSQL invalidated it"
                + " (wal_status = lost") && error.getMessage().contains("max_slot_wal_keep_size")
                && error.getMessage().contains("on-slot-loss = resnapshot"), error.getMessage());

        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        EtlProducer recreated = started(settings(OnSlotLoss.RECREATE), metrics);
        sql("INSERT INTO public.items VALUES (3, 'after the new slot')");
        List<Received> records = TopicReader.readAtLeast(kafka.bootstrapServers(), topic, 5, Duration.ofSeconds(30));
        assertEquals(List.of("c 1", "r 1", "r 2", "s", "c 3"), records.stream()
                        .map(r -> (r.event().op().code() + " " + r.event().key().path("id").asText()).trim()).toList(),
                "the invalidated slot is dropped, a new one's snapshot re-sends every row (row 2 too)");
        assertEquals(1.0, metrics.counter("tributary.producer.slot.recreations").count());
        assertTrue(recreated.isActive());
    }

    @Test
    void aLostSlotIsRecognisedFromTheDatabaseEvenWhenTheTopicHoldsNothingOfIt() throws Exception {
        EtlProducer first = started(settings(OnSlotLoss.FAIL), new SimpleMeterRegistry());
        sql("INSERT INTO public.items VALUES (1, 'streamed')");
        assertEquals(1, TopicReader.readAtLeast(kafka.bootstrapServers(), topic, 1, Duration.ofSeconds(30)).size());
        first.close();
        sql("SELECT pg_drop_replication_slot('slot_" + database + "')");
        topic = topic + "-after-retention"; // a topic that holds nothing of the database, as after its retention

        SlotLostException error = assertThrows(SlotLostException.class,
                () -> started(settings(OnSlotLoss.FAIL), new SimpleMeterRegistry()));
        assertTrue(error.getMessage().contains("replication slot slot_" + database + " is missing although"
                + " tributary.slots records that a producer created it"), error.getMessage());
    }

    @Test
    void anActiveProducerWhoseLockSessionEndsStopsStreamingAtOnceAndTakesTheLockAgain() throws Exception {
        ProducerSettings quickLock = keys(OnSlotLoss.FAIL, Duration.ZERO, List.of(TableId.parse("public.items")))
                .with("tributary.postgres.takeover-timeout", "3s").build();
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        EtlProducer producer = started(quickLock, metrics);
        sql("INSERT INTO public.items VALUES (1, 'before')");
        assertEquals(1, TopicReader.readAtLeast(kafka.bootstrapServers(), topic, 1, Duration.ofSeconds(30)).size());

        sql("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (metrics.counter("tributary.producer.reconnects").count() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(1.0, metrics.counter("tributary.producer.reconnects").count(),
                "a producer that cannot confirm its lock stops streaming (checked every takeover-timeout / 5)");
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!producer.isActive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(producer.isActive(), "the lock was free: it takes it again and streams on");
        assertEquals("1", db.queryOne("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"));
        sql("INSERT INTO public.items VALUES (2, 'after')");
        assertEquals(List.of(1L, 2L), TopicReader.readAtLeast(kafka.bootstrapServers(), topic, 2,
                Duration.ofSeconds(30)).stream().map(r -> r.event().key().get("id").asLong()).distinct().toList());
    }

    @Test
    void startupFailsWhenTheTopicHoldsLsnsAboveTheServersWalPositionAsAfterARestore() throws Exception {
        EtlProducer first = started(settings(OnSlotLoss.FAIL), new SimpleMeterRegistry());
        sql("INSERT INTO public.items VALUES (1, 'streamed')");
        ChangeEvent streamed = TopicReader.readAtLeast(kafka.bootstrapServers(), topic, 1, Duration.ofSeconds(30))
                .get(0).event();
        first.close();
        // The database restored to an earlier point: the topic holds a change at an LSN the server never reached.
        Lsn ahead = Lsn.of(streamed.source().lsn().value() + (1L << 40));
        SourceInfo source = streamed.source();
        ChangeEvent fromTheFuture = new ChangeEvent(Operation.UPDATE, new SourceInfo(source.database(),
                source.schema(), source.table(), ahead, ahead, source.xid() + 1, source.commitTimestamp()),
                streamed.key(), streamed.after(), streamed.after());
        TopicWriter.send(kafka.bootstrapServers(), topic, fromTheFuture);

        ServerBehindTopicException error = assertThrows(ServerBehindTopicException.class,
                () -> started(settings(OnSlotLoss.FAIL), new SimpleMeterRegistry()));

        java.util.regex.Matcher position = java.util.regex.Pattern.compile("current WAL position is (\\S+) ")
                .matcher(error.getMessage());
        assertTrue(error.getMessage().startsWith("topic " + topic + " holds events of database " + database
                + " up to LSN " + ahead + " (public.items), but the server's current WAL position is "),
                error.getMessage());
        assertTrue(position.find() && Lsn.parse(position.group(1)).isAfter(source.lsn())
                && ahead.isAfter(Lsn.parse(position.group(1))), error.getMessage());
        assertTrue(error.getMessage().contains("the database was restored to an earlier point"), error.getMessage());
        assertTrue(error.getMessage().contains("Start over with a new topic and new indices"), error.getMessage());
    }

    @Test
    void secondProducerForTheSameSlotWaitsAsStandbyAndTakesOver() throws Exception {
        EtlProducer active = started(settings(OnSlotLoss.FAIL), new SimpleMeterRegistry());
        EtlProducer standby = started(settings(OnSlotLoss.FAIL), new SimpleMeterRegistry());
        assertTrue(active.isActive());
        assertFalse(standby.isActive(), "the slot's lock is taken: the second producer must not stream");
        assertTrue(standby.isReady(), "a standby is healthy: ready, so a Deployment of two reports both ready");

        sql("INSERT INTO public.items VALUES (1, 'from the active one')");
        assertEquals(1, TopicReader.readAtLeast(kafka.bootstrapServers(), topic, 1, Duration.ofSeconds(30)).size());
        active.close();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!standby.isActive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(standby.isActive(), "the standby takes over within seconds");
        sql("INSERT INTO public.items VALUES (2, 'from the standby')");
        List<Received> records = TopicReader.readAtLeast(kafka.bootstrapServers(), topic, 2, Duration.ofSeconds(30));
        assertEquals(List.of(1L, 2L), records.stream().map(r -> r.event().key().get("id").asLong()).toList());
    }

    @Test
    void survivesAKafkaOutageLongerThanItsDeliveryTimeoutAndLosesNothing() throws Exception {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        EtlProducer producer = started(keys(OnSlotLoss.FAIL, Duration.ZERO, List.of(TableId.parse("public.items")))
                .with("tributary.kafka.max-unacknowledged-events", 10_000)
                .with("tributary.kafka.properties", java.util.Map.of("delivery.timeout.ms", "4000",
                        "request.timeout.ms", "2000", "max.block.ms", "2000", "linger.ms", "0")).build(), metrics);
        sql("INSERT INTO public.items VALUES (1, 'before')");
        assertEquals(1, TopicReader.readAtLeast(kafka.bootstrapServers(), topic, 1, Duration.ofSeconds(30)).size());

        kafka.stop();
        try {
            for (int i = 2; i <= 20; i++) {
                sql("INSERT INTO public.items VALUES (" + i + ", 'during the outage')");
            }
            Thread.sleep(8_000); // twice the delivery timeout: sends fail, sessions restart, nothing is confirmed
            assertTrue(producer.failure().isEmpty(), "a Kafka outage is retried, not fatal");
        } finally {
            kafka.start();
        }

        List<Received> records = TopicReader.readAtLeast(kafka.bootstrapServers(), topic, 20, Duration.ofSeconds(90));
        assertEquals(java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList(),
                records.stream().map(r -> r.event().key().get("id").asLong()).distinct().toList(),
                "every change once at least, in commit order");
        assertTrue(metrics.counter("tributary.producer.reconnects").count() >= 1);
    }

    @Test
    void aRowLargerThanMaxEventBytesStopsTheProducerNamingTableKeyLsnSizeAndSettingInsteadOfRetryingForEver()
            throws Exception {
        EtlProducer producer = started(keys(OnSlotLoss.FAIL, Duration.ZERO, List.of(TableId.parse("public.items")))
                .with("tributary.kafka.max-unacknowledged-events", 10_000)
                .with("tributary.kafka.max-event-bytes", 256 * 1024).build(), new SimpleMeterRegistry());
        sql("INSERT INTO public.items VALUES (1, 'small')",
                "INSERT INTO public.items SELECT 2, string_agg(md5(i::text), '') FROM generate_series(1, 20000) i");

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (producer.failure().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        String message = producer.failure().orElseThrow(() -> new AssertionError(
                "a row too large for Kafka must stop the producer, not be retried for ever")).getMessage();
        assertTrue(message.contains("public.items") && message.contains("{\"id\":2}")
                && message.matches("(?s).* at [0-9A-F]+/[0-9A-F]+ .*") && message.contains("bytes)")
                && message.contains("tributary.kafka.max-event-bytes (now 262144 bytes)"), message);
        assertEquals(List.of(1L), TopicReader.readAtLeast(kafka.bootstrapServers(), topic, 1, Duration.ofSeconds(10))
                .stream().map(r -> r.event().key().get("id").asLong()).toList(), "the row before it was sent");
    }

    @Test
    void anInsertIntoATableWithoutKeyStopsTheProducerUntilTheTableHasOneAndTheSlotIsRecreated() throws Exception {
        sql("CREATE TABLE public.notes (body text)");
        List<TableId> tables = List.of(TableId.parse("public.items"), TableId.parse("public.notes"));
        EtlProducer first = started(settings(OnSlotLoss.FAIL, Duration.ZERO, tables), new SimpleMeterRegistry());
        sql("INSERT INTO public.items VALUES (1, 'keyed')", "INSERT INTO public.notes VALUES ('unkeyed')");

        String stopped = awaitFailure(first).getMessage();
        assertTrue(stopped.startsWith("table public.notes has no primary key and no replica identity columns, so its"
                + " change at "), stopped);
        assertTrue(stopped.endsWith("drop the slot and restart with tributary.postgres.on-slot-loss = recreate"),
                stopped);
        assertEquals(List.of("c 1"), eventsOf("public.items", TopicReader.readAtLeast(kafka.bootstrapServers(), topic,
                1, Duration.ofSeconds(30))), "the keyed row before it was sent");

        // The fix the message names first: PostgreSQL still decodes the change already in the WAL as the table was.
        sql("ALTER TABLE public.notes ADD COLUMN id serial PRIMARY KEY");
        EtlProducer second = started(settings(OnSlotLoss.FAIL, Duration.ZERO, tables), new SimpleMeterRegistry());
        assertTrue(awaitFailure(second).getMessage().startsWith("table public.notes has no primary key"),
                "the same change stops the producer again");

        // The way out it names next: a new slot, whose snapshot re-sends every row with its new key.
        sql("SELECT pg_drop_replication_slot('slot_" + database + "')");
        started(settings(OnSlotLoss.RECREATE, Duration.ZERO, tables), new SimpleMeterRegistry());
        sql("INSERT INTO public.notes (body) VALUES ('after')");
        List<Received> records = TopicReader.readUntil(kafka.bootstrapServers(), topic,
                received -> eventsOf("public.notes", received).contains("c 2"), Duration.ofSeconds(30));

        assertEquals(List.of("c 1", "r 1", "s "), eventsOf("public.items", records).stream().distinct().toList(),
                "row 1 of items perhaps twice: the first producer may have stopped before confirming it");
        assertEquals(List.of("r 1", "s ", "c 2"), eventsOf("public.notes", records));
    }

    /** "op id" of each event of {@code table}, in topic order (a table lives in one partition). */
    private static List<String> eventsOf(String table, List<Received> records) {
        return records.stream().filter(r -> r.event().tableId().toString().equals(table))
                .map(r -> r.event().op().code() + " " + r.event().key().path("id").asText()).toList();
    }

    private static Throwable awaitFailure(EtlProducer producer) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (producer.failure().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return producer.failure().orElseThrow(() -> new AssertionError("the producer did not stop"));
    }

    @Test
    void heartbeatMovesTheSlotForwardWithoutAnyWrites() throws Exception {
        started(settings(OnSlotLoss.FAIL, Duration.ofMillis(200)), new SimpleMeterRegistry());
        String confirmed = "SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = 'slot_" + database + "'";
        io.tributary.model.Lsn start = io.tributary.model.Lsn.parse(db.queryOne(confirmed));

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        io.tributary.model.Lsn now = start;
        while (!now.isAfter(start) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            now = io.tributary.model.Lsn.parse(db.queryOne(confirmed));
        }
        assertTrue(now.isAfter(start), "heartbeat messages move WAL, and the idle slot is confirmed past them");
        assertEquals(0, TopicReader.readAtLeast(kafka.bootstrapServers(), topic, 1, Duration.ofSeconds(1)).size(),
                "heartbeats are not change events");
    }

    /** Runs the statements, waiting for a restarted server. */
    private void sql(String... statements) throws java.sql.SQLException {
        db.sqlOnceReachable(statements);
    }
}
