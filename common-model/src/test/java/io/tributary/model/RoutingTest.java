package io.tributary.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.model.Routing.PartitionBy;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoutingTest {

    private static final TableId ORDERS = TableId.parse("shop.orders");

    @Test
    void tableRoutingIsTheTablePartitioner() {
        Routing routing = Routing.byTable("changes", 12);
        assertEquals(TablePartitioner.partitionFor(ORDERS, 12), routing.partitionFor(ORDERS, "k".getBytes()));
        assertEquals("changes", routing.topicFor(ORDERS));
    }

    @Test
    void pinnedTableOverridesTheHash() {
        Routing routing = new Routing("changes", 12, PartitionBy.TABLE, Map.of(ORDERS, 11));
        assertEquals(11, routing.partitionFor(ORDERS, new byte[0]));
    }

    @Test
    void aWholeTableEventGoesToEveryPartitionTheTableIsSpreadOver() {
        byte[] key = "{}".getBytes(StandardCharsets.UTF_8);
        assertEquals(java.util.List.of(0, 1, 2, 3), java.util.Arrays.stream(
                new Routing("changes", 4, PartitionBy.KEY, Map.of()).partitionsForWholeTable(ORDERS, key))
                .boxed().toList(), "key routing: a truncate must follow each partition's earlier changes");
        Routing byTable = Routing.byTable("changes", 4);
        assertEquals(java.util.List.of(byTable.partitionFor(ORDERS, key)), java.util.Arrays.stream(
                byTable.partitionsForWholeTable(ORDERS, key)).boxed().toList(), "table routing: its one partition");
        assertEquals(java.util.List.of(3), java.util.Arrays.stream(new Routing("changes", 4, PartitionBy.KEY,
                Map.of(ORDERS, 3)).partitionsForWholeTable(ORDERS, key)).boxed().toList(), "a pinned table");
    }

    @Test
    void keyRoutingSpreadsOneTableAndKeepsEachRowInOnePartition() {
        Routing routing = new Routing("changes", 8, PartitionBy.KEY, Map.of());
        Set<Integer> used = new HashSet<>();
        for (int id = 0; id < 200; id++) {
            byte[] key = ("{\"schema\":\"shop\",\"table\":\"orders\",\"key\":{\"id\":" + id + "}}").getBytes(StandardCharsets.UTF_8);
            int partition = routing.partitionFor(ORDERS, key);
            assertEquals(partition, routing.partitionFor(ORDERS, key.clone()), "stable per row");
            used.add(partition);
        }
        assertEquals(8, used.size(), "one table's rows use every partition");
    }

    @Test
    void topicPatternGivesOneTopicPerTable() {
        Routing routing = Routing.byTable("cdc.${schema}.${table}", 3);
        assertTrue(routing.topicPerTable());
        assertEquals("cdc.shop.orders", routing.topicFor(ORDERS));
    }

    @Test
    void pinOutsideThePartitionsIsRejectedNamingTheTable() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new Routing("changes", 4, PartitionBy.TABLE, Map.of(ORDERS, 4)));
        assertEquals("table shop.orders is pinned to partition 4, outside 0..3", error.getMessage());
    }
}
