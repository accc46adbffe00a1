package io.tributary.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class DocumentIdsTest {

    private static ObjectNode key(String json) throws Exception {
        return (ObjectNode) new ObjectMapper().readTree(json);
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
}
