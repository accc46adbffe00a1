package io.tributary.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.localstack.LocalStackExtension;
import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.RunningPostgres;
import io.tributary.model.ChangeEvent;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.producer.TopicReader.Received;
import io.tributary.producer.snapshot.SnapshotAbortedException;
import io.tributary.producer.snapshot.SnapshotMode;
import io.tributary.producer.snapshot.SnapshotSettings;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The initial snapshot against a real PostgreSQL and Kafka: consistent with the stream, chunked, redone if cut. */
@ExtendWith(LocalStackExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SnapshotIT {

    private final RunningPostgres postgres;
    private final RunningKafka kafka;
    private ProducerTestDatabase db;
    private String database;
    private String topic;

    SnapshotIT(RunningPostgres postgres, RunningKafka kafka) {
        this.postgres = postgres;
        this.kafka = kafka;
    }

    @BeforeEach
    void freshDatabase() throws Exception {
        db = new ProducerTestDatabase(postgres, kafka, "snapshot_it");
        database = db.name();
        topic = db.topic();
    }

    @AfterEach
    void stopProducers() throws Exception {
        db.close();
    }

    private ProducerSettings settings(SnapshotSettings snapshot, String... tables) {
        return db.settings(snapshot, 4, tables);
    }

    private EtlProducer newProducer(ProducerSettings settings, SimpleMeterRegistry metrics) {
        return db.producer(settings, metrics);
    }

    @Test
    void snapshotWithConcurrentWritesThenStreamLeavesEveryRowsFinalContentLastInItsPartition() throws Exception {
        db.sql("CREATE TABLE shop.customers (id int PRIMARY KEY, name text, vip boolean, born date, seen timestamptz,"
                        + " balance numeric(10,2), score float8, tags text[], meta jsonb, photo bytea, code char(5),"
                        + " ref uuid)",
                "INSERT INTO shop.customers SELECT i, CASE WHEN i % 5 = 0 THEN NULL ELSE 'name ' || i END, i % 2 = 0,"
                        + " date '1990-01-01' + i, timestamptz '2024-03-01 12:00:00.123456+02' + i * interval '1 hour',"
                        + " i * 1.25, CASE WHEN i % 5 = 0 THEN NULL ELSE 1.0 / i END, ARRAY['a' || i, NULL, 'b'],"
                        + " jsonb_build_object('n', i, 'big', 12345678901234567890.5), decode('00ff' || lpad(to_hex(i), 2, '0'), 'hex'),"
                        + " 'c' || i, md5(i::text)::uuid FROM generate_series(1, 40) i",
                "CREATE TABLE shop.order_lines (order_id bigint, line int, qty int NOT NULL, note varchar(20),"
                        + " PRIMARY KEY (order_id, line))",
                "INSERT INTO shop.order_lines SELECT o, l, o * l, CASE WHEN l = 2 THEN NULL ELSE 'n' END"
                        + " FROM generate_series(1, 20) o, generate_series(1, 3) l",
                "CREATE TABLE shop.audit (at timestamptz NOT NULL, msg text NOT NULL)",
                "ALTER TABLE shop.audit REPLICA IDENTITY FULL",
                "INSERT INTO shop.audit SELECT now(), 'seed-' || i FROM generate_series(0, 29) i");
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        EtlProducer producer = newProducer(settings(new SnapshotSettings(SnapshotMode.INITIAL, 7, 2),
                "shop.customers", "shop.order_lines", "shop.audit"), metrics);

        AtomicBoolean writing = new AtomicBoolean(true);
        CompletableFuture<Integer> writer = CompletableFuture.supplyAsync(() -> writeConcurrently(writing));
        Thread.sleep(200);
        producer.start();
        Thread.sleep(1_000);
        writing.set(false);
        assertTrue(writer.get(30, TimeUnit.SECONDS) > 0, "the writer made changes");
        // Copies of snapshot rows, inserted now: their streamed values must equal the snapshot's.
        db.sql("INSERT INTO shop.customers SELECT id + 5000, name, vip, born, seen, balance, score, tags, meta, photo,"
                + " code, ref FROM shop.customers WHERE id IN (1, 5)");

        Map<String, Map<String, String>> expected = finalContent();
        List<Received> records = TopicReader.readUntil(kafka.bootstrapServers(), topic,
                received -> expected.equals(contentOfLastEvents(received)), Duration.ofSeconds(60));

        assertEquals(expected, contentOfLastEvents(records), "each present row's last event holds its final content,"
                + " each deleted row's last event is a delete");
        List<ChangeEvent> snapshotEvents = records.stream().map(Received::event)
                .filter(event -> event.op() == Operation.READ).toList();
        List<ChangeEvent> streamed = records.stream().map(Received::event)
                .filter(event -> event.op() != Operation.READ).toList();
        Lsn version = snapshotEvents.get(0).source().lsn();
        assertTrue(snapshotEvents.stream().allMatch(event -> event.source().lsn().equals(version)),
                "every snapshot row has the same version");
        Lsn firstStreamed = streamed.stream().map(event -> event.source().lsn()).min(Comparator.naturalOrder())
                .orElseThrow();
        assertTrue(firstStreamed.isAfter(version), "snapshot version " + version + " is below every streamed LSN,"
                + " the lowest being " + firstStreamed);
        Map<String, Long> readsPerKey = snapshotEvents.stream()
                .collect(Collectors.groupingBy(event -> event.tableId() + " " + event.key(), Collectors.counting()));
        assertTrue(readsPerKey.values().stream().allMatch(count -> count == 1), "no row read twice: " + readsPerKey);
        for (int id = 1; id <= 20; id++) {
            assertTrue(readsPerKey.containsKey("shop.customers {\"id\":" + id + "}"), "untouched row " + id + " read");
        }
        assertTrue(readsPerKey.size() >= 60, "most order lines and customers were read: " + readsPerKey.size());
        assertSnapshotEqualsStream(snapshotEvents, streamed, 1);
        assertSnapshotEqualsStream(snapshotEvents, streamed, 5);
        assertEquals("t", db.queryOne("SELECT completed_at IS NOT NULL FROM tributary.snapshots WHERE slot_name = 'slot_"
                + database + "'"), "the snapshot is recorded as complete");
        assertEquals(0.0, metrics.get("tributary.producer.snapshot.running").gauge().value());
        assertEquals(readsPerKey.keySet().stream().filter(key -> key.startsWith("shop.order_lines")).count(),
                metrics.get("tributary.producer.snapshot.rows").tag("table", "shop.order_lines").gauge().value());
        assertEquals(60.0, metrics.get("tributary.producer.snapshot.rows.estimated")
                .tag("table", "shop.order_lines").gauge().value(), 60.0, "an estimate is exported (may be 0 before"
                + " ANALYZE)");
    }

    @Test
    void snapshotStoppedMidwayIsTakenAgainWithANewSlotOnTheNextStart() throws Exception {
        db.sql("CREATE TABLE shop.big (id int PRIMARY KEY, payload text)",
                "INSERT INTO shop.big SELECT i, 'row ' || i FROM generate_series(1, 20000) i",
                "CREATE TABLE shop.loose (n int, label text)",
                "ALTER TABLE shop.loose REPLICA IDENTITY FULL",
                "INSERT INTO shop.loose SELECT i, 'l' || i FROM generate_series(1, 50) i");
        ProducerSettings settings = settings(new SnapshotSettings(SnapshotMode.INITIAL, 7, 2), "shop.big", "shop.loose");
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        EtlProducer first = newProducer(settings, metrics);
        CompletableFuture<Void> starting = CompletableFuture.runAsync(() -> {
            try {
                first.start();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (rowsPublished(metrics, "shop.big") == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        first.close(); // the stop request the snapshot polls between chunks
        ExecutionException stopped = assertThrows(ExecutionException.class, () -> starting.get(30, TimeUnit.SECONDS));
        assertTrue(stopped.getCause() instanceof SnapshotAbortedException, "stopped by the request: " + stopped);
        double cutAt = rowsPublished(metrics, "shop.big");
        assertTrue(cutAt > 0 && cutAt < 20_000, "the first snapshot was cut midway, at " + cutAt + " rows");
        assertEquals("t", db.queryOne("SELECT completed_at IS NULL FROM tributary.snapshots WHERE slot_name = '"
                + settings.source().slot().name() + "'"), "recorded as unfinished");
        String firstSlotLsn = db.queryOne("SELECT restart_lsn FROM pg_replication_slots WHERE slot_name = '"
                + settings.source().slot().name() + "'");
        db.sql("UPDATE shop.big SET payload = 'changed before the restart' WHERE id = 20000");

        EtlProducer second = newProducer(settings, new SimpleMeterRegistry());
        second.start();
        db.sql("INSERT INTO shop.big VALUES (20001, 'streamed')");

        List<Received> records = TopicReader.readUntil(kafka.bootstrapServers(), topic,
                received -> received.stream().anyMatch(r -> r.event().op() == Operation.CREATE)
                        && received.stream().filter(r -> r.event().op() == Operation.SWEEP).count() >= 2,
                Duration.ofSeconds(60));
        Lsn firstVersion = Lsn.of(Lsn.parse(firstSlotLsn).value() - 1);
        Map<Lsn, List<ChangeEvent>> readsByVersion = records.stream().map(Received::event)
                .filter(event -> event.op() == Operation.READ)
                .collect(Collectors.groupingBy(event -> event.source().lsn()));
        assertEquals(2, readsByVersion.size(), "two snapshots: " + readsByVersion.keySet());
        Lsn redoVersion = readsByVersion.keySet().stream().max(Comparator.naturalOrder()).orElseThrow();
        assertTrue(redoVersion.isAfter(firstVersion), "the redo outranks the cut snapshot");
        List<ChangeEvent> redo = readsByVersion.get(redoVersion);
        assertEquals(20_050, redo.size(), "every row once, in chunks of 7");
        assertEquals(20_000, redo.stream().filter(event -> event.tableId().table().equals("big"))
                .map(ChangeEvent::key).distinct().count());
        assertTrue(redo.stream().anyMatch(event -> event.after().path("payload").asText()
                .equals("changed before the restart")), "the redo sees the database as of the new slot");
        ChangeEvent streamed = records.stream().map(Received::event).filter(event -> event.op() == Operation.CREATE)
                .findFirst().orElseThrow();
        assertTrue(streamed.source().lsn().isAfter(redoVersion), "then streaming goes on from the new slot");
        assertEquals("t", db.queryOne("SELECT completed_at IS NOT NULL FROM tributary.snapshots WHERE slot_name = '"
                + settings.source().slot().name() + "'"));
        assertEachTableSweptRightAfterItsRows(records, redoVersion);
    }

    /**
     * One sweep per table, below the rows of the snapshot at {@code version}, after the last of them in the table's
     * partition: the documents of rows deleted since an earlier snapshot or slot are deleted.
     */
    static void assertEachTableSweptRightAfterItsRows(List<Received> records, Lsn version) {
        Map<String, List<Received>> sweeps = records.stream().filter(r -> r.event().op() == Operation.SWEEP)
                .collect(Collectors.groupingBy(r -> r.event().tableId().toString()));
        Map<String, List<Received>> rows = records.stream()
                .filter(r -> r.event().op() == Operation.READ && r.event().source().lsn().equals(version))
                .collect(Collectors.groupingBy(r -> r.event().tableId().toString()));
        assertEquals(rows.keySet(), sweeps.keySet(), "each snapshotted table is swept once: " + sweeps);
        for (Map.Entry<String, List<Received>> table : rows.entrySet()) {
            assertEquals(1, sweeps.get(table.getKey()).size(), "one sweep of " + table.getKey());
            Received sweep = sweeps.get(table.getKey()).get(0);
            assertEquals(Lsn.of(version.value() - 1), sweep.event().source().lsn(), "below every snapshot row");
            assertTrue(table.getValue().stream().allMatch(row -> row.partition() == sweep.partition()
                    && row.offset() < sweep.offset()), "the sweep of " + table.getKey() + " follows its rows");
        }
    }

    @Test
    void neverStreamsChangesOnlyAndAlwaysRefusesAnExistingSlot() throws Exception {
        db.sql("CREATE TABLE shop.items (id int PRIMARY KEY, name text)",
                "INSERT INTO shop.items VALUES (1, 'old'), (2, 'old')");
        EtlProducer never = newProducer(settings(new SnapshotSettings(SnapshotMode.NEVER, 7, 1), "shop.items"),
                new SimpleMeterRegistry());
        never.start();
        db.sql("INSERT INTO shop.items VALUES (3, 'new')");

        List<Received> records = TopicReader.readAtLeast(kafka.bootstrapServers(), topic, 1, Duration.ofSeconds(60));
        never.close();

        assertEquals(List.of(Operation.CREATE), records.stream().map(r -> r.event().op()).toList());
        assertEquals("0", db.queryOne("SELECT count(*) FROM pg_class WHERE relname = 'snapshots'"),
                "mode never leaves the database alone");
        EtlProducer always = newProducer(settings(new SnapshotSettings(SnapshotMode.ALWAYS, 7, 1), "shop.items"),
                new SimpleMeterRegistry());
        IllegalStateException refused = assertThrows(IllegalStateException.class, always::start);
        assertTrue(refused.getMessage().contains("tributary.postgres.snapshot.mode = always"), refused.getMessage());
        assertTrue(refused.getMessage().contains("TRIBUTARY_POSTGRES_SNAPSHOT_MODE"), refused.getMessage());
    }

    private static double rowsPublished(SimpleMeterRegistry metrics, String table) {
        var gauge = metrics.find("tributary.producer.snapshot.rows").tag("table", table).gauge();
        return gauge == null ? 0 : gauge.value();
    }

    /** Inserts, updates and deletes in all three tables, one small transaction after another. */
    private int writeConcurrently(AtomicBoolean writing) {
        int round = 0;
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            while (writing.get()) {
                round++;
                statement.execute("UPDATE shop.customers SET name = 'w" + round + "', balance = " + round
                        + " WHERE id = " + (21 + round % 20));
                statement.execute("INSERT INTO shop.customers (id, name) VALUES (" + (1000 + round) + ", 'new')");
                statement.execute("DELETE FROM shop.customers WHERE id = " + (1000 + round - 3));
                statement.execute("UPDATE shop.order_lines SET qty = qty + 1 WHERE order_id = " + (1 + round % 20)
                        + " AND line = 1");
                statement.execute("DELETE FROM shop.order_lines WHERE order_id = " + (1 + round % 20) + " AND line = 3");
                statement.execute("INSERT INTO shop.order_lines VALUES (" + (100 + round) + ", 1, " + round + ", NULL)");
                statement.execute("INSERT INTO shop.audit VALUES (now(), 'w" + round + "')");
                statement.execute("DELETE FROM shop.audit WHERE msg = 'seed-" + round % 30 + "'");
                Thread.sleep(5);
            }
        } catch (SQLException | InterruptedException e) {
            throw new IllegalStateException("writer failed in round " + round, e);
        }
        return round;
    }

    /** Per table, each present row's key and the columns compared, as the database holds them now. */
    private Map<String, Map<String, String>> finalContent() throws SQLException {
        Map<String, Map<String, String>> content = new TreeMap<>();
        content.put("shop.customers", rows("SELECT '{\"id\":' || id || '}', coalesce(name, 'null') || '|'"
                + " || coalesce(balance::text, 'null') FROM shop.customers"));
        content.put("shop.order_lines", rows("SELECT '{\"order_id\":' || order_id || ',\"line\":' || line || '}',"
                + " qty::text FROM shop.order_lines"));
        content.put("shop.audit", rows("SELECT msg, msg FROM shop.audit"));
        return content;
    }

    /** The same, from the last event of each key in partition order (deleted rows left out). */
    private static Map<String, Map<String, String>> contentOfLastEvents(List<Received> records) {
        Map<String, Map<String, ChangeEvent>> last = new TreeMap<>();
        records.stream().sorted(Comparator.comparingInt(Received::partition).thenComparingLong(Received::offset))
                .forEach(record -> {
                    ChangeEvent event = record.event();
                    String key = event.tableId().table().equals("audit") ? event.key().get("msg").asText()
                            : event.key().toString();
                    last.computeIfAbsent(event.tableId().toString(), table -> new HashMap<>()).put(key, event);
                });
        Map<String, Map<String, String>> content = new TreeMap<>();
        last.forEach((table, events) -> {
            Map<String, String> rows = new TreeMap<>();
            events.forEach((key, event) -> {
                if (event.op() != Operation.DELETE) {
                    rows.put(key, summary(table, event.after()));
                }
            });
            content.put(table, rows);
        });
        return content;
    }

    private static String summary(String table, ObjectNode row) {
        return switch (table) {
            case "shop.customers" -> text(row.get("name")) + "|" + text(row.get("balance"));
            case "shop.order_lines" -> text(row.get("qty"));
            default -> text(row.get("msg"));
        };
    }

    private static String text(JsonNode value) {
        return value == null || value.isNull() ? "null" : value.asText();
    }

    /** A streamed copy of snapshot row {@code id} (id + 5000) carries the same values and types. */
    private static void assertSnapshotEqualsStream(List<ChangeEvent> snapshot, List<ChangeEvent> streamed, int id) {
        ChangeEvent read = snapshot.stream().filter(event -> event.tableId().table().equals("customers")
                && event.key().path("id").asInt() == id).findFirst().orElseThrow();
        ChangeEvent copy = streamed.stream().filter(event -> event.op() == Operation.CREATE
                && event.tableId().table().equals("customers") && event.key().path("id").asInt() == id + 5000)
                .findFirst().orElseThrow();
        ObjectNode readValues = read.after().deepCopy();
        ObjectNode copyValues = copy.after().deepCopy();
        readValues.remove("id");
        copyValues.remove("id");
        assertEquals(copyValues, readValues, "snapshot row " + id + " as the stream sends it");
        assertEquals(copy.types(), read.types());
        assertEquals(Objects.requireNonNull(read.source().commitTimestamp()).isBefore(copy.source().commitTimestamp()),
                true, "the snapshot's time precedes later commits");
    }

    private Map<String, String> rows(String query) throws SQLException {
        Map<String, String> rows = new TreeMap<>();
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(query)) {
            while (result.next()) {
                rows.put(result.getString(1), result.getString(2));
            }
        }
        return rows;
    }
}
