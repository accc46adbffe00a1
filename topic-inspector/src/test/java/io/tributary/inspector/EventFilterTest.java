package io.tributary.inspector;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.config.InvalidUsageException;
import io.tributary.model.Operation;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventFilterTest {

    @Test
    void anEmptyFilterLetsEverythingThrough() {
        EventFilter filter = EventFilter.parse(List.of(), List.of(), null);

        assertTrue(filter.isEmpty());
        assertTrue(filter.matches(Events.of(Operation.TRUNCATE, "shop.orders", 0, 1)));
    }

    @Test
    void combinesTableOperationAndKey() {
        EventFilter filter = EventFilter.parse(List.of("shop.orders", "orders"), List.of("u,d"), "id=2");

        assertTrue(filter.matches(Events.of(Operation.UPDATE, "shop.orders", 2, 1)));
        assertTrue(filter.matches(Events.of(Operation.DELETE, "public.orders", 2, 1)), "a bare name is in public");
        assertFalse(filter.matches(Events.of(Operation.CREATE, "shop.orders", 2, 1)), "operation");
        assertFalse(filter.matches(Events.of(Operation.UPDATE, "shop.customers", 2, 1)), "table");
        assertFalse(filter.matches(Events.of(Operation.UPDATE, "shop.orders", 3, 1)), "key");
    }

    @Test
    void operationLettersAreChangeEventCodes() {
        EventFilter filter = EventFilter.parse(List.of(), List.of("c", "r", "t"), null);
        EventFilter sweeps = EventFilter.parse(List.of("a.b"), List.of("s"), null);

        assertTrue(filter.matches(Events.of(Operation.CREATE, "a.b", 1, 1)));
        assertTrue(filter.matches(Events.of(Operation.READ, "a.b", 1, 1)));
        assertTrue(filter.matches(Events.of(Operation.TRUNCATE, "a.b", 1, 1)));
        assertFalse(filter.matches(Events.of(Operation.UPDATE, "a.b", 1, 1)));
        assertFalse(filter.matches(Events.of(Operation.SWEEP, "a.b", 1, 1)));
        assertTrue(sweeps.matches(Events.of(Operation.SWEEP, "a.b", 1, 1)));
        assertFalse(sweeps.matches(Events.of(Operation.READ, "a.b", 1, 1)));
    }

    @Test
    void refusesAnUnknownOperationOrTableName() {
        InvalidUsageException op = assertThrows(InvalidUsageException.class,
                () -> EventFilter.parse(List.of(), List.of("x"), null));
        assertTrue(op.getMessage().contains("'x'"), op.getMessage());
        assertThrows(InvalidUsageException.class, () -> EventFilter.parse(List.of("a.b.c"), List.of(), null));
    }
}
