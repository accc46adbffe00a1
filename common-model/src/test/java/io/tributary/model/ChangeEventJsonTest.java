package io.tributary.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ChangeEventJsonTest {

    private static final SourceInfo SOURCE = new SourceInfo("app", "public", "orders", Lsn.parse("0/1A2B3C8"),
            Lsn.parse("0/1A2B4F0"), 771, Instant.parse("2026-11-22T06:00:00.123456Z"));

    private static ObjectNode object(String json) throws Exception {
        return (ObjectNode) ChangeEventJson.mapper().readTree(json);
    }

    @Test
    void aValueOfTensOfMegabytesIsReadBack() throws Exception {
        String big = "x".repeat(25_000_000);
        ChangeEvent event = new ChangeEvent(Operation.CREATE, new SourceInfo("app", "shop", "docs", Lsn.of(10),
                Lsn.of(10), 7, null), ChangeEventJson.mapper().createObjectNode().put("id", 1), null,
                ChangeEventJson.mapper().createObjectNode().put("id", 1).put("body", big));

        assertEquals(big, ChangeEventJson.decode(ChangeEventJson.encode(event)).after().get("body").asText(),
                "beyond Jackson's default limit of 20 M chars");
    }

    @Test
    void updateEventSurvivesARoundTripWithExactValues() throws Exception {
        ChangeEvent event = new ChangeEvent(Operation.UPDATE, SOURCE, object("{\"id\":42}"),
                object("{\"id\":42,\"status\":\"new\"}"),
                object("{\"id\":42,\"status\":\"shipped\",\"price\":12.50,\"big\":9223372036854775807,"
                        + "\"bigger\":12345678901234567890123,"
                        + "\"tags\":[\"a\",null],\"doc\":{\"nested\":true},\"note\":\"quote \\\" and \\\\ and ünïcødé\"}"));

        ChangeEvent decoded = ChangeEventJson.decode(ChangeEventJson.encode(event));

        assertEquals(event, decoded);
        assertEquals(new BigDecimal("12.50"), decoded.after().get("price").decimalValue(), "trailing zero kept");
        assertEquals(Long.MAX_VALUE, decoded.after().get("big").longValue());
        assertEquals(new java.math.BigInteger("12345678901234567890123"), decoded.after().get("bigger").bigIntegerValue());
    }

    /**
     * The streamed encoding writes exactly what Jackson writes for the record (the format readers know), for every
     * shape of event: with and without before, after, unchanged columns, types and commit timestamp.
     */
    @Test
    void theStreamedEncodingIsJacksonsRecordEncodingByteForByte() throws Exception {
        ObjectNode key = object("{\"id\":42}");
        ObjectNode row = object("{\"id\":42,\"price\":12.50,\"tiny\":0.0000001,\"big\":12345678901234567890123,"
                + "\"tags\":[\"a\",null],\"doc\":{\"n\":true},\"note\":\"quote \\\" ünïcødé \\u0001\"}");
        SourceInfo noCommit = new SourceInfo("app", "public", "orders", Lsn.of(99), Lsn.INVALID, 5, null);
        java.util.Map<String, String> types = new java.util.LinkedHashMap<>();
        types.put("id", "int8");
        types.put("price", "numeric");
        java.util.List<ChangeEvent> events = java.util.List.of(
                new ChangeEvent(Operation.CREATE, SOURCE, key, null, row),
                new ChangeEvent(Operation.UPDATE, SOURCE, key, row, row, java.util.List.of("doc", "note"), types),
                new ChangeEvent(Operation.DELETE, noCommit, key, key, null, java.util.List.of(), types),
                new ChangeEvent(Operation.TRUNCATE, SOURCE, ChangeEventJson.mapper().createObjectNode(), null, null),
                new ChangeEvent(Operation.READ, noCommit, key, null, row));

        ChangeRecordEncoder encoder = new ChangeRecordEncoder();
        for (ChangeEvent event : events) {
            assertEquals(new String(ChangeEventJson.mapper().writeValueAsBytes(event), StandardCharsets.UTF_8),
                    new String(ChangeEventJson.encode(event), StandardCharsets.UTF_8), event.op().code());
            ChangeRecordEncoder.Encoded encoded = encoder.encode(event);
            assertEquals(new String(ChangeEventJson.encode(event), StandardCharsets.UTF_8),
                    new String(encoded.value(), StandardCharsets.UTF_8), "the reused generator writes the same");
            assertEquals(new String(ChangeEventJson.encodeKey(event), StandardCharsets.UTF_8),
                    new String(encoded.key(), StandardCharsets.UTF_8));
            java.util.Map<String, Object> recordKey = new java.util.LinkedHashMap<>();
            recordKey.put("schema", event.source().schema());
            recordKey.put("table", event.source().table());
            recordKey.put("key", event.key());
            assertEquals(ChangeEventJson.mapper().writeValueAsString(recordKey),
                    new String(ChangeEventJson.encodeKey(event), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aRecordThatFailsHalfWayLeavesNothingInTheNextOne() throws Exception {
        ChangeRecordEncoder encoder = new ChangeRecordEncoder();
        ChangeEvent good = new ChangeEvent(Operation.CREATE, SOURCE, object("{\"id\":1}"), null, object("{\"id\":1}"));
        ChangeRecord broken = new ChangeRecord() {
            public Operation op() { return Operation.CREATE; }
            public SourceInfo source() { return SOURCE; }
            public ObjectNode key() { return good.key(); }
            public java.util.List<String> unchanged() { return java.util.List.of(); }
            public java.util.Map<String, String> types() { return java.util.Map.of(); }
            public void writeBefore(com.fasterxml.jackson.core.JsonGenerator out) throws java.io.IOException {
                out.writeStartObject();
                out.writeFieldName("half");
                throw new IllegalArgumentException("column x of public.orders: not a number");
            }
            public void writeAfter(com.fasterxml.jackson.core.JsonGenerator out) { }
            public ChangeEvent toEvent() { return good; }
        };

        assertThrows(IllegalArgumentException.class, () -> encoder.encode(broken));
        assertEquals(new String(ChangeEventJson.encode(good), StandardCharsets.UTF_8),
                new String(encoder.encode(good).value(), StandardCharsets.UTF_8));
    }

    @Test
    void deleteEventKeepsNullAfterAndWritesLsnAndOpAsText() throws Exception {
        ChangeEvent event = new ChangeEvent(Operation.DELETE, SOURCE, object("{\"id\":42}"), object("{\"id\":42}"), null);

        byte[] json = ChangeEventJson.encode(event);
        JsonNode tree = ChangeEventJson.mapper().readTree(json);
        ChangeEvent decoded = ChangeEventJson.decode(json);

        assertEquals("d", tree.get("op").asText());
        assertEquals("0/1A2B3C8", tree.get("source").get("lsn").asText());
        assertEquals("2026-11-22T06:00:00.123456Z", tree.get("source").get("commitTimestamp").asText());
        assertNull(decoded.after());
        assertEquals(event, decoded);
    }

    @Test
    void unchangedColumnsAreListedOnlyWhenThereAreAny() throws Exception {
        ChangeEvent partial = new ChangeEvent(Operation.UPDATE, SOURCE, object("{\"id\":1}"), null,
                object("{\"id\":1,\"status\":\"x\"}"), java.util.List.of("big_text"));
        ChangeEvent complete = new ChangeEvent(Operation.UPDATE, SOURCE, object("{\"id\":1}"), null,
                object("{\"id\":1,\"status\":\"x\"}"));

        assertEquals(partial, ChangeEventJson.decode(ChangeEventJson.encode(partial)));
        assertEquals(java.util.List.of("big_text"),
                java.util.List.of(ChangeEventJson.mapper().readTree(ChangeEventJson.encode(partial)).get("unchanged").get(0).asText()));
        assertNull(ChangeEventJson.mapper().readTree(ChangeEventJson.encode(complete)).get("unchanged"),
                "no field when every column is present");
        assertEquals(complete, ChangeEventJson.decode(ChangeEventJson.encode(complete)));
    }

    @Test
    void columnTypesTravelInColumnOrder() throws Exception {
        java.util.Map<String, String> types = new java.util.LinkedHashMap<>();
        types.put("id", "int8");
        types.put("total", "numeric");
        types.put("tags", "_text");
        ChangeEvent event = new ChangeEvent(Operation.CREATE, SOURCE, object("{\"id\":1}"), null,
                object("{\"id\":1,\"total\":\"1.00\",\"tags\":[]}"), java.util.List.of(), types);

        ChangeEvent decoded = ChangeEventJson.decode(ChangeEventJson.encode(event));

        assertEquals(event, decoded);
        assertEquals(java.util.List.of("id", "total", "tags"), java.util.List.copyOf(decoded.types().keySet()));
    }

    @Test
    void keyNamesTableAndKeyColumns() throws Exception {
        ChangeEvent event = new ChangeEvent(Operation.CREATE, SOURCE, object("{\"a\":1,\"b\":\"x\"}"), null,
                object("{\"a\":1,\"b\":\"x\"}"));

        String key = new String(ChangeEventJson.encodeKey(event), StandardCharsets.UTF_8);

        assertEquals("{\"schema\":\"public\",\"table\":\"orders\",\"key\":{\"a\":1,\"b\":\"x\"}}", key);
    }

    @Test
    void unknownFieldsAreIgnoredSoNewerProducersCanAddThem() throws Exception {
        ChangeEvent event = new ChangeEvent(Operation.CREATE, SOURCE, object("{\"id\":1}"), null, object("{\"id\":1}"));
        ObjectNode tree = (ObjectNode) ChangeEventJson.mapper().readTree(ChangeEventJson.encode(event));
        tree.put("addedLater", "x");

        assertEquals(event, ChangeEventJson.decode(tree.toString().getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void malformedRecordsAreRejectedSayingWhatIsWrong() {
        assertMalformed("not json at all", "not a change event");
        assertMalformed("{\"op\":\"x\",\"source\":{}}", "unknown operation 'x'");
        assertMalformed("{\"op\":\"c\",\"key\":{\"id\":1},\"after\":{\"id\":1}}", "source");
        assertMalformed("null", "JSON null");
        assertThrows(MalformedChangeEventException.class, () -> ChangeEventJson.decode(null));
    }

    @Test
    void rowChangesMustCarryTheirKeyAndAfterImage() throws Exception {
        IllegalArgumentException noKey = assertThrows(IllegalArgumentException.class,
                () -> new ChangeEvent(Operation.CREATE, SOURCE, object("{}"), null, object("{\"id\":1}")));
        assertTrue(noKey.getMessage().contains("public.orders"), noKey.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new ChangeEvent(Operation.UPDATE, SOURCE, object("{\"id\":1}"), null, null));
    }

    private static void assertMalformed(String json, String expectedFragment) {
        MalformedChangeEventException error = assertThrows(MalformedChangeEventException.class,
                () -> ChangeEventJson.decode(json.getBytes(StandardCharsets.UTF_8)));
        assertTrue(error.getMessage().contains(expectedFragment),
                "expected '" + expectedFragment + "' in: " + error.getMessage());
    }
}
