package io.tributary.inspector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TextTableTest {

    @Test
    void alignsEveryColumnToItsWidestCellAndTrimsTrailingBlanks() {
        String text = new TextTable("PARTITION", "TABLE", "RECORDS")
                .row(0, "shop.orders", 12)
                .row(11, "x", "")
                .render();

        assertEquals("""
                PARTITION  TABLE        RECORDS
                0          shop.orders  12
                11         x
                """, text);
    }

    @Test
    void refusesARowWithTheWrongNumberOfCells() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TextTable("A", "B").row(1));
        assertTrue(e.getMessage().contains("1 cells"), e.getMessage());
    }

    @Test
    void knowsWhenItHasNoRows() {
        assertTrue(new TextTable("A").isEmpty());
    }
}
