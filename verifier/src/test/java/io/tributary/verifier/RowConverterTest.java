package io.tributary.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.model.ChangeEvent;
import io.tributary.model.TableId;
import io.tributary.producer.decoding.ReplicationMessage.Column;
import io.tributary.shaping.NumericMode;
import io.tributary.shaping.PgTypes;
import io.tributary.shaping.ValueConverter;
import io.tributary.shaping.DocumentIds;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RowConverterTest {

    private static final TableShape ORDER_LINES = new TableShape(TableId.parse("shop.order_lines"), 16_384, 'd',
            List.of(new Column(true, "order_id", 20, -1), new Column(false, "price", 1700, -1),
                    new Column(true, "line", 23, -1), new Column(false, "shipped", 16, -1),
                    new Column(false, "at", 1184, -1), new Column(false, "note", 25, -1)));

    private static RowConverter converter(NumericMode mode, boolean keyOnly) {
        return new RowConverter("app", new ValueConverter(PgTypes.builtIn(), mode),
                keyOnly ? ORDER_LINES.keyRelation() : ORDER_LINES.relation());
    }

    @Test
    void convertsTheRowAsTheProducerDoesWithItsKeyInColumnOrderAndTypes() {
        ChangeEvent event = converter(NumericMode.STRING, false)
                .convert(Arrays.asList("12", "9.50", "3", "t", "2026-01-02 03:04:05.5+00", null));

        assertEquals(Json.object("{\"order_id\":12,\"price\":\"9.50\",\"line\":3,\"shipped\":true,"
                + "\"at\":\"2026-01-02T03:04:05.5Z\",\"note\":null}"), event.after());
        assertEquals(Json.object("{\"order_id\":12,\"line\":3}"), event.key());
        assertEquals("[12,3]", DocumentIds.idFor(event.key()));
        assertEquals(Map.of("order_id", "int8", "price", "numeric", "line", "int4", "shipped", "bool",
                "at", "timestamptz", "note", "text"), event.types());
        assertEquals("app", event.source().database());
    }

    @Test
    void numericModeNumberGivesExactNumbers() {
        ChangeEvent event = converter(NumericMode.NUMBER, false)
                .convert(Arrays.asList("12", "9.50", "3", "f", null, "x"));

        assertTrue(event.after().get("price").isBigDecimal());
        assertEquals("9.50", event.after().get("price").toString());
    }

    @Test
    void convertsKeysAloneToTheProducersKey() {
        assertEquals(Json.object("{\"order_id\":7,\"line\":1}"),
                converter(NumericMode.STRING, true).convert(List.of("7", "1")).key());
    }

    @Test
    void aValueTheProducerCannotConvertFailsNamingTableAndColumn() {
        VerificationFailedException e = assertThrows(VerificationFailedException.class,
                () -> converter(NumericMode.STRING, true).convert(List.of("seven", "1")));

        assertTrue(e.getMessage().contains("shop.order_lines") && e.getMessage().contains("order_id"),
                e.getMessage());
    }
}
