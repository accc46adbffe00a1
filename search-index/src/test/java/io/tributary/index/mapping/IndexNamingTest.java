package io.tributary.index.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.model.TableId;
import org.junit.jupiter.api.Test;

class IndexNamingTest {

    @Test
    void indexIsLowerCaseSchemaDotTable() {
        assertEquals("sales.orderlines", IndexNaming.indexFor(new TableId("Sales", "OrderLines")));
    }

    @Test
    void impossibleIndexNamesAreRejectedNamingTheTable() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> IndexNaming.indexFor(new TableId("public", "my table")));
        assertTrue(error.getMessage().contains("table public.my table"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> IndexNaming.indexFor(new TableId("_x", "t")));
        assertThrows(IllegalArgumentException.class, () -> IndexNaming.indexFor(new TableId("s", "a*b")));
    }
}
