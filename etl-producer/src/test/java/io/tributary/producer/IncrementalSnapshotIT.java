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
import io.tributary.producer.TopicReader.Received;
import io.tributary.producer.replication.OutputPlugin;
import io.tributary.producer.snapshot.SnapshotCommand;
import io.tributary.producer.snapshot.SnapshotMode;
import io.tributary.producer.snapshot.SnapshotSettings;
import io.tributary.producer.snapshot.TableSnapshotLedger.Entry;
import io.tributary.producer.snapshot.TableSnapshotLedger.Status;
import io.tributary.producer.snapshot.TableSnapshotLedger;
import io.tributary.shaping.source.PostgresEndpoint;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Incremental snapshots while streaming, against a real PostgreSQL and Kafka: a table new to the configuration, an
 * operator's request whose chunk races a committed change, and a kill -9 in the middle.
 */
@ExtendWith(LocalStackExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class IncrementalSnapshotIT {

    private final RunningPostgres postgres;
    private final RunningKafka kafka;
    /** pgoutput where it shows the watermarks (14+), else test_decoding. */
    private final OutputPlugin plugin;
    private ProducerTestDatabase db;
    private String database;
    private String topic;

    IncrementalSnapshotIT(RunningPostgres postgres, RunningKafka kafka) {
        this.postgres = postgres;
        this.kafka = kafka;
        this.plugin = TestedMajors.incrementalSnapshotPlugin(postgres.majorVersion());
    }

    @BeforeEach
    void freshDatabase() throws Exception {
        db = new ProducerTestDatabase(postgres, kafka, "incremental_it");
        database = db.name();
        topic = db.topic();
    }

    @AfterEach
    void stopProducers() throws Exception {
        db.close();
    }

    @Test
    void aTableAddedToTheConfigurationIsSnapshottedWhileStreamingThenSwept() throws Exception {
        db.sql("CREATE TABLE shop.first (id int PRIMARY KEY, name text)",
                "INSERT INTO shop.first SELECT i, 'first ' || i FROM generate_series(1, 5) i",
                "CREATE TABLE shop.added (id int PRIMARY KEY, name text, price numeric(8,2))",
                "INSERT INTO shop.added SELECT i, 'added ' || i, i * 1.5 FROM generate_series(1, 25) i");
        EtlProducer before = started(settings(7, "shop.first"), new SimpleMeterRegistry());
        before.close();

        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        started(settings(7, "shop.first", "shop.added"), metrics);
        db.sql("UPDATE shop.added SET name = 'streamed' WHERE id = 24", "INSERT INTO shop.added VALUES (26, 'new', 1)");

        Map<Integer, String> expected = names("shop.added");
        List<Received> records = TopicReader.readUntil(kafka.bootstrapServers(), topic,
                received -> sweepOf(received, "added").isPresent()
                        && expected.equals(lastNames(received, "added")), Duration.ofSeconds(60));

        List<ChangeEvent> reads = events(records, "added", Operation.READ);
        Set<Integer> readIds = reads.stream().map(e -> e.key().get("id").asInt()).collect(Collectors.toSet());
        assertTrue(readIds.containsAll(java.util.stream.IntStream.rangeClosed(1, 25).boxed().toList()),
                "every row that existed is read (row 26 too if it was inserted before its chunk): " + readIds);
        assertEquals(expected, lastNames(records, "added"), "each row's last event holds its final content");
        Received sweep = sweepOf(records, "added").orElseThrow();
        assertTrue(records.stream().filter(r -> r.partition() == sweep.partition() && r.offset() > sweep.offset())
                .noneMatch(r -> r.event().op() == Operation.READ && r.event().tableId().table().equals("added")),
                "the sweep marker follows the table's last chunk");
        Lsn sweepVersion = sweep.event().source().lsn();
        assertTrue(reads.stream().allMatch(e -> e.source().lsn().isAfter(sweepVersion)),
                "every chunk row is versioned above the sweep version " + sweepVersion);
        assertTrue(events(records, "first", Operation.READ).size() == 5, "shop.first was snapshotted once, initially");
        Entry entry = ledgerEntry("shop.added");
        assertEquals(Status.DONE, entry.status());
        assertEquals("new table", entry.reason());
        assertTrue(metrics.get("tributary.producer.snapshot.incremental.chunks").counter().count() >= 4,
                "25 rows in chunks of 7");
    }

    @Test
    void aRowCommittedWhileItsChunkIsReadIsLeftToTheStream() throws Exception {
        // body is stored out of line, so an update that leaves it alone sends it as 'unchanged'
        db.sql("CREATE TABLE shop.items (id int PRIMARY KEY, name text, body text)",
                "ALTER TABLE shop.items ALTER COLUMN body SET STORAGE EXTERNAL",
                "INSERT INTO shop.items SELECT i, 'old ' || i, repeat('b', 5000) FROM generate_series(1, 30) i");
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        started(settings(100, "shop.items"), metrics);
        TopicReader.readAtLeast(kafka.bootstrapServers(), topic, 30, Duration.ofSeconds(30)); // the initial snapshot

        // The chunk's SELECT waits for this lock after the low watermark, so the update commits between the two.
        try (Connection locker = db.connect(); Statement statement = locker.createStatement()) {
            locker.setAutoCommit(false);
            statement.execute("LOCK TABLE shop.items IN ACCESS EXCLUSIVE MODE");
            statement.execute("UPDATE shop.items SET name = 'in the window' WHERE id = 3");
            assertEquals(0, requestWithTheCommand("request", "shop.items"), "the operator's request is taken");
            awaitChunkReadWaitingForTheLock();
            locker.commit();
        }
        db.sql("UPDATE shop.items SET name = 'after' WHERE id = 5");

        Map<Integer, String> expected = names("shop.items");
        List<Received> records = TopicReader.readUntil(kafka.bootstrapServers(), topic,
                received -> sweepOf(received, "items").isPresent() && expected.equals(lastNames(received, "items")),
                Duration.ofSeconds(60));

        List<ChangeEvent> forRow3 = records.stream().map(Received::event)
                .filter(e -> e.key().path("id").asInt() == 3).toList();
        assertEquals(List.of(Operation.READ, Operation.UPDATE), forRow3.stream().map(ChangeEvent::op).toList(),
                "row 3: the initial snapshot's read, then the stream's update; the chunk's copy of it was dropped");
        ChangeEvent update = forRow3.get(1);
        assertEquals(List.of(), update.unchanged(), "the update's unchanged TOAST column was filled in from the chunk");
        assertEquals("b".repeat(5000), update.after().path("body").asText(),
                "so a stale stored document cannot lend it its old value");
        assertEquals(2, events(records, "items", Operation.READ).stream()
                .filter(e -> e.key().get("id").asInt() == 7).count(), "an untouched row is read twice");
        assertEquals(expected, lastNames(records, "items"));
        assertTrue(metrics.get("tributary.producer.snapshot.incremental.dropped.rows").counter().count() >= 1);
        assertEquals(Status.DONE, ledgerEntry("shop.items").status());
        ByteArrayOutputStream status = new ByteArrayOutputStream();
        assertEquals(0, SnapshotCommand.run(new String[] {"--producer-config", configFile().toString(), "status"},
                new PrintStream(status, true, StandardCharsets.UTF_8), System.err));
        assertTrue(status.toString(StandardCharsets.UTF_8).contains("shop.items"), status.toString());
    }

    /** With pgoutput on every supported major: SupportedMajorsIT. */
    @Test
    void aRequestedSnapshotWorksWithTestDecoding() throws Exception {
        assertARequestedSnapshotReadsEveryRowThenSweeps(db, OutputPlugin.TEST_DECODING);
    }

    /** Streams shop.items with snapshot mode never, asks for its snapshot, and checks the topic. */
    static void assertARequestedSnapshotReadsEveryRowThenSweeps(ProducerTestDatabase database,
                                                                       OutputPlugin plugin) throws Exception {
        database.sql("CREATE TABLE shop.items (id int PRIMARY KEY, name text)",
                "INSERT INTO shop.items SELECT i, 'item ' || i FROM generate_series(1, 20) i");
        EtlProducer producer = database.producer(database.settings(new SnapshotSettings(SnapshotMode.NEVER, 6, 1), 1,
                plugin, "shop.items"), new SimpleMeterRegistry());
        producer.start();
        new TableSnapshotLedger(database.endpoint()).request(database.slot(), List.of(TableId.parse("shop.items")),
                "operator request");
        database.sql("UPDATE shop.items SET name = 'streamed' WHERE id = 20");

        List<Received> records = TopicReader.readUntil(database.kafkaBootstrapServers(), database.topic(),
                received -> sweepOf(received, "items").isPresent(), Duration.ofSeconds(60));

        String where = plugin + " on " + database.name();
        assertEquals(20, events(records, "items", Operation.READ).stream().map(e -> e.key().get("id").asInt())
                .distinct().count(), where + ": every row read");
        assertTrue(sweepOf(records, "items").isPresent(), where + ": the sweep follows");
        Map<Integer, String> expected = new TreeMap<>();
        for (int id = 1; id <= 19; id++) {
            expected.put(id, "item " + id);
        }
        expected.put(20, "streamed");
        assertEquals(expected, lastNames(TopicReader.readUntil(database.kafkaBootstrapServers(), database.topic(),
                received -> expected.equals(lastNames(received, "items")), Duration.ofSeconds(30)), "items"), where);
    }

    @Test
    void aRequestThatCannotBeSnapshottedIsMarkedFailedWithItsReasonAndTheNextOneStillRuns() throws Exception {
        db.sql("CREATE TABLE shop.kept (id int PRIMARY KEY)", "INSERT INTO shop.kept VALUES (1), (2)",
                "CREATE TABLE shop.unkeyed (note text)", "ALTER TABLE shop.unkeyed REPLICA IDENTITY FULL",
                "CREATE TABLE shop.dropped (id int PRIMARY KEY)");
        started(db.settings(new SnapshotSettings(SnapshotMode.NEVER, 10, 1), 1, plugin, "shop.*"),
                new SimpleMeterRegistry());
        TableSnapshotLedger ledger = new TableSnapshotLedger(db.endpoint());
        ledger.request(db.slot(), List.of(TableId.parse("shop.unkeyed")), "operator request");
        // A request recorded just before its table was dropped (request() itself refuses a missing table).
        db.sql("DROP TABLE shop.dropped", "INSERT INTO " + TableSnapshotLedger.QUALIFIED_NAME + " (slot_name,"
                + " table_name, status, reason, requested_at, updated_at) VALUES ('" + db.slot() + "',"
                + " 'shop.dropped', 'pending', 'operator request', now(), now()) ON CONFLICT (slot_name, table_name)"
                + " DO UPDATE SET status = 'pending', requested_at = now()");
        ledger.request(db.slot(), List.of(TableId.parse("shop.kept")), "operator request");

        awaitLedgerRows(entries -> entries.stream().noneMatch(e -> e.status() == Status.PENDING
                || e.status() == Status.RUNNING), Duration.ofSeconds(30));

        assertEquals(Status.FAILED, ledgerEntry("shop.unkeyed").status());
        assertTrue(ledgerEntry("shop.unkeyed").error().contains("no primary key or replica identity index"),
                ledgerEntry("shop.unkeyed").error());
        assertEquals(Status.FAILED, ledgerEntry("shop.dropped").status());
        assertTrue(ledgerEntry("shop.dropped").error().contains("cannot be described"),
                ledgerEntry("shop.dropped").error());
        assertEquals(Status.DONE, ledgerEntry("shop.kept").status(), "the producer went on with the next request");
        assertEquals(2L, ledgerEntry("shop.kept").rows());
    }

    @Test
    void aRoleThatMayNotCreateTheLedgerStreamsOnWithoutIncrementalSnapshots() throws Exception {
        String role = "limited_" + db.name();
        db.sql("CREATE TABLE shop.items (id int PRIMARY KEY, name text)",
                "CREATE PUBLICATION pub_" + db.name() + " FOR TABLE shop.items",
                "CREATE ROLE " + role + " LOGIN REPLICATION PASSWORD 'limited'",
                "GRANT USAGE ON SCHEMA shop TO " + role, "GRANT SELECT ON shop.items TO " + role);
        ProducerSettings limited = db.keys(1, plugin, "shop.items")
                .with("tributary.postgres.snapshot.mode", "never")
                .with("tributary.postgres.snapshot.chunk-size", 10)
                .with("tributary.postgres.snapshot.parallelism", 1)
                .with("tributary.postgres.user", role).with("tributary.postgres.password", "limited").build();
        started(limited, new SimpleMeterRegistry());
        db.sql("INSERT INTO shop.items VALUES (1, 'streamed')");

        List<Received> records = TopicReader.readAtLeast(kafka.bootstrapServers(), topic, 1, Duration.ofSeconds(30));

        assertEquals(Map.of(1, "streamed"), lastNames(records, "items"), "the producer streams without its ledger");
        assertEquals("t", db.queryOne("SELECT to_regclass('" + TableSnapshotLedger.QUALIFIED_NAME + "') IS NULL"),
                "the ledger could not be created by this role");
    }

    @Test
    void killMinus9DuringAnIncrementalSnapshotResumesAfterTheLastChunkAndEndsComplete() throws Exception {
        int rows = 60_000;
        db.sql("CREATE TABLE shop.big (id int PRIMARY KEY, payload text)",
                "INSERT INTO shop.big SELECT i, repeat('x', 50) || i FROM generate_series(1, " + rows + ") i");
        Map<String, String> environment = new HashMap<>(Map.of(
                "TRIBUTARY_POSTGRES_URL", postgres.jdbcUrl(database),
                "TRIBUTARY_POSTGRES_USER", postgres.user(),
                "TRIBUTARY_POSTGRES_PASSWORD", postgres.password(),
                "TRIBUTARY_POSTGRES_SLOT", "slot_" + database,
                "TRIBUTARY_POSTGRES_TABLES", "shop.big",
                "TRIBUTARY_POSTGRES_SNAPSHOT_MODE", "never",
                "TRIBUTARY_POSTGRES_SNAPSHOT_CHUNK_SIZE", "500",
                "TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "TRIBUTARY_KAFKA_TOPIC", topic,
                "TRIBUTARY_HTTP_PORT", String.valueOf(ProducerJarIT.freePort())));
        environment.put("TRIBUTARY_POSTGRES_PLUGIN", plugin.pluginName());
        Path firstLog = Path.of("target", "incremental-kill-1-" + database + ".log");
        Process first = ProducerJarIT.start(environment, firstLog);
        Process second = null;
        try {
            ProducerJarIT.awaitReady(Integer.parseInt(environment.get("TRIBUTARY_HTTP_PORT")), first, firstLog);
            new TableSnapshotLedger(db.endpoint()).request("slot_" + database, List.of(TableId.parse("shop.big")),
                    "operator request");
            long rowsAtKill = awaitLedger(entry -> entry.rows() >= 10_000, Duration.ofSeconds(60)).rows();
            first.destroyForcibly().waitFor();
            assertTrue(ledgerEntry("shop.big").status() == Status.RUNNING, "killed in the middle");
            db.sql("DELETE FROM shop.big WHERE id = 2", "UPDATE shop.big SET payload = 'changed' WHERE id = " + rows);

            environment.put("TRIBUTARY_HTTP_PORT", String.valueOf(ProducerJarIT.freePort()));
            Path secondLog = Path.of("target", "incremental-kill-2-" + database + ".log");
            second = ProducerJarIT.start(environment, secondLog);
            awaitLedger(entry -> entry.status() == Status.DONE, Duration.ofSeconds(90));
            assertTrue(Files.readString(secondLog).contains("resuming after"), "the restart resumed, see " + secondLog);

            List<Received> records = TopicReader.readUntil(kafka.bootstrapServers(), topic,
                    received -> sweepOf(received, "big").isPresent(), Duration.ofSeconds(60));
            List<ChangeEvent> reads = events(records, "big", Operation.READ);
            Set<Integer> readIds = reads.stream().map(e -> e.key().get("id").asInt())
                    .collect(Collectors.toCollection(TreeSet::new));
            Set<Integer> expectedIds = new TreeSet<>(names("shop.big").keySet());
            expectedIds.add(2); // read before the kill, deleted after it: its delete follows in the stream
            assertEquals(expectedIds, readIds, "every row was read at least once");
            assertTrue(reads.size() < rows + rowsAtKill, "resumed, not started over: " + reads.size()
                    + " rows read for a table of " + rows + ", " + rowsAtKill + " of them before the kill");
            assertEquals(names("shop.big"), lastNames(records, "big"), "each row's last event is its final state");
        } finally {
            first.destroyForcibly();
            if (second != null) {
                second.destroyForcibly().waitFor();
            }
        }
    }

    private int requestWithTheCommand(String... command) throws Exception {
        List<String> args = new ArrayList<>(List.of("--producer-config", configFile().toString()));
        args.addAll(List.of(command));
        return SnapshotCommand.run(args.toArray(String[]::new), System.out, System.err);
    }

    private Path configFile() throws Exception {
        Path file = Path.of("target", "incremental-" + database + ".conf");
        Files.writeString(file, String.join("\n",
                "tributary.postgres.url = \"" + postgres.jdbcUrl(database) + "\"",
                "tributary.postgres.user = \"" + postgres.user() + "\"",
                "tributary.postgres.password = \"" + postgres.password() + "\"",
                "tributary.postgres.slot = \"slot_" + database + "\"",
                "tributary.postgres.publication = \"pub_" + database + "\"",
                "tributary.postgres.tables = [\"shop.items\"]",
                "tributary.kafka.bootstrap-servers = \"" + kafka.bootstrapServers() + "\"",
                "tributary.kafka.topic = \"" + topic + "\""));
        return file;
    }

    private void awaitChunkReadWaitingForTheLock() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!"0".equals(db.queryOne("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    + " AND application_name = 'tributary-etl-producer-snapshot' AND datname = current_database()"))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the incremental snapshot never read a chunk of shop.items");
    }

    /** Waits until the slot's first ledger row satisfies {@code condition}; returns it. */
    private Entry awaitLedger(Predicate<Entry> condition, Duration timeout) throws Exception {
        return awaitLedgerRows(entries -> !entries.isEmpty() && condition.test(entries.get(0)), timeout).get(0);
    }

    /** Waits until the slot's ledger rows satisfy {@code condition}; returns them. */
    private List<Entry> awaitLedgerRows(Predicate<List<Entry>> condition, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<Entry> entries = new TableSnapshotLedger(db.endpoint()).entries(db.slot());
            if (condition.test(entries)) {
                return entries;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the ledger never reached the expected state: "
                + new TableSnapshotLedger(db.endpoint()).entries(db.slot()));
    }

    private Entry ledgerEntry(String table) throws SQLException {
        return new TableSnapshotLedger(db.endpoint()).entries("slot_" + database).stream()
                .filter(e -> e.table().equals(TableId.parse(table))).findFirst().orElseThrow();
    }

    private static java.util.Optional<Received> sweepOf(List<Received> records, String table) {
        return records.stream().filter(r -> r.event().op() == Operation.SWEEP
                && r.event().tableId().table().equals(table)).reduce((a, b) -> b);
    }

    private static List<ChangeEvent> events(List<Received> records, String table, Operation op) {
        return records.stream().map(Received::event)
                .filter(e -> e.op() == op && e.tableId().table().equals(table)).toList();
    }

    /** Each row's name (or payload) in its last event, in topic order per partition; deleted rows left out. */
    private static Map<Integer, String> lastNames(List<Received> records, String table) {
        Map<Integer, String> last = new TreeMap<>();
        for (Received record : records) {
            ChangeEvent event = record.event();
            if (!event.tableId().table().equals(table) || !event.op().isRowChange()) {
                continue;
            }
            int id = event.key().get("id").asInt();
            if (event.op() == Operation.DELETE) {
                last.remove(id);
            } else {
                String column = event.after().has("name") ? "name" : "payload";
                last.put(id, event.after().get(column).asText());
            }
        }
        return last;
    }

    private Map<Integer, String> names(String table) throws SQLException {
        String column = table.endsWith("big") ? "payload" : "name";
        Map<Integer, String> names = new TreeMap<>();
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT id, " + column + " FROM " + table)) {
            while (result.next()) {
                names.put(result.getInt(1), result.getString(2));
            }
        }
        return names;
    }

    private EtlProducer started(ProducerSettings settings, SimpleMeterRegistry metrics) throws Exception {
        EtlProducer producer = db.producer(settings, metrics);
        producer.start();
        return producer;
    }

    private ProducerSettings settings(int chunkSize, String... tables) {
        return db.settings(new SnapshotSettings(SnapshotMode.INITIAL, chunkSize, 2), 1, plugin, tables);
    }
}
