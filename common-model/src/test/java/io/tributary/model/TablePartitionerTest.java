package io.tributary.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

class TablePartitionerTest {

    @Test
    void routeIsKafkasMurmur2OfTheQualifiedName() {
        TableId orders = new TableId("public", "orders");
        int expected = Utils.toPositive(Utils.murmur2("public.orders".getBytes(StandardCharsets.UTF_8))) % 12;

        assertEquals(expected, TablePartitioner.partitionFor(orders, 12));
    }

    @Test
    void routeIsFixedAcrossReleases() {
        // Pinned values: a change here would move tables between partitions on upgrade and break per-table order.
        assertEquals(6, TablePartitioner.partitionFor(TableId.parse("public.orders"), 12));
        assertEquals(3, TablePartitioner.partitionFor(TableId.parse("public.customers"), 12));
        assertEquals(0, TablePartitioner.partitionFor(TableId.parse("public.orders"), 1));
    }

    @Test
    void spreadsManyTablesOverAllPartitions() {
        int partitions = 12;
        int tables = 1200;
        int[] counts = new int[partitions];
        for (int i = 0; i < tables; i++) {
            counts[TablePartitioner.partitionFor(new TableId("shop", "table_" + i), partitions)]++;
        }
        for (int partition = 0; partition < partitions; partition++) {
            assertTrue(counts[partition] > 60 && counts[partition] < 140,
                    "partition " + partition + " got " + counts[partition] + " of " + tables + " tables (expected ~100)");
        }
    }

    @Test
    void rejectsNonPositivePartitionCount() {
        assertThrows(IllegalArgumentException.class, () -> TablePartitioner.partitionFor(TableId.parse("a.b"), 0));
    }

    @Test
    void parsesTableNames() {
        assertEquals(new TableId("public", "orders"), TableId.parse("orders"));
        assertEquals(new TableId("sales", "orders"), TableId.parse(" sales.orders "));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> TableId.parse("a.b.c"));
        assertTrue(error.getMessage().contains("'a.b.c'"));
        assertThrows(IllegalArgumentException.class, () -> TableId.parse("sales."));
    }
}
