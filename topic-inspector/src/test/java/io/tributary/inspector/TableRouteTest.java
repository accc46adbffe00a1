package io.tributary.inspector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.inspector.TableRoute.Reason;
import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.Operation;
import io.tributary.model.Routing;
import io.tributary.model.Routing.PartitionBy;
import io.tributary.model.TableId;
import io.tributary.model.TablePartitioner;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class TableRouteTest {

    private static final TableId ORDERS = TableId.parse("shop.orders");
    private static final TableId AUDIT = TableId.parse("shop.audit");

    @Test
    void byTableTheRouteIsTheTablePartitionersHash() {
        Routing routing = new Routing("cdc", 12, PartitionBy.TABLE, Map.of(AUDIT, 11));

        TableRoute route = TableRoute.of(routing, ORDERS, Optional.empty());

        assertEquals(OptionalInt.of(TablePartitioner.partitionFor(ORDERS, 12)), route.partition());
        assertEquals(Reason.TABLE_HASH, route.reason());
        assertEquals("partition-by table: murmur2(\"shop.orders\") mod 12", route.why());
    }

    @Test
    void aPinnedTableGoesToItsPinWhateverTheRoutingBy() {
        for (PartitionBy by : PartitionBy.values()) {
            TableRoute route = TableRoute.of(new Routing("cdc", 12, by, Map.of(AUDIT, 11)), AUDIT, Optional.empty());

            assertEquals(OptionalInt.of(11), route.partition());
            assertEquals(Reason.PINNED, route.reason());
        }
    }

    @Test
    void byKeyWithoutAKeyThePartitionDependsOnTheRow() {
        TableRoute route = TableRoute.of(new Routing("cdc", 12, PartitionBy.KEY, Map.of()), ORDERS, Optional.empty());

        assertEquals(OptionalInt.empty(), route.partition());
        assertEquals("-", route.partitionText());
        assertTrue(route.why().contains("--key"), route.why());
    }

    @Test
    void byKeyTheRouteOfAKeyIsWhereTheProducerSendsThatRowsEvents() {
        Routing routing = new Routing("cdc", 12, PartitionBy.KEY, Map.of());
        ChangeEvent event = Events.of(Operation.UPDATE, "shop.orders", 42, 100);
        byte[] producersKey = ChangeEventJson.encodeKey(event);

        TableRoute route = TableRoute.of(routing, ORDERS, Optional.of(RowKey.parse("id=42")));

        assertArrayEquals(producersKey, TableRoute.recordKey(ORDERS, RowKey.parse("{\"id\":42}")));
        assertEquals(OptionalInt.of(routing.partitionFor(ORDERS, producersKey)), route.partition());
        assertEquals(Reason.KEY_HASH, route.reason());
    }

    @Test
    void aPerTableTopicIsNamedForTheTable() {
        TableRoute route = TableRoute.of(Routing.byTable("cdc.${schema}.${table}", 3), ORDERS, Optional.empty());

        assertEquals("cdc.shop.orders", route.topic());
    }
}
