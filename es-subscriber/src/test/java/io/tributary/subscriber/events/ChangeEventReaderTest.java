package io.tributary.subscriber.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.ChangeRecordEncoder;
import io.tributary.model.Envelope;
import io.tributary.model.Lsn;
import io.tributary.model.MalformedChangeEventException;
import io.tributary.model.Operation;
import io.tributary.model.SourceInfo;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class ChangeEventReaderTest {

    private final ChangeEventReader reader = new ChangeEventReader();

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) ChangeEventJson.mapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static SourceInfo source(long lsn) {
        return new SourceInfo("app", "shop", "orders", Lsn.of(lsn), Lsn.of(lsn + 8), 42,
                Instant.parse("2026-11-22T10:15:30.123456Z"));
    }

    private static Map<String, String> types() {
        Map<String, String> types = new LinkedHashMap<>();
        types.put("id", "int8");
        types.put("total", "numeric");
        types.put("doc", "jsonb");
        return types;
    }

    /** What the subscriber reads equals what the shared codec reads, field by field. */
    private void assertSameAsSharedCodec(ChangeEvent event) {
        byte[] bytes = ChangeEventJson.encode(event);
        ChangeEvent expected = ChangeEventJson.decode(bytes);
        ReceivedChange read = reader.read(bytes);
        assertEquals(expected.op(), read.op());
        assertEquals(expected.source(), read.source());
        assertEquals(expected.key(), read.key());
        assertEquals(expected.before(), read.before());
        assertEquals(expected.after(), read.after() == null ? null : read.after().tree());
        assertEquals(expected.unchanged(), read.unchanged());
        assertEquals(expected.types(), read.types());
        assertEquals(List.copyOf(expected.types().keySet()), List.copyOf(read.types().keySet()), "column order");
    }

    @Test
    void everyKindOfEventReadsAsTheSharedCodecReadsIt() {
        ObjectNode row = json("{\"id\":9223372036854775807,\"total\":\"12.50\",\"exact\":1.10,"
                + "\"big\":123456789012345678901234567890,\"doc\":{\"a\":[1,\"x\",null]},\"t\":\"line\\nbreak é\"}");
        ObjectNode key = json("{\"id\":9223372036854775807}");
        assertSameAsSharedCodec(new ChangeEvent(Operation.CREATE, source(100), key, null, row, List.of(), types()));
        assertSameAsSharedCodec(new ChangeEvent(Operation.UPDATE, source(200), key, json("{\"id\":1}"), row,
                List.of("doc"), types()));
        assertSameAsSharedCodec(new ChangeEvent(Operation.DELETE, source(300), key, key, null));
        assertSameAsSharedCodec(new ChangeEvent(Operation.READ, source(400), key, null, row));
        assertSameAsSharedCodec(new ChangeEvent(Operation.TRUNCATE, new SourceInfo("app", "shop", "orders", Lsn.of(5),
                Lsn.INVALID, 1, null), json("{}"), null, null));
        assertSameAsSharedCodec(new ChangeEvent(Operation.SWEEP, source(500), json("{}"), null, null));
    }

    @Test
    void aDebeziumShapedRecordReadsAsTheSameChangeInTributarysEnvelope() {
        ObjectNode key = json("{\"id\":7}");
        ChangeEvent written = new ChangeEvent(Operation.UPDATE, source(200), key, key,
                json("{\"id\":7,\"total\":\"12.50\",\"doc\":\"{\\\"a\\\": [1, null]}\"}"), List.of("note"),
                types());
        ChangeEvent tributary = new ChangeEvent(Operation.UPDATE, source(200), key, key,
                json("{\"id\":7,\"total\":\"12.50\",\"doc\":{\"a\":[1,null]}}"), List.of("note"), types());
        ChangeRecordEncoder.Encoded encoded = new ChangeRecordEncoder(Envelope.DEBEZIUM).encode(written);

        ReceivedChange read = reader.read(encoded.key(), encoded.value(),
                new RecordHeaders(encoded.headers().toArray(Header[]::new)));
        ReceivedChange expected = reader.read(null, ChangeEventJson.encode(tributary), new RecordHeaders());

        assertEquals(expected.op(), read.op());
        assertEquals(expected.source(), read.source());
        assertEquals(expected.key(), read.key());
        assertEquals(expected.before(), read.before());
        assertEquals(expected.after().tree(), read.after().tree());
        assertEquals(expected.unchanged(), read.unchanged());
        assertEquals(expected.types(), read.types());
    }

    @Test
    void aSweepMarkerReadsWithItsTableAndVersionAndNoKeyOrRows() {
        String record = "{\"op\":\"s\",\"source\":{\"database\":\"app\",\"schema\":\"public\",\"table\":\"orders\","
                + "\"lsn\":\"0/64\",\"commitLsn\":\"0/64\",\"xid\":0},\"key\":{},\"before\":null,\"after\":null}";

        ReceivedChange read = reader.read(record.getBytes(StandardCharsets.UTF_8));

        assertEquals(Operation.SWEEP, read.op());
        assertEquals("public.orders", read.tableId().toString());
        assertEquals(100L, read.source().lsn().value());
        assertTrue(read.key().isEmpty());
        assertNull(read.before());
        assertNull(read.after());
    }

    @Test
    void theAfterRowKeepsTheProducersBytes() {
        String after = "{\"id\":1,\"total\":\"12.50\",\"exact\":1.10}";
        String record = "{\"op\":\"c\",\"source\":{\"database\":\"app\",\"schema\":\"shop\",\"table\":\"orders\","
                + "\"lsn\":\"0/10\",\"commitLsn\":\"0/18\",\"xid\":1},\"key\":{\"id\":1},\"after\":" + after + "}";

        ReceivedChange read = reader.read(record.getBytes(StandardCharsets.UTF_8));

        assertArrayEquals(after.getBytes(StandardCharsets.UTF_8), read.after().json());
        assertNull(read.before());
        assertTrue(read.unchanged().isEmpty());
    }

    @Test
    void aPrettyPrintedRowIsWrittenAgainOnOneLine() {
        String record = "{\n  \"op\" : \"c\",\n  \"source\" : {\"database\":\"app\",\"schema\":\"shop\","
                + "\"table\":\"orders\",\"lsn\":\"0/10\",\"commitLsn\":\"0/18\",\"xid\":1},\n  \"key\" : {\"id\":1},\n"
                + "  \"after\" : {\n    \"id\" : 1,\n    \"note\" : \"a\\nb\"\n  }\n}";

        ReceivedChange read = reader.read(record.getBytes(StandardCharsets.UTF_8));

        String after = new String(read.after().json(), StandardCharsets.UTF_8);
        assertFalse(after.contains("\n"), after);
        assertEquals(json("{\"id\":1,\"note\":\"a\\nb\"}"), read.after().tree());
    }

    @Test
    void eventsWithTheSameTypesShareOneMap() {
        ObjectNode key = json("{\"id\":1}");
        ReceivedChange first = reader.read(ChangeEventJson.encode(new ChangeEvent(Operation.CREATE, source(1), key,
                null, key, List.of(), types())));
        ReceivedChange second = reader.read(ChangeEventJson.encode(new ChangeEvent(Operation.UPDATE, source(2),
                key, null, key, List.of(), types())));

        assertSame(first.types(), second.types());
        assertThrows(UnsupportedOperationException.class, () -> first.types().put("x", "text"));
    }

    @Test
    void eventsOfInterleavedTablesKeepEachTablesTypesAndAChangeOfColumnsIsRead() {
        ObjectNode key = json("{\"id\":1}");
        Map<String, String> otherTypes = Map.of("id", "int4", "name", "text");
        Map<String, String> changedTypes = new LinkedHashMap<>(types());
        changedTypes.put("added", "bool");

        ReceivedChange first = reader.read(ChangeEventJson.encode(new ChangeEvent(Operation.CREATE, source(1), key,
                null, key, List.of(), types())));
        ReceivedChange other = reader.read(ChangeEventJson.encode(new ChangeEvent(Operation.CREATE, source(2), key,
                null, key, List.of(), otherTypes)));
        ReceivedChange again = reader.read(ChangeEventJson.encode(new ChangeEvent(Operation.UPDATE, source(3), key,
                null, key, List.of(), types())));
        ReceivedChange againOther = reader.read(ChangeEventJson.encode(new ChangeEvent(Operation.UPDATE, source(4),
                key, null, key, List.of(), otherTypes)));
        ReceivedChange changed = reader.read(ChangeEventJson.encode(new ChangeEvent(Operation.UPDATE, source(5),
                key, null, key, List.of(), changedTypes)));
        ReceivedChange none = reader.read(ChangeEventJson.encode(new ChangeEvent(Operation.DELETE, source(6), key,
                null, null, List.of(), Map.of())));
        ReceivedChange changedAgain = reader.read(ChangeEventJson.encode(new ChangeEvent(Operation.UPDATE,
                source(7), key, null, key, List.of(), changedTypes)));

        assertEquals(types(), first.types());
        assertEquals(otherTypes, other.types());
        assertSame(first.types(), again.types());
        assertSame(other.types(), againOther.types());
        assertEquals(changedTypes, changed.types());
        assertEquals(List.copyOf(changedTypes.keySet()), List.copyOf(changed.types().keySet()), "column order");
        assertEquals(Map.of(), none.types());
        assertSame(changed.types(), changedAgain.types());
    }

    @Test
    void whatTheSharedCodecRejectsIsRejectedWithTheReason() {
        String source = "\"source\":{\"database\":\"app\",\"schema\":\"shop\",\"table\":\"orders\",\"lsn\":\"0/10\","
                + "\"commitLsn\":\"0/18\",\"xid\":1}";
        Map<String, String> cases = Map.of(
                "not json", "not a change event",
                "null", "JSON null",
                "[1,2]", "expected a JSON object",
                "{\"op\":\"x\"," + source + ",\"key\":{\"id\":1},\"after\":{}}", "unknown operation 'x'",
                "{\"op\":\"c\"," + source + ",\"key\":{\"id\":1}}", "has no 'after' row",
                "{\"op\":\"d\"," + source + ",\"key\":{}}", "has no key columns",
                "{\"op\":\"c\",\"key\":{\"id\":1},\"after\":{}}", "source",
                "{\"op\":\"c\"," + source + ",\"key\":{\"id\":1},\"after\":[1]}", "'after' must be an object",
                "{\"op\":\"c\"," + source + ",\"key\":{\"id\":1},\"after\":{\"id\":1", "not a change event");
        cases.forEach((record, reason) -> {
            MalformedChangeEventException e = assertThrows(MalformedChangeEventException.class,
                    () -> reader.read(record.getBytes(StandardCharsets.UTF_8)), record);
            assertTrue(e.getMessage().contains(reason), record + " -> " + e.getMessage());
            assertThrows(MalformedChangeEventException.class,
                    () -> ChangeEventJson.decode(record.getBytes(StandardCharsets.UTF_8)), "shared codec: " + record);
        });
        assertThrows(MalformedChangeEventException.class, () -> reader.read(null));
    }

    @Test
    void sourceValuesInFormsTheSharedMapperAcceptsReadTheSame() {
        for (String source : List.of(
                "{\"database\":\"app\",\"schema\":\"shop\",\"table\":\"orders\",\"lsn\":\"0/10\","
                        + "\"commitLsn\":\"0/18\",\"xid\":\"42\",\"commitTimestamp\":\"2026-11-22T10:15:30+01:00\"}",
                "{\"database\":\"app\",\"schema\":\"shop\",\"table\":\"orders\",\"lsn\":\"0/10\","
                        + "\"commitLsn\":\"0/18\",\"xid\":42,\"commitTimestamp\":1795337134.5,\"extra\":[1]}",
                "{\"database\":\"app\",\"schema\":\"shop\",\"table\":\"orders\",\"lsn\":\"0/10\","
                        + "\"commitLsn\":\"0/0\",\"commitTimestamp\":null}")) {
            byte[] record = ("{\"op\":\"d\",\"source\":" + source + ",\"key\":{\"id\":1}}")
                    .getBytes(StandardCharsets.UTF_8);
            assertEquals(ChangeEventJson.decode(record).source(), reader.read(record).source(), source);
        }
        byte[] noLsn = ("{\"op\":\"d\",\"source\":{\"database\":\"app\",\"schema\":\"shop\",\"table\":\"o\","
                + "\"commitLsn\":\"0/0\"},\"key\":{\"id\":1}}").getBytes(StandardCharsets.UTF_8);
        MalformedChangeEventException e = assertThrows(MalformedChangeEventException.class,
                () -> reader.read(noLsn));
        assertTrue(e.getMessage().contains("source.lsn"), e.getMessage());
    }

    @Test
    void unknownFieldsAreSkipped() {
        String record = "{\"op\":\"c\",\"future\":{\"nested\":[1,{\"a\":2}]},\"source\":{\"database\":\"app\","
                + "\"schema\":\"shop\",\"table\":\"orders\",\"lsn\":\"0/10\",\"commitLsn\":\"0/18\",\"xid\":1},"
                + "\"key\":{\"id\":1},\"after\":{\"id\":1}}";

        assertEquals(json("{\"id\":1}"), reader.read(record.getBytes(StandardCharsets.UTF_8)).after().tree());
    }
}
