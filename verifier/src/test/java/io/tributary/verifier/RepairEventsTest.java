package io.tributary.verifier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.model.SourceInfo;
import io.tributary.model.TableId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RepairEventsTest {

    private static final TableId ORDERS = TableId.parse("shop.orders");

    @Test
    void aReadEventCarriesTheRowKeyAndTypesAtTheRepairVersion() {
        ChangeEvent converted = new ChangeEvent(Operation.CREATE,
                new SourceInfo("app", "shop", "orders", Lsn.INVALID, Lsn.INVALID, 0, null),
                Json.object("{\"id\":42}"), null, Json.object("{\"id\":42,\"status\":\"new\"}"), List.of(),
                Map.of("id", "int4", "status", "text"));

        ChangeEvent repair = RepairEvents.read(converted, 1_001);

        assertEquals(Operation.READ, repair.op());
        assertEquals(Lsn.of(1_001), repair.source().lsn());
        assertEquals(converted.after(), repair.after());
        assertNull(repair.before());
        assertEquals(converted.types(), repair.types());
        assertArrayEquals(ChangeEventJson.encodeKey(converted), ChangeEventJson.encodeKey(repair),
                "same record key, so same partition under partition-by key");
        assertEquals(repair, ChangeEventJson.decode(ChangeEventJson.encode(repair)));
    }

    @Test
    void aDeleteEventCarriesTheKeyAndBeforeImageAtTheRepairVersion() {
        ChangeEvent repair = RepairEvents.delete("app", ORDERS, Json.object("{\"id\":9}"),
                Json.object("{\"id\":9,\"tenant\":\"t1\"}"), 8);

        assertEquals(Operation.DELETE, repair.op());
        assertEquals(Lsn.of(8), repair.source().lsn());
        assertEquals(ORDERS, repair.tableId());
        assertEquals(Json.object("{\"id\":9,\"tenant\":\"t1\"}"), repair.before());
        assertNull(repair.after());
    }
}
