package io.tributary.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.model.TableId;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RowShapeTest {

    private static final TableId ORDER_LINES = TableId.parse("shop.order_lines");
    private static final RowShape ROWS = new RowShape(ORDER_LINES, List.of(new TableColumn("order_id", 20, -1, true),
            new TableColumn("price", 1700, -1, false), new TableColumn("line", 23, -1, true),
            new TableColumn("note", 25, -1, false)), new ValueConverter(PgTypes.builtIn(), NumericMode.STRING));

    @Test
    void aRowGivesItsImageItsKeyInColumnOrderAndItsTypes() {
        List<String> row = Arrays.asList("12", "9.50", "3", null);

        assertEquals("{\"order_id\":12,\"price\":\"9.50\",\"line\":3,\"note\":null}", ROWS.row(row).toString());
        assertEquals("{\"order_id\":12,\"line\":3}", ROWS.key(row).toString());
        assertEquals(List.of("order_id", "price", "line", "note"), List.copyOf(ROWS.types().keySet()));
        assertEquals(Map.of("order_id", "int8", "price", "numeric", "line", "int4", "note", "text"), ROWS.types());
    }

    @Test
    void aValueThatDoesNotFitItsTypeNamesTableColumnAndType() {
        ColumnValueException e = assertThrows(ColumnValueException.class,
                () -> ROWS.row(Arrays.asList("seven", "1", "3", null)));

        assertEquals(ORDER_LINES, e.table());
        assertEquals("order_id", e.column());
        assertTrue(e.getMessage().startsWith("column order_id of shop.order_lines (type oid 20): "), e.getMessage());
        assertTrue(e.getMessage().contains("'seven'"), e.getMessage());
        assertSame(InvalidValueException.class, e.getCause().getClass());
    }

    @Test
    void aRowOfTheWrongWidthIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ROWS.row(List.of("1")));
    }
}
