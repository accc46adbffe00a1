package io.tributary.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DebeziumEventJsonTest {

    private static final SourceInfo SOURCE = new SourceInfo("app", "shop", "orders", Lsn.parse("0/1A2B3C8"),
            Lsn.parse("0/1A2B4F0"), 771, Instant.parse("2026-11-22T06:00:00.123456Z"));

    private static ObjectNode object(String json) throws Exception {
        return (ObjectNode) ChangeEventJson.mapper().readTree(json);
    }

    private static JsonNode tree(byte[] json) throws Exception {
        return ChangeEventJson.mapper().readTree(json);
    }

    private static Map<String, String> types() {
        Map<String, String> types = new LinkedHashMap<>();
        types.put("id", "int8");
        types.put("total", "numeric");
        types.put("doc", "jsonb");
        types.put("docs", "_json");
        return types;
    }

    private static Headers headers(ChangeRecordEncoder.Encoded encoded) {
        return new RecordHeaders(encoded.headers().toArray(Header[]::new));
    }

    @Test
    void anUpdateIsWrittenInDebeziumsShapeWithTheKeyColumnsAsTheRecordKey() throws Exception {
        ChangeEvent update = new ChangeEvent(Operation.UPDATE, SOURCE, object("{\"id\":42}"), object("{\"id\":42}"),
                object("{\"id\":42,\"total\":\"12.50\",\"doc\":\"{\\\"a\\\": 1}\"}"), List.of("notes"), types());

        ChangeRecordEncoder.Encoded encoded = new ChangeRecordEncoder(Envelope.DEBEZIUM).encode(update);

        assertEquals(object("{\"id\":42}"), tree(encoded.key()), "Debezium's key: the key columns, flat");
        JsonNode value = tree(encoded.value());
        assertEquals(List.of("before", "after", "source", "op", "ts_ms", "ts_us", "ts_ns", "transaction"),
                fieldNames(value));
        assertEquals("u", value.get("op").textValue());
        assertEquals(object("{\"id\":42,\"total\":\"12.50\",\"doc\":\"{\\\"a\\\": 1}\"}"), value.get("after"));
        assertEquals(object("{\"id\":42}"), value.get("before"));
        assertTrue(value.get("transaction").isNull());
        assertEquals(object("{\"version\":\"tributary\",\"connector\":\"postgresql\",\"name\":\"app\","
                + "\"ts_ms\":1795327200123,\"snapshot\":\"false\",\"db\":\"app\","
                + "\"sequence\":\"[\\\"27440368\\\",\\\"27440072\\\"]\",\"ts_us\":1795327200123456,"
                + "\"ts_ns\":1795327200123456000,\"schema\":\"shop\",\"table\":\"orders\",\"txId\":771,"
                + "\"lsn\":27440072,\"xmin\":null}"), value.get("source"));
        assertEquals(1795327200123L, value.get("ts_ms").longValue(), "the commit time: the same change, the same bytes");
        assertArrayEquals(ChangeEventJson.encodeKey(update), encoded.routingKey(), "routed as Tributary's key");
        Headers headers = headers(encoded);
        assertEquals("debezium", text(headers, DebeziumEventJson.ENVELOPE_HEADER));
        assertEquals("{\"id\":\"int8\",\"total\":\"numeric\",\"doc\":\"jsonb\",\"docs\":\"_json\"}",
                text(headers, DebeziumEventJson.TYPES_HEADER));
        assertEquals("[\"notes\"]", text(headers, DebeziumEventJson.UNCHANGED_HEADER));
    }

    @Test
    void everyOperationReadsBackAsTheSameChangeWithItsJsonColumnsEmbeddedAgain() throws Exception {
        ObjectNode key = object("{\"id\":42}");
        ObjectNode written = object("{\"id\":42,\"total\":\"12.50\",\"doc\":\"{\\\"a\\\": 1.50}\","
                + "\"docs\":[\"[1]\",null]}");
        ObjectNode embedded = object("{\"id\":42,\"total\":\"12.50\",\"doc\":{\"a\":1.50},\"docs\":[[1],null]}");
        SourceInfo noCommit = new SourceInfo("app", "shop", "orders", Lsn.of(99), Lsn.INVALID, 5, null);
        ObjectNode none = ChangeEventJson.mapper().createObjectNode();
        List<ChangeEvent[]> cases = List.of(
                new ChangeEvent[] {new ChangeEvent(Operation.CREATE, SOURCE, key, null, written, List.of(), types()),
                        new ChangeEvent(Operation.CREATE, SOURCE, key, null, embedded, List.of(), types())},
                new ChangeEvent[] {new ChangeEvent(Operation.UPDATE, SOURCE, key, key, written, List.of("x"), types()),
                        new ChangeEvent(Operation.UPDATE, SOURCE, key, key, embedded, List.of("x"), types())},
                new ChangeEvent[] {new ChangeEvent(Operation.DELETE, noCommit, key, key, null),
                        new ChangeEvent(Operation.DELETE, noCommit, key, key, null)},
                new ChangeEvent[] {new ChangeEvent(Operation.READ, SOURCE, key, null, written, List.of(), types()),
                        new ChangeEvent(Operation.READ, SOURCE, key, null, embedded, List.of(), types())},
                new ChangeEvent[] {new ChangeEvent(Operation.TRUNCATE, SOURCE, none, null, null),
                        new ChangeEvent(Operation.TRUNCATE, SOURCE, none, null, null)});
        ChangeRecordEncoder encoder = new ChangeRecordEncoder(Envelope.DEBEZIUM);
        for (ChangeEvent[] pair : cases) {
            ChangeRecordEncoder.Encoded encoded = encoder.encode(pair[0]);
            ChangeEvent read = DebeziumEventReader.decode(encoded.key(), encoded.value(), headers(encoded));
            assertEquals(pair[1], read, pair[0].op().code());
        }
    }

    @Test
    void anUpdateOfTheKeyIsADeleteOfTheOldKeyThenACreateOfTheNewOnTheChangesPartition() throws Exception {
        ChangeEvent keyChange = new ChangeEvent(Operation.UPDATE, SOURCE, object("{\"id\":50}"),
                object("{\"id\":5}"), object("{\"id\":50,\"total\":\"1.00\"}"), List.of(), types());
        ChangeRecordEncoder encoder = new ChangeRecordEncoder(Envelope.DEBEZIUM);

        List<ChangeRecordEncoder.Encoded> records = encoder.encodeAll(keyChange);

        assertEquals(2, records.size());
        ChangeEvent deleted = DebeziumEventReader.decode(records.get(0).key(), records.get(0).value(),
                headers(records.get(0)));
        ChangeEvent created = DebeziumEventReader.decode(records.get(1).key(), records.get(1).value(),
                headers(records.get(1)));
        assertEquals(new ChangeEvent(Operation.DELETE, SOURCE, object("{\"id\":5}"), object("{\"id\":5}"), null),
                deleted);
        assertEquals(new ChangeEvent(Operation.CREATE, SOURCE, object("{\"id\":50}"), null,
                object("{\"id\":50,\"total\":\"1.00\"}"), List.of(), types()), created);
        for (ChangeRecordEncoder.Encoded record : records) {
            assertArrayEquals(ChangeEventJson.encodeKey(keyChange), record.routingKey(), "one partition, in order");
        }
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(keyChange));
        assertEquals(1, new ChangeRecordEncoder().encodeAll(keyChange).size(), "one update in Tributary's envelope");
    }

    @Test
    void aTruncateHasNoRecordKeyAndIsRoutedByTheTable() throws Exception {
        ChangeEvent truncate = new ChangeEvent(Operation.TRUNCATE, SOURCE, ChangeEventJson.mapper().createObjectNode(),
                null, null);

        ChangeRecordEncoder.Encoded encoded = new ChangeRecordEncoder(Envelope.DEBEZIUM).encode(truncate);

        assertNull(encoded.key(), "Debezium sends truncates without a key");
        assertArrayEquals(ChangeEventJson.encodeKey(truncate), encoded.routingKey());
        assertEquals("t", tree(encoded.value()).get("op").textValue());
    }

    @Test
    void aSweepKeepsTributarysEnvelopeMarkedAsAControlRecord() {
        ChangeEvent sweep = new ChangeEvent(Operation.SWEEP, SOURCE, ChangeEventJson.mapper().createObjectNode(),
                null, null);

        ChangeRecordEncoder.Encoded encoded = new ChangeRecordEncoder(Envelope.DEBEZIUM).encode(sweep);

        assertArrayEquals(ChangeEventJson.encode(sweep), encoded.value());
        assertArrayEquals(ChangeEventJson.encodeKey(sweep), encoded.key());
        Headers headers = headers(encoded);
        assertEquals("tributary", text(headers, DebeziumEventJson.ENVELOPE_HEADER));
        assertEquals("sweep", text(headers, DebeziumEventJson.CONTROL_HEADER));
        assertEquals(sweep, DebeziumEventReader.read(encoded.key(), encoded.value(), headers, ChangeEventJson::decode,
                event -> event), "read as Tributary's event by its header");
    }

    @Test
    void tributarysEnvelopeHasNoHeadersAndIsRoutedByItsKey() throws Exception {
        ChangeEvent insert = new ChangeEvent(Operation.CREATE, SOURCE, object("{\"id\":1}"), null,
                object("{\"id\":1}"));

        ChangeRecordEncoder.Encoded encoded = new ChangeRecordEncoder().encode(insert);

        assertTrue(encoded.headers().isEmpty());
        assertArrayEquals(ChangeEventJson.encode(insert), encoded.value());
        assertArrayEquals(encoded.key(), encoded.routingKey());
    }

    @Test
    void anUnmarkedRecordIsReadByItsShapeAndOneOfNeitherShapeIsRefusedWithTheReason() throws Exception {
        ChangeEvent insert = new ChangeEvent(Operation.CREATE, SOURCE, object("{\"id\":1}"), null,
                object("{\"id\":1}"));
        ChangeRecordEncoder.Encoded debezium = new ChangeRecordEncoder(Envelope.DEBEZIUM).encode(insert);
        byte[] key = "{\"id\":1}".getBytes(StandardCharsets.UTF_8);

        ChangeEvent fromConnector = DebeziumEventReader.read(key, debezium.value(), new RecordHeaders(),
                ChangeEventJson::decode, event -> event);
        ChangeEvent tributary = DebeziumEventReader.read(key, ChangeEventJson.encode(insert), new RecordHeaders(),
                ChangeEventJson::decode, event -> event);

        assertEquals(insert, fromConnector, "a Debezium connector's record: no header, Debezium's shape");
        assertEquals(insert, tributary);
        MalformedChangeEventException neither = assertThrows(MalformedChangeEventException.class,
                () -> DebeziumEventReader.read(key, "{\"id\":1}".getBytes(StandardCharsets.UTF_8),
                        new RecordHeaders(), ChangeEventJson::decode, event -> event));
        assertTrue(neither.getMessage().startsWith("not a change event"), neither.getMessage());
        MalformedChangeEventException noKey = assertThrows(MalformedChangeEventException.class,
                () -> DebeziumEventReader.decode(null, debezium.value(), headers(debezium)));
        assertTrue(noKey.getMessage().contains("record key"), noKey.getMessage());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String text(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
