package io.tributary.inspector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.config.InvalidUsageException;
import io.tributary.model.ChangeEventJson;
import org.junit.jupiter.api.Test;

class RowKeyTest {

    @Test
    void readsAJsonObjectAsTheEventsKey() {
        RowKey key = RowKey.parse("{\"order_id\":7,\"line\":2}");

        assertEquals(Events.json("{\"order_id\":7,\"line\":2}"), key.columns());
    }

    @Test
    void readsColumnValuePairsWithNumbersAsNumbersAndTheRestAsText() {
        RowKey key = RowKey.parse("order_id=7, sku=AB-1,code=\"42\",price=1.50,vip=true");

        assertEquals(Events.json("{\"order_id\":7,\"sku\":\"AB-1\",\"code\":\"42\",\"price\":1.50,\"vip\":true}"),
                key.columns());
    }

    @Test
    void aNumberGivenOnTheCommandLineEqualsTheSameNumberDecodedFromAnEvent() throws Exception {
        RowKey key = RowKey.parse("id=42");
        var decoded = ChangeEventJson.decode(ChangeEventJson.encode(
                Events.of(io.tributary.model.Operation.CREATE, "shop.orders", 42, 100)));

        assertTrue(key.matches(decoded.key()));
    }

    @Test
    void matchesWhenEveryGivenColumnHasTheSameValue() {
        RowKey key = RowKey.parse("order_id=7");

        assertTrue(key.matches(Events.json("{\"order_id\":7,\"line\":2}")));
        assertFalse(key.matches(Events.json("{\"order_id\":8,\"line\":2}")));
        assertFalse(key.matches(Events.json("{\"id\":7}")));
        assertFalse(RowKey.parse("id=\"7\"").matches(Events.json("{\"id\":7}")), "text is not a number");
    }

    @Test
    void refusesTextThatIsNeitherJsonNorPairs() {
        InvalidUsageException e = assertThrows(InvalidUsageException.class, () -> RowKey.parse("42"));
        assertTrue(e.getMessage().contains("'42'"), e.getMessage());
        assertThrows(InvalidUsageException.class, () -> RowKey.parse("{\"id\":"));
        assertThrows(InvalidUsageException.class, () -> RowKey.parse("{}"));
        assertThrows(InvalidUsageException.class, () -> RowKey.parse("=1"));
    }
}
