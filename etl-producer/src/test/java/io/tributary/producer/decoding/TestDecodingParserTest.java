package io.tributary.producer.decoding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.model.ChangeEvent;
import io.tributary.model.Lsn;
import io.tributary.producer.decoding.ReplicationMessage.Begin;
import io.tributary.producer.decoding.ReplicationMessage.Column;
import io.tributary.producer.decoding.ReplicationMessage.Commit;
import io.tributary.producer.decoding.ReplicationMessage.Delete;
import io.tributary.producer.decoding.ReplicationMessage.Insert;
import io.tributary.producer.decoding.ReplicationMessage.LogicalMessage;
import io.tributary.producer.decoding.ReplicationMessage.Relation;
import io.tributary.producer.decoding.ReplicationMessage.Truncate;
import io.tributary.producer.decoding.ReplicationMessage.Update;
import io.tributary.shaping.BuiltinTypes;
import io.tributary.shaping.TypeNames;
import io.tributary.shaping.ValueConverter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The parser against lines captured from real PostgreSQL 17 and 14 ({@code test_decoding-pg17.json},
 * {@code test_decoding-pg14.json}: the workload {@code test_decoding-capture.sql} read with
 * {@code pg_logical_slot_get_changes(…, 'include-xids', '1', 'include-timestamp', '1', 'skip-empty-xacts', '1')}),
 * and against lines that break the format.
 */
class TestDecodingParserTest {

    private static final int MOOD = 90_001;
    private static final int ODD_TYPE = 90_002;
    private static final int TEXT = ValueConverter.TEXT;
    private static final int INT4 = ValueConverter.INT4;

    private static final TypeNames TYPE_NAMES = TypeNames.of(Map.ofEntries(
            Map.entry("integer", INT4), Map.entry("text", TEXT), Map.entry("boolean", ValueConverter.BOOL),
            Map.entry("mood", MOOD), Map.entry("\"My Schema\".\"Odd Type\"", ODD_TYPE),
            Map.entry("integer[]", BuiltinTypes.INT4_ARRAY), Map.entry("text[]", BuiltinTypes.TEXT_ARRAY),
            Map.entry("timestamp with time zone", ValueConverter.TIMESTAMPTZ),
            Map.entry("numeric", ValueConverter.NUMERIC), Map.entry("double precision", ValueConverter.FLOAT8),
            Map.entry("real", ValueConverter.FLOAT4), Map.entry("jsonb", ValueConverter.JSONB),
            Map.entry("bytea", ValueConverter.BYTEA), Map.entry("bit", ValueConverter.BIT),
            Map.entry("bit varying", ValueConverter.VARBIT), Map.entry("interval", ValueConverter.INTERVAL),
            Map.entry("uuid", ValueConverter.UUID)));

    /** The captured tables as the catalog describes them at startup (test_decoding-capture.sql). */
    private static final Relation ORDER_LINES = new Relation(1001, "My Schema", "Order Lines", 'd', List.of(
            new Column(true, "Line No", INT4, -1), new Column(false, "quote\"d", TEXT, -1),
            new Column(false, "flag", ValueConverter.BOOL, -1), new Column(false, "m", MOOD, -1),
            new Column(false, "o", ODD_TYPE, -1), new Column(false, "ints", BuiltinTypes.INT4_ARRAY, -1),
            new Column(false, "texts", BuiltinTypes.TEXT_ARRAY, -1),
            new Column(false, "ts", ValueConverter.TIMESTAMPTZ, -1),
            new Column(false, "amount", ValueConverter.NUMERIC, 655366),
            new Column(false, "f", ValueConverter.FLOAT8, -1), new Column(false, "r", ValueConverter.FLOAT4, -1),
            new Column(false, "j", ValueConverter.JSONB, -1), new Column(false, "raw", ValueConverter.BYTEA, -1),
            new Column(false, "bits", ValueConverter.BIT, 4), new Column(false, "vbits", ValueConverter.VARBIT, -1),
            new Column(false, "iv", ValueConverter.INTERVAL, -1), new Column(false, "u", ValueConverter.UUID, -1),
            new Column(false, "big", TEXT, -1)));
    private static final Relation FULL_T = new Relation(1002, "public", "full_t", 'f', List.of(
            new Column(true, "id", INT4, -1), new Column(true, "note", TEXT, -1), new Column(true, "big", TEXT, -1)));
    private static final Relation NOPK = new Relation(1003, "public", "nopk", 'f', List.of(
            new Column(true, "x", INT4, -1), new Column(true, "y", TEXT, -1)));
    private static final Relation BY_INDEX = new Relation(1004, "public", "by_index", 'i', List.of(
            new Column(true, "a", INT4, -1), new Column(true, "b", INT4, -1), new Column(false, "c", TEXT, -1)));
    private static final Relation UNKEYED = new Relation(1005, "public", "unkeyed", 'd', List.of(
            new Column(false, "v", TEXT, -1)));

    private static final String AB = "ab".repeat(1100);
    private static final String CD = "cd".repeat(1100);
    private static final String FIRST_TEXT = "it's \\\"q\\\"\\nline 2 ünï 🚀 back\\\\slash";
    private static final String ROW_1_REST = "\"m\":\"it's ok\",\"o\":\"a\",\"ints\":[1,null,3],"
            + "\"texts\":[\"a,b\",\"it's\",null,\"\\\"x\\\"\",\"\"],\"ts\":\"2026-11-22T06:00:00.123456Z\","
            + "\"amount\":\"12.50\",\"f\":-0.0,\"r\":\"NaN\",\"j\":{\"k\":\"it's\"},\"raw\":\"3q2+7w==\","
            + "\"bits\":\"0101\",\"vbits\":\"\",\"iv\":\"P1DT-1S\",\"u\":\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"";
    private static final String NULLS_AFTER_FLAG = "\"m\":null,\"o\":null,\"ints\":null,\"texts\":null,"
            + "\"ts\":null,\"amount\":null";
    private static final String NULLS_AFTER_F = "\"r\":null,\"j\":null,\"raw\":null,\"bits\":null,\"vbits\":null,"
            + "\"iv\":null,\"u\":null,\"big\":null";

    /** Every event of the captured workload, as {@code op table key before after unchanged}. */
    private static final List<String> EXPECTED_EVENTS = List.of(
            "c My Schema.Order Lines {\"Line No\":1} null {\"Line No\":1,\"quote\\\"d\":\"" + FIRST_TEXT
                    + "\",\"flag\":true," + ROW_1_REST + ",\"big\":\"<ab>\"} []",
            "c My Schema.Order Lines {\"Line No\":2} null {\"Line No\":2,\"quote\\\"d\":null,\"flag\":false,"
                    + NULLS_AFTER_FLAG + ",\"f\":1E+308," + NULLS_AFTER_F + "} []",
            "u My Schema.Order Lines {\"Line No\":1} null {\"Line No\":1,\"quote\\\"d\":\"" + FIRST_TEXT
                    + "\",\"flag\":null," + ROW_1_REST + "} [big]",
            "u My Schema.Order Lines {\"Line No\":3} {\"Line No\":1} {\"Line No\":3,\"quote\\\"d\":\"" + FIRST_TEXT
                    + "\",\"flag\":null," + ROW_1_REST + "} [big]",
            "d My Schema.Order Lines {\"Line No\":3} {\"Line No\":3} null []",
            "c public.full_t {\"id\":1,\"note\":null,\"big\":\"<cd>\"} null {\"id\":1,\"note\":null,\"big\":\"<cd>\"} []",
            "u public.full_t {\"id\":1,\"note\":\"n\",\"big\":\"<cd>\"} {\"id\":1,\"note\":null,\"big\":\"<cd>\"}"
                    + " {\"id\":1,\"note\":\"n\",\"big\":\"<cd>\"} []",
            "u public.full_t {\"id\":2,\"note\":\"n\",\"big\":\"<cd>\"} {\"id\":1,\"note\":\"n\",\"big\":\"<cd>\"}"
                    + " {\"id\":2,\"note\":\"n\",\"big\":\"<cd>\"} []",
            "d public.full_t {\"id\":2,\"note\":\"n\",\"big\":\"<cd>\"} {\"id\":2,\"note\":\"n\",\"big\":\"<cd>\"}"
                    + " null []",
            "c public.nopk {\"x\":1,\"y\":\"a\"} null {\"x\":1,\"y\":\"a\"} []",
            "c public.nopk {\"x\":null,\"y\":null} null {\"x\":null,\"y\":null} []",
            "u public.nopk {\"x\":1,\"y\":\"b\"} {\"x\":1,\"y\":\"a\"} {\"x\":1,\"y\":\"b\"} []",
            "d public.nopk {\"x\":null,\"y\":null} {\"x\":null,\"y\":null} null []",
            "c public.by_index {\"a\":1,\"b\":2} null {\"a\":1,\"b\":2,\"c\":\"c\"} []",
            "u public.by_index {\"a\":1,\"b\":2} null {\"a\":1,\"b\":2,\"c\":\"d\"} []",
            "u public.by_index {\"a\":1,\"b\":3} {\"a\":1,\"b\":2} {\"a\":1,\"b\":3,\"c\":\"d\"} []",
            "d public.by_index {\"a\":1,\"b\":3} {\"a\":1,\"b\":3} null []",
            "c public.nopk {\"x\":5,\"y\":\"x\"} null {\"x\":5,\"y\":\"x\"} []",
            "t public.nopk {} null null []",
            "t public.full_t {} null null []",
            "t public.by_index {} null null []",
            "t public.full_t {} null null []",
            "t public.full_t {} null null []");

    private final TestDecodingParser parser = new TestDecodingParser(streamed(ORDER_LINES, FULL_T, NOPK, BY_INDEX),
            TYPE_NAMES);

    @ParameterizedTest
    @ValueSource(strings = {"test_decoding-pg17.json", "test_decoding-pg14.json"})
    void capturedLinesBecomeTheEventsOfTheWorkload(String capture) throws IOException {
        ChangeAssembler assembler = new ChangeAssembler("cap");
        List<String> events = new ArrayList<>();
        for (JsonNode line : captured(capture)) {
            Lsn lsn = Lsn.parse(line.get("lsn").asText());
            for (ReplicationMessage message : decode(line.get("data").asText(), lsn)) {
                for (ChangeEvent event : assembler.acceptAsEvents(message, lsn)) {
                    assertEquals(lsn, event.source().lsn());
                    assertEquals(Long.parseLong(line.get("xid").asText()), event.source().xid());
                    events.add(describe(event));
                }
            }
        }

        assertEquals(EXPECTED_EVENTS, events);
    }

    @ParameterizedTest
    @ValueSource(strings = {"test_decoding-pg17.json", "test_decoding-pg14.json"})
    void everyTransactionIsTrackedFromBeginToCommitWithItsEndLsn(String capture) throws IOException {
        long openXid = -1;
        int commits = 0;
        int commitLines = 0;
        for (JsonNode line : captured(capture)) {
            commitLines += line.get("data").asText().startsWith("COMMIT ") ? 1 : 0;
            Lsn lsn = Lsn.parse(line.get("lsn").asText());
            for (ReplicationMessage message : decode(line.get("data").asText(), lsn)) {
                if (message instanceof Begin begin) {
                    assertEquals(-1, openXid);
                    assertEquals(Lsn.INVALID, begin.finalLsn(), "test_decoding does not tell the commit LSN");
                    assertNull(begin.commitTimestamp(), "test_decoding tells the commit time only at the commit");
                    openXid = begin.xid();
                } else if (message instanceof Commit commit) {
                    assertEquals(Long.parseLong(line.get("xid").asText()), openXid);
                    assertEquals(lsn, commit.endLsn());
                    assertEquals(Lsn.INVALID, commit.commitLsn());
                    assertTrue(commit.commitTimestamp().isAfter(Instant.parse("2026-01-01T00:00:00Z")));
                    openXid = -1;
                    commits++;
                }
            }
        }
        assertEquals(commitLines, commits, "one per transaction, also those of tables that are not streamed");
        assertTrue(commits >= 22, "the workload has 22 transactions with changes");
    }

    @Test
    void commitCarriesItsTimestampToTheMicrosecond() {
        decode("BEGIN 807", Lsn.of(10));
        Commit commit = (Commit) decode("COMMIT 807 (at 2026-11-22 07:00:43.608741+00)", Lsn.of(20)).get(0);

        assertEquals(new Commit(0, Lsn.INVALID, Lsn.of(20), Instant.parse("2026-11-22T07:00:43.608741Z")), commit);
    }

    @Test
    void theFirstChangeOfATableComesAfterItsRelationWithTheLoadedKeyFlags() {
        decode("BEGIN 1", Lsn.of(1));
        List<ReplicationMessage> messages = decode("table public.by_index: INSERT: a[integer]:1 b[integer]:2 c[text]:'x'",
                Lsn.of(2));

        assertEquals(List.of(BY_INDEX, new Insert(1004, tuple(text("1"), text("2"), text("x")))), messages);
        assertEquals(List.of(new Insert(1004, tuple(text("1"), text("3"), text("y")))),
                decode("table public.by_index: INSERT: a[integer]:1 b[integer]:3 c[text]:'y'", Lsn.of(3)));
    }

    @Test
    void aRowWithOtherColumnsThanItsRelationSendsANewRelationFirst() {
        decode("BEGIN 1", Lsn.of(1));
        decode("table public.by_index: INSERT: a[integer]:1 b[integer]:2 c[text]:'x'", Lsn.of(2));
        List<ReplicationMessage> messages = decode("table public.by_index: INSERT: a[integer]:1 b[integer]:3"
                + " c[integer]:7 added[boolean]:false", Lsn.of(3));

        Relation reshaped = new Relation(1004, "public", "by_index", 'i', List.of(new Column(true, "a", INT4, -1),
                new Column(true, "b", INT4, -1), new Column(false, "c", INT4, -1),
                new Column(false, "added", ValueConverter.BOOL, -1)));
        assertEquals(List.of(reshaped, new Insert(1004, tuple(text("1"), text("3"), text("7"), text("f")))),
                messages);
    }

    @Test
    void aNewColumnUnderReplicaIdentityFullIsAKeyColumnOnlyWithoutAPrimaryKey() {
        Relation keyed = new Relation(1007, "public", "full_pk", 'f', List.of(new Column(true, "id", INT4, -1),
                new Column(false, "note", TEXT, -1)));
        TestDecodingParser withKeyed = new TestDecodingParser(streamed(keyed, NOPK), TYPE_NAMES);
        withKeyed.decodeMessages(bytes("BEGIN 1"), Lsn.of(1));

        Relation keyedAfter = (Relation) withKeyed.decodeMessages(bytes("table public.full_pk: INSERT:"
                + " id[integer]:1 note[text]:'x' added[boolean]:true"), Lsn.of(2)).get(0);
        Relation unkeyedAfter = (Relation) withKeyed.decodeMessages(bytes("table public.nopk: INSERT:"
                + " x[integer]:1 y[text]:'x' added[boolean]:true"), Lsn.of(3)).get(0);

        assertEquals(List.of(true, false, false), keyedAfter.columns().stream().map(Column::key).toList(),
                "the primary key stays the key");
        assertEquals(List.of(true, true, true), unkeyedAfter.columns().stream().map(Column::key).toList(),
                "keyed by every column");
    }

    @Test
    void aDeleteAsFirstChangeUsesTheLoadedShapeAndFillsTheOldKey() {
        decode("BEGIN 1", Lsn.of(1));
        List<ReplicationMessage> messages = decode("table public.by_index: DELETE: a[integer]:1 b[integer]:3", Lsn.of(2));

        assertEquals(List.of(BY_INDEX, new Delete(1004, 'K', tuple(text("1"), text("3"), new TupleData.Null()))),
                messages);
    }

    @Test
    void theOldRowUnderFullIdentityIsKindOWithItsLeftOutNullsBack() {
        decode("BEGIN 1", Lsn.of(1));
        List<ReplicationMessage> messages = decode("table public.full_t: UPDATE: old-key: id[integer]:1 new-tuple:"
                + " id[integer]:1 note[text]:'n' big[text]:unchanged-toast-datum", Lsn.of(2));

        assertEquals(new Update(1002, 'O', tuple(text("1"), new TupleData.Null(), new TupleData.Null()),
                tuple(text("1"), text("n"), new TupleData.UnchangedToast())), messages.get(1));
    }

    @Test
    void anUpdateWithoutOldKeyHasNoOldTuple() {
        decode("BEGIN 1", Lsn.of(1));
        List<ReplicationMessage> messages = decode("table public.by_index: UPDATE: a[integer]:1 b[integer]:2"
                + " c[text]:null", Lsn.of(2));

        assertEquals(new Update(1004, ' ', null, tuple(text("1"), text("2"), new TupleData.Null())), messages.get(1));
    }

    @Test
    void valuesBecomePgoutputsText() {
        decode("BEGIN 1", Lsn.of(1));
        Insert insert = (Insert) decode("table \"My Schema\".\"Order Lines\": INSERT: \"Line No\"[integer]:-7"
                + " \"quote\"\"d\"[text]:'a ''b'' \"c\" [d]:e' flag[boolean]:false bits[bit]:B'10'"
                + " texts[text[]]:'{\"it''s\",NULL}' o[\"My Schema\".\"Odd Type\"]:''", Lsn.of(2)).get(1);

        assertEquals(tuple(text("-7"), text("a 'b' \"c\" [d]:e"), text("f"), text("10"), text("{\"it's\",NULL}"),
                text("")), insert.newTuple());
    }

    @Test
    void truncateOfSeveralTablesKeepsTheStreamedOnesAndItsOptions() {
        decode("BEGIN 1", Lsn.of(1));
        List<ReplicationMessage> messages = decode("table public.nopk, public.unkeyed, public.full_t: TRUNCATE:"
                + " restart_seqs cascade", Lsn.of(2));

        assertEquals(List.of(NOPK, FULL_T, new Truncate(3, List.of(1003, 1002))), messages);
    }

    @Test
    void changesOfTablesThatAreNotStreamedGiveNothing() {
        decode("BEGIN 1", Lsn.of(1));

        assertEquals(List.of(), decode("table public.unkeyed: INSERT: v[text]:'v'", Lsn.of(2)));
        assertEquals(List.of(), decode("table public.unkeyed: DELETE: (no-tuple-data)", Lsn.of(3)));
        assertEquals(List.of(), decode("table public.unkeyed: TRUNCATE: (no-flags)", Lsn.of(4)));
        assertInstanceOf(Commit.class, decode("COMMIT 1 (at 2026-11-22 07:00:43+00)", Lsn.of(5)).get(0));
    }

    @Test
    void aDeleteWithoutOldRowOfAStreamedTableIsUnkeyed() {
        TestDecodingParser withUnkeyed = new TestDecodingParser(streamed(UNKEYED), TYPE_NAMES);
        withUnkeyed.decodeMessages(bytes("BEGIN 1"), Lsn.of(1));

        UnkeyedTableException error = assertThrows(UnkeyedTableException.class, () -> withUnkeyed.decodeMessages(
                bytes("table public.unkeyed: DELETE: (no-tuple-data)"), Lsn.of(2)));
        assertTrue(error.getMessage().contains("public.unkeyed"), error.getMessage());
    }

    @Test
    void generatedColumnsAreLeftOutAsPgoutputDoes() {
        Relation generated = new Relation(1006, "public", "generated", 'f', List.of(new Column(true, "a", INT4, -1)));
        TestDecodingParser withGenerated = new TestDecodingParser(
                List.of(new StreamedTable(generated, Set.of("doubled"))), TYPE_NAMES);
        withGenerated.decodeMessages(bytes("BEGIN 1"), Lsn.of(1));

        assertEquals(List.of(generated, new Insert(1006, tuple(text("2")))), withGenerated.decodeMessages(
                bytes("table public.generated: INSERT: a[integer]:2 doubled[integer]:4"), Lsn.of(2)));
        assertEquals(List.of(new Delete(1006, 'O', tuple(text("2")))), withGenerated.decodeMessages(
                bytes("table public.generated: DELETE: a[integer]:2 doubled[integer]:4"), Lsn.of(3)));
    }

    @Test
    void logicalMessagesAreReadByTheirSize() {
        assertEquals(new LogicalMessage(false, Lsn.of(9), "tributary-heartbeat", new byte[0]).prefix(),
                ((LogicalMessage) decode("message: transactional: 0 prefix: tributary-heartbeat, sz: 0 content:",
                        Lsn.of(9)).get(0)).prefix());
        LogicalMessage tricky = (LogicalMessage) decode("message: transactional: 1 prefix: pre, sz: 9 content:,"
                + " sz: 9 content:two\nlines", Lsn.of(9)).get(0);
        assertEquals("pre, sz: 9 content:", tricky.prefix());
        assertEquals("two\nlines", new String(tricky.content(), StandardCharsets.UTF_8));
        assertTrue(tricky.transactional());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "BEGIN",
        "BEGIN x",
        "ROLLBACK 5",
        "table public.nopk: INSERT: x[integer]:1 y",
        "table public.nopk: INSERT: x[integer]:1  y[text]:null",
        "table public.by_index: UPSERT: a[integer]:1",
        "table public.by_index: INSERT: a[integer]:1 b[integer]:'2' c[text]:null",
        "table public.by_index: INSERT: a[integer]:1 b[integer]:2 c[text]:unquoted",
        "table public.by_index: INSERT: a[integer]:1 b[integer]:2 c[text]:'unterminated",
        "table public.by_index: INSERT: a[integer]:1 b[integer]:2 c[text]:'x'y",
        "table public.by_index: INSERT: a[integer]:1 b[integer]:2 c[unknown type]:'x'",
        "table public.by_index: INSERT: a[integer]:1 b[integer]:2 c[text",
        "table public.by_index: INSERT: A[integer]:1",
        "table public.by_index: INSERT: (no-tuple-data)",
        "table public.by_index: DELETE: c[text]:'not a key'",
        "table public.by_index: DELETE: gone[integer]:1",
        "table public.full_t: INSERT: id[integer]:1 note[boolean]:yes big[text]:null",
        "table public.full_t: TRUNCATE: sometimes",
        "table public.nopk public.full_t: TRUNCATE: (no-flags)",
        "table \"public.nopk: INSERT: x[integer]:1",
        "COMMIT 2 (at 2026-11-22 07:00:43+00)",
        "COMMIT 1 (at yesterday)",
        "COMMIT 1",
        "message: transactional: 2 prefix: p, sz: 0 content:",
        "message: transactional: 0 prefix: p, sz: 5 content:abc"})
    void aLineItCannotReadFailsNamingItsLsnAndText(String text) {
        parser.decodeMessages(bytes("BEGIN 1"), Lsn.of(1));

        UndecodableMessageException error = assertThrows(UndecodableMessageException.class,
                () -> parser.decodeMessages(bytes(text), Lsn.of(0x2A)));
        assertTrue(error.getMessage().contains("0/2A"), error.getMessage());
        assertTrue(error.getMessage().contains(text.length() > 40 ? text.substring(0, 40) : text), error.getMessage());
    }

    @Test
    void aChangeOutsideATransactionFails() {
        UndecodableMessageException error = assertThrows(UndecodableMessageException.class,
                () -> parser.decodeMessages(bytes("table public.nopk: INSERT: x[integer]:1 y[text]:null"), Lsn.of(1)));
        assertTrue(error.getMessage().contains("outside a transaction"), error.getMessage());
    }

    @Test
    void aLineThatIsNotUtf8Fails() {
        parser.decodeMessages(bytes("BEGIN 1"), Lsn.of(1));
        byte[] latin1 = "table public.nopk: INSERT: x[integer]:1 y[text]:'café'".getBytes(StandardCharsets.ISO_8859_1);

        assertThrows(UndecodableMessageException.class, () -> parser.decodeMessages(ByteBuffer.wrap(latin1), Lsn.of(2)));
    }

    private static List<StreamedTable> streamed(Relation... relations) {
        return Arrays.stream(relations).map(relation -> new StreamedTable(relation, Set.of())).toList();
    }

    private List<ReplicationMessage> decode(String text, Lsn lsn) {
        return parser.decodeMessages(bytes(text), lsn);
    }

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    private static TupleData.Text text(String text) {
        return new TupleData.Text(text);
    }

    private static TupleData tuple(TupleData.Value... values) {
        return new TupleData(List.of(values));
    }

    private static JsonNode captured(String resource) throws IOException {
        try (InputStream in = TestDecodingParserTest.class.getResourceAsStream(resource)) {
            return new ObjectMapper().readTree(in);
        }
    }

    private static String describe(ChangeEvent event) {
        return (event.op().code() + " " + event.tableId() + " " + event.key() + " " + event.before() + " "
                + event.after() + " " + event.unchanged()).replace(AB, "<ab>").replace(CD, "<cd>");
    }
}
