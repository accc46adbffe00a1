package io.tributary.producer.decoding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.localstack.RunningPostgres;
import io.tributary.model.ChangeEvent;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.model.SourceInfo;
import io.tributary.model.TableId;
import io.tributary.producer.decoding.ReplicationMessage.Begin;
import io.tributary.producer.decoding.ReplicationMessage.Commit;
import io.tributary.producer.replication.KeyColumns;
import io.tributary.producer.replication.TestDecodingCatalogLoader;
import io.tributary.shaping.NumericMode;
import io.tributary.shaping.PgTypes;
import io.tributary.shaping.TypeNames;
import io.tributary.shaping.ValueConverter;
import io.tributary.shaping.source.PostgresEndpoint;
import io.tributary.shaping.source.TypeCatalogLoader;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One workload, two slots created one after the other before it (so both decode exactly the same transactions): a
 * pgoutput slot with a publication of the streamed tables, and a test_decoding slot. Both are read with the SQL
 * functions ({@code pg_logical_slot_get_binary_changes}, {@code pg_logical_slot_get_changes}, whose {@code lsn} is
 * the position the walsender sends in XLogData) in a session set up like the producer's replication session, decoded
 * by {@link PgOutputDecoder} and {@link TestDecodingParser}, and assembled by one {@link ChangeAssembler} each.
 *
 * <p>The events must be equal but for the two source fields test_decoding cannot know when it sends a change:
 * {@code source.commitLsn} and {@code source.commitTimestamp} (it prints the commit only after the changes, and
 * events are never held back), which are masked. (pgoutput's {@code source.commitLsn} is checked to be set on each
 * of its events, so the masking hides nothing else.) Every transaction must end with the same end LSN (what the producer
 * confirms) and the same commit time on both.
 *
 * <p>Run by {@link DecoderEquivalenceIT} on the default major and by {@code SupportedMajorsIT} on every supported one.
 * The slots are read with pgoutput {@code proto_version} 1, as the producer streams on every major.
 */
public final class DecoderEquivalence {

    private static final AtomicInteger RUN = new AtomicInteger();
    private static final String SESSION_SETTINGS = "SET DateStyle=ISO; SET TimeZone='UTC'; SET extra_float_digits=3;"
            + " SET bytea_output=hex; SET IntervalStyle=postgres";
    private static final List<TableId> STREAMED = List.of(new TableId("My Schema", "Order Lines"),
            new TableId("public", "full_t"), new TableId("public", "nopk"), new TableId("public", "by_index"));

    private static final List<String> SCHEMA = List.of(
            "CREATE TYPE mood AS ENUM ('happy', 'it''s ok')",
            "CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0)",
            "CREATE SCHEMA \"My Schema\"",
            "CREATE TYPE \"My Schema\".\"Odd Type\" AS ENUM ('a', 'b c')",
            "CREATE TABLE \"My Schema\".\"Order Lines\" (\"Line No\" integer PRIMARY KEY, \"quote\"\"d\" text,"
                    + " flag boolean, m mood, o \"My Schema\".\"Odd Type\", moods mood[], ints integer[],"
                    + " texts text[], ts timestamptz, tss timestamptz[], d date, amount numeric(10,2), f float8,"
                    + " r real, j jsonb, raw bytea, bits bit(4), vbits varbit, iv interval, u uuid, pos positive_int,"
                    + " ch \"char\", vc varchar(20), big text)",
            "ALTER TABLE \"My Schema\".\"Order Lines\" ALTER COLUMN big SET STORAGE EXTERNAL",
            "CREATE TABLE full_t (id integer PRIMARY KEY, note text, big text)",
            "ALTER TABLE full_t ALTER COLUMN big SET STORAGE EXTERNAL",
            "ALTER TABLE full_t REPLICA IDENTITY FULL",
            "CREATE TABLE nopk (x integer, y text)",
            "ALTER TABLE nopk REPLICA IDENTITY FULL",
            // A generated column outside the identity: PostgreSQL 18 refuses updates of a published table whose FULL
            // identity takes one in (the producer refuses such tables at startup: ServerChecks).
            "CREATE TABLE by_index (a integer NOT NULL, b integer NOT NULL, c text,"
                    + " doubled integer GENERATED ALWAYS AS (a * 2) STORED)",
            "CREATE UNIQUE INDEX by_index_ab ON by_index (a, b)",
            "ALTER TABLE by_index REPLICA IDENTITY USING INDEX by_index_ab",
            "CREATE TABLE not_streamed (v text)",
            "CREATE PUBLICATION pub FOR TABLE \"My Schema\".\"Order Lines\", full_t, nopk, by_index");

    private static final List<String> WORKLOAD = List.of(
            "INSERT INTO \"My Schema\".\"Order Lines\" VALUES (1, E'it''s \"q\"\\nline 2\\r\\ttab ünï 🚀 back\\\\slash',"
                    + " true, 'it''s ok', 'b c', '{happy,\"it''s ok\",NULL}', '{1,NULL,3}',"
                    + " ARRAY['a,b', 'it''s', NULL, '\"x\"', '', 'NULL', ' {y} '],"
                    + " '2026-11-22 06:00:00.123456+00', ARRAY['2026-01-01 10:00:00+05:30'::timestamptz, 'infinity'],"
                    + " '0044-03-15 BC', 12.5, '-0', 'NaN', '{\"k\": \"it''s\", \"n\": 1.50}', '\\xdeadbeef', B'0101',"
                    + " B'', '1 year -3 days -00:00:01.5', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 42, 'x',"
                    + " 'v''c', repeat('ab', 1100))",
            "INSERT INTO \"My Schema\".\"Order Lines\" (\"Line No\", flag, f, r) VALUES (2, false, 1e308, '-Infinity')",
            "UPDATE \"My Schema\".\"Order Lines\" SET flag = NULL WHERE \"Line No\" = 1",
            "UPDATE \"My Schema\".\"Order Lines\" SET \"Line No\" = 3 WHERE \"Line No\" = 1",
            "UPDATE \"My Schema\".\"Order Lines\" SET big = repeat('xy', 1200) WHERE \"Line No\" = 3",
            "DELETE FROM \"My Schema\".\"Order Lines\" WHERE \"Line No\" = 3",
            "INSERT INTO full_t VALUES (1, NULL, repeat('cd', 1100))",
            "UPDATE full_t SET note = 'n'",
            "UPDATE full_t SET id = 2",
            "DELETE FROM full_t",
            "INSERT INTO nopk VALUES (1, 'a'), (NULL, NULL)",
            "UPDATE nopk SET y = 'b' WHERE x = 1",
            "DELETE FROM nopk WHERE x IS NULL",
            "INSERT INTO by_index VALUES (1, 2, 'c')",
            "UPDATE by_index SET c = 'd'",
            "UPDATE by_index SET b = 3",
            "DELETE FROM by_index",
            "INSERT INTO not_streamed VALUES ('only in test_decoding')",
            "BEGIN",
            "INSERT INTO not_streamed VALUES ('mixed')",
            "INSERT INTO by_index VALUES (7, 7, 'mixed'), (8, 8, NULL)",
            "UPDATE by_index SET a = a + 10",
            "SELECT pg_logical_emit_message(true, 'prefix', 'transactional message')",
            "COMMIT",
            "SELECT pg_logical_emit_message(false, 'tributary-heartbeat', '')",
            "ALTER TABLE by_index ADD COLUMN extra numeric",
            "INSERT INTO by_index (a, b, c, extra) VALUES (9, 9, 'after ddl', 1.50)",
            "DELETE FROM by_index WHERE a = 9",
            "BEGIN",
            "INSERT INTO nopk VALUES (5, 'x')",
            "TRUNCATE nopk, full_t, not_streamed",
            "COMMIT",
            "TRUNCATE by_index RESTART IDENTITY CASCADE",
            "INSERT INTO nopk SELECT g, 'row ' || g FROM generate_series(1, 50) g");

    private DecoderEquivalence() {
    }

    /** Runs the workload in a new database of {@code server} and asserts both decoders give the same events. */
    public static void assertSameEvents(RunningPostgres server) throws SQLException {
        String database = "decoder_equivalence_" + RUN.incrementAndGet() + "_" + System.nanoTime() % 100_000;
        server.createDatabase(database);
        PostgresEndpoint endpoint = new PostgresEndpoint(server.jdbcUrl(database), server.user(), server.password());
        try (Connection connection = DriverManager.getConnection(endpoint.url(), endpoint.user(),
                endpoint.password().reveal())) {
            execute(connection, List.of(SESSION_SETTINGS));
            execute(connection, SCHEMA);
            execute(connection, List.of(
                    "SELECT pg_create_logical_replication_slot('equivalence_pgoutput', 'pgoutput')",
                    "SELECT pg_create_logical_replication_slot('equivalence_test_decoding', 'test_decoding')"));
            TestDecodingCatalogLoader loader = new TestDecodingCatalogLoader(endpoint);
            List<StreamedTable> tables = loader.loadTables(STREAMED);
            TypeNames typeNames = loader.loadTypeNames(tables);
            PgTypes types = new TypeCatalogLoader(endpoint).loadTypes();
            PrimaryKeys primaryKeys = KeyColumns.loadPrimaryKeys(endpoint);

            execute(connection, WORKLOAD);

            Decoded pgoutput = decode(connection, "SELECT lsn::text, data FROM pg_logical_slot_get_binary_changes("
                    + "'equivalence_pgoutput', NULL, NULL, 'proto_version', '1', 'publication_names', 'pub')",
                    new PgOutputDecoder(), new ValueConverter(types, NumericMode.STRING), primaryKeys);
            Decoded testDecoding = decode(connection, "SELECT lsn::text, convert_to(data, 'UTF8') FROM"
                    + " pg_logical_slot_get_changes('equivalence_test_decoding', NULL, NULL, 'include-xids', '1',"
                    + " 'include-timestamp', '1', 'skip-empty-xacts', '1')",
                    new TestDecodingParser(tables, typeNames), new ValueConverter(types, NumericMode.STRING),
                    primaryKeys);

            assertEquals(List.of(), pgoutput.events().stream()
                    .filter(e -> !e.source().commitLsn().isValid() || e.source().commitTimestamp() == null).toList(),
                    "pgoutput knows every commit");
            assertEquals(masked(pgoutput.events()), masked(testDecoding.events()));
            assertEquals(78, pgoutput.events().size(), "the workload's events");
            assertTrue(pgoutput.events().stream().anyMatch(e -> !e.unchanged().isEmpty()), "an unchanged TOAST value");
            assertTrue(pgoutput.events().stream().anyMatch(e -> e.op() == Operation.TRUNCATE), "a truncate");
            assertEquals(List.of("{\"id\":1}", "{\"id\":1}", "{\"id\":2}", "{\"id\":2}"), pgoutput.events().stream()
                    .filter(e -> e.tableId().table().equals("full_t") && e.op() != Operation.TRUNCATE)
                    .map(e -> e.key().toString()).toList(), "REPLICA IDENTITY FULL keyed by the primary key");

            assertEquals(pgoutput.xidsWithEvents(), testDecoding.xidsWithEvents());
            for (long xid : pgoutput.xidsWithEvents()) {
                Commit expected = pgoutput.commitsByXid().get(xid);
                Commit actual = testDecoding.commitsByXid().get(xid);
                assertNotNull(actual, "the commit of transaction " + xid + " in test_decoding");
                assertEquals(expected.endLsn(), actual.endLsn(), "the end LSN of transaction " + xid);
                assertEquals(expected.commitTimestamp(), actual.commitTimestamp(), "the commit time of " + xid);
            }
        } finally {
            dropSlots(server, database);
        }
    }

    /** What one slot gave: its events in order, each transaction's Commit, the transactions that had events. */
    private record Decoded(List<ChangeEvent> events, Map<Long, Commit> commitsByXid, Set<Long> xidsWithEvents) {
    }

    private static Decoded decode(Connection connection, String query, MessageDecoder decoder,
                                  ValueConverter converter, PrimaryKeys primaryKeys) throws SQLException {
        ChangeAssembler assembler = new ChangeAssembler("equivalence", converter, primaryKeys);
        List<ChangeEvent> events = new ArrayList<>();
        Map<Long, Commit> commits = new LinkedHashMap<>();
        Set<Long> xidsWithEvents = new HashSet<>();
        long xid = -1;
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(query)) {
            while (result.next()) {
                Lsn lsn = Lsn.parse(result.getString(1));
                for (ReplicationMessage message : decoder.decodeMessages(ByteBuffer.wrap(result.getBytes(2)), lsn)) {
                    if (message instanceof Begin begin) {
                        xid = begin.xid();
                    } else if (message instanceof Commit commit) {
                        assertEquals(lsn, commit.endLsn(), "the XLogData position of a commit is its end LSN");
                        commits.put(xid, commit);
                    }
                    List<ChangeEvent> assembled = assembler.acceptAsEvents(message, lsn);
                    if (!assembled.isEmpty()) {
                        xidsWithEvents.add(xid);
                    }
                    events.addAll(assembled);
                }
            }
        }
        return new Decoded(events, commits, xidsWithEvents);
    }

    /** The events without what test_decoding cannot know when it sends a change: the commit's LSN and time. */
    private static List<ChangeEvent> masked(List<ChangeEvent> events) {
        return events.stream().map(e -> {
            SourceInfo s = e.source();
            SourceInfo masked = new SourceInfo(s.database(), s.schema(), s.table(), s.lsn(), Lsn.INVALID, s.xid(),
                    (Instant) null);
            return new ChangeEvent(e.op(), masked, e.key(), e.before(), e.after(), e.unchanged());
        }).toList();
    }

    private static void execute(Connection connection, List<String> statements) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static void dropSlots(RunningPostgres server, String database) throws SQLException {
        try (Connection connection = DriverManager.getConnection(server.jdbcUrl(database), server.user(),
                server.password());
             PreparedStatement drop = connection.prepareStatement("SELECT pg_drop_replication_slot(slot_name)"
                     + " FROM pg_replication_slots WHERE database = current_database()")) {
            drop.executeQuery().close();
        }
    }
}
