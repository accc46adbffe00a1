package io.tributary.subscriber.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.TableId;
import org.junit.jupiter.api.Test;

class DocumentIdsTest {

    private static ObjectNode key(String json) throws Exception {
        return (ObjectNode) ChangeEventJson.mapper().readTree(json);
    }

    @Test
    void singleKeyIsItsText() throws Exception {
        assertEquals("42", DocumentIds.idFor(key("{\"id\":42}")));
        assertEquals("a0ee-1", DocumentIds.idFor(key("{\"id\":\"a0ee-1\"}")));
    }

    @Test
    void compositeKeysNeverCollide() throws Exception {
        String a = DocumentIds.idFor(key("{\"a\":1,\"b\":23}"));
        String b = DocumentIds.idFor(key("{\"a\":12,\"b\":3}"));
        String c = DocumentIds.idFor(key("{\"a\":\"1\",\"b\":23}"));
        String d = DocumentIds.idFor(key("{\"a\":\"1,2\",\"b\":3}"));
        String e = DocumentIds.idFor(key("{\"a\":\"1\",\"b\":\"2,3\"}"));

        assertEquals("[1,23]", a);
        assertEquals("[12,3]", b);
        assertNotEquals(a, c);
        assertNotEquals(d, e);
    }

    @Test
    void emptyKeyIsRejected() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> DocumentIds.idFor(key("{}")));
    }

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
