package io.tributary.producer.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.Lsn;
import io.tributary.model.TableId;
import io.tributary.producer.decoding.ReplicationMessage.Column;
import io.tributary.producer.decoding.ReplicationMessage.Relation;
import io.tributary.producer.publish.KafkaPublisher.EncodedEvent;
import io.tributary.shaping.NumericMode;
import io.tributary.shaping.PgTypes;
import io.tributary.shaping.ValueConverter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadEventEncoderTest {

    private static final SnapshotPoint POINT = new SnapshotPoint("app", Lsn.parse("0/1A2B3C7"),
            Lsn.parse("0/1A2B3D0"), Instant.parse("2026-12-02T10:15:30.123456Z"));

    /** An order as users have them: key, text, numeric, text[], jsonb, two timestamptz, and more types. */
    private static final SnapshotTable ORDERS = table(new TableId("shop", "orders"), List.of(
            new Column(true, "id", ValueConverter.INT8, -1),
            new Column(false, "customer", ValueConverter.TEXT, -1),
            new Column(false, "total", ValueConverter.NUMERIC, -1),
            new Column(false, "tags", 1009, -1), // text[]
            new Column(false, "details", ValueConverter.JSONB, -1),
            new Column(false, "created_at", ValueConverter.TIMESTAMPTZ, -1),
            new Column(false, "updated_at", ValueConverter.TIMESTAMPTZ, -1),
            new Column(false, "ratio", ValueConverter.FLOAT8, -1),
            new Column(false, "active", ValueConverter.BOOL, -1),
            new Column(false, "day", ValueConverter.DATE, -1),
            new Column(false, "payload", ValueConverter.BYTEA, -1)));

    @Test
    void writesTheBytesChangeEventJsonWritesForTheReadEvent() {
        assertSameBytes(ORDERS, NumericMode.STRING, "42", "customer \"Ann\" \u00e9\u4e2d\n", "12.50",
                "{gift,\"a b\",NULL,\"q\\\"uote\"}",
                "{\"sku\": \"SKU-1\", \"dims\": [1.50, 2, 3e2], \"gift\": false, \"note\": null, \"n\": {\"x\": 1}}",
                "2024-01-01 00:00:00+00", "2024-06-30 23:59:59.123456+02", "1.5e-7", "t", "2024-02-29",
                "\\x00ff");
    }

    @Test
    void writesNullsAndNumbersAsNumbersTheSameWay() {
        assertSameBytes(ORDERS, NumericMode.NUMBER, "-9223372036854775808", null, "-0.10", null, "[]", null,
                "infinity", "NaN", "f", null, null);
        assertSameBytes(ORDERS, NumericMode.NUMBER, "7", "x", "123456789012345678901234567890.000", "{}", "{}",
                "2024-01-01 00:00:00+00", "2024-01-01 00:00:00+00", "-0", "t", "infinity", "\\x");
    }

    @Test
    void copiesJsonbAsPostgresqlPrintedItAndJsonThroughTheTree() {
        SnapshotTable documents = table(new TableId("shop", "documents"), List.of(
                new Column(true, "id", ValueConverter.INT8, -1),
                new Column(false, "doc", ValueConverter.JSONB, -1),
                new Column(false, "raw", ValueConverter.JSON, -1)));
        assertSameBytes(documents, NumericMode.STRING, "1",
                "{\"a\": [], \"b\": {}, \"big\": 123456789012345678901234567890, \"neg\": -5, \"e\": 1.0E+3,"
                        + " \"esc\": \"tab\\there \\\"q\\\" \\u00e9 \u4e2d\", \"deep\": [[{\"x\": [null, true]}]]}",
                "{\"k\": 1, \"k\": 2.50}");
        assertSameBytes(documents, NumericMode.NUMBER, "2", "\"just a string\"", "[1, 2]");
        assertSameBytes(documents, NumericMode.NUMBER, "3", "-0.000001", "null");
    }

    @Test
    void writesCompositeKeysInColumnOrderInBothKeyAndValue() {
        SnapshotTable items = table(new TableId("shop", "order items"), List.of(
                new Column(false, "note", ValueConverter.TEXT, -1),
                new Column(true, "order_id", ValueConverter.INT4, -1),
                new Column(true, "line", ValueConverter.INT2, -1)));
        assertSameBytes(items, NumericMode.STRING, "n", "12", "3");
    }

    @Test
    void aCopyWritesTheSameBytesAndRowsDoNotLeakIntoEachOther() {
        ValueConverter converter = new ValueConverter(PgTypes.builtIn(), NumericMode.STRING);
        ReadEventEncoder encoder = new ReadEventEncoder(ORDERS, converter, POINT);
        String[] longRow = {"1", "x".repeat(10_000), "1.00", "{a}", "{\"a\": 1}", null, null, null, null, null, null};
        String[] shortRow = {"2", "y", "2.00", "{}", "{}", null, null, null, null, null, null};
        encoder.encode(longRow);
        EncodedEvent again = encoder.copy().encode(shortRow);
        EncodedEvent after = encoder.encode(shortRow);

        assertArrayEquals(again.value(), after.value());
        assertArrayEquals(again.key(), after.key());
        assertTrue(after.value().length < 1000);
        long estimated = encoder.estimatedBytes(List.<String[]>of(shortRow, shortRow));
        assertTrue(estimated > 2L * (after.key().length + after.value().length), "estimated " + estimated);
    }

    @Test
    void aValueThatDoesNotFitItsTypeNamesTableAndColumn() {
        ReadEventEncoder encoder = new ReadEventEncoder(ORDERS,
                new ValueConverter(PgTypes.builtIn(), NumericMode.STRING), POINT);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> encoder.encode(
                new String[] {"1", "x", "not a number", "{}", "{}", null, null, null, null, null, null}));
        assertTrue(e.getMessage().contains("shop.orders") && e.getMessage().contains("total"), e.getMessage());
    }

    @Test
    void aRowOfATableWithoutKeyColumnsIsRefusedWithTheRemedyButTheEmptyTableIsNot() {
        SnapshotTable unkeyed = table(new TableId("shop", "log"), List.of(
                new Column(false, "line", ValueConverter.TEXT, -1)));
        ReadEventEncoder encoder = new ReadEventEncoder(unkeyed,
                new ValueConverter(PgTypes.builtIn(), NumericMode.STRING), POINT);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> encoder.encode(new String[] {"a line"}));
        assertTrue(e.getMessage().contains("REPLICA IDENTITY FULL"), e.getMessage());
    }

    /**
     * The encoded read is the tree form's event ({@link ReadEvents}), read back with exact numbers (jsonb keeps
     * PostgreSQL's spacing in the encoded bytes); the record key byte for byte.
     */
    private static void assertSameBytes(SnapshotTable table, NumericMode mode, String... values) {
        ValueConverter converter = new ValueConverter(PgTypes.builtIn(), mode);
        ChangeEvent event = new ReadEvents(table, converter, POINT).eventFor(Arrays.asList(values));
        EncodedEvent encoded = new ReadEventEncoder(table, converter, POINT).encode(values);

        try {
            assertEquals(ChangeEventJson.mapper().readTree(ChangeEventJson.encode(event)),
                    ChangeEventJson.mapper().readTree(encoded.value()));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertEquals(text(ChangeEventJson.encodeKey(event)), text(encoded.key()));
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static SnapshotTable table(TableId id, List<Column> columns) {
        return new SnapshotTable(id, new Relation(1, id.schema(), id.table(), 'd', columns),
                columns.stream().filter(Column::key).map(key -> new PagingColumn(key.name(), "bigint")).toList(), 10);
    }
}
