package io.tributary.inspector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.model.Routing;
import io.tributary.model.Routing.PartitionBy;
import io.tributary.model.TableId;
import io.tributary.model.TablePartitioner;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class PartitionReportTest {

    private static final TableId ORDERS = TableId.parse("shop.orders");
    private static final TableId AUDIT = TableId.parse("shop.audit");

    private static TopicSettings settings(PartitionBy by) {
        return new TopicSettings("k:9092", "cdc", OptionalInt.of(3), by, Map.of(AUDIT, 2), List.of(ORDERS),
                Duration.ofSeconds(5), "the command line", Map.of());
    }

    @Test
    void listsOffsetsRoutedTablesCountsAndMarksATableOutsideItsPartition() {
        TopicSettings settings = settings(PartitionBy.TABLE);
        Routing routing = settings.routing(3);
        assertEquals(0, TablePartitioner.partitionFor(ORDERS, 3), "the layout below assumes shop.orders in 0");
        int ordersPartition = 0;
        int elsewhere = 1;
        List<PartitionContents> contents = List.of(
                new PartitionContents(new PartitionOffsets(ordersPartition, 0, 5), 0, Map.of(ORDERS, 4L), 1),
                new PartitionContents(new PartitionOffsets(elsewhere, 10, 13), 10, Map.of(ORDERS, 3L), 0),
                new PartitionContents(new PartitionOffsets(2, 0, 300), 200, Map.of(AUDIT, 100L), 0));

        String text = new PartitionReport(settings, routing, contents).text();

        assertTrue(text.startsWith("Topic cdc on k:9092: 3 partitions; routing by table over 3 partitions;"
                + " pins: shop.audit=2"), text);
        assertTrue(text.contains(ordersPartition + "          0      5    5        shop.orders\n"), text);
        assertTrue(text.contains("2          0      300  300      shop.audit\n"), text);
        assertTrue(text.contains(ordersPartition + "          shop.orders    4        " + ordersPartition
                + " (table hash)\n"), text);
        assertTrue(text.contains(ordersPartition + "          (undecodable)  1        -\n"), text);
        assertTrue(text.contains(elsewhere + "          shop.orders    3        " + ordersPartition
                + " (table hash) -- NOT this partition\n"), text);
        assertTrue(text.contains("2          shop.audit     100      2 (pinned)\n"), text);
        assertTrue(text.contains("note: partition 2: counted the last 100 of 300 records (offsets 200 to 299)"), text);
    }

    @Test
    void byKeyOnlyPinnedTablesHaveAPartition() {
        TopicSettings settings = settings(PartitionBy.KEY);
        List<PartitionContents> contents = List.of(
                new PartitionContents(new PartitionOffsets(0, 0, 2), 0, Map.of(ORDERS, 2L), 0),
                new PartitionContents(new PartitionOffsets(1, 0, 0), 0, Map.of(), 0),
                new PartitionContents(new PartitionOffsets(2, 0, 0), 0, Map.of(), 0));

        String text = new PartitionReport(settings, settings.routing(3), contents).text();

        assertTrue(text.contains("0          0      2    2        -\n"), text);
        assertTrue(text.contains("2          0      0    0        shop.audit\n"), text);
        assertTrue(text.contains("0          shop.orders  2        any (key hash)\n"), text);
    }

    @Test
    void jsonHoldsTheSameFacts() {
        TopicSettings settings = settings(PartitionBy.TABLE);
        List<PartitionContents> contents = List.of(
                new PartitionContents(new PartitionOffsets(2, 0, 300), 200, Map.of(AUDIT, 100L), 0));

        JsonNode json = new PartitionReport(settings, settings.routing(3), contents).json();

        JsonNode partition = json.get("partitions").get(0);
        assertEquals("table", json.get("routing").get("partitionBy").asText());
        assertEquals(2, json.get("routing").get("pins").get("shop.audit").asInt());
        assertEquals(300, partition.get("end").asLong());
        assertEquals(100, partition.get("recordsPerTable").get("shop.audit").asLong());
        assertTrue(partition.get("capped").asBoolean());
        assertEquals("shop.audit", partition.get("routedTables").get(0).asText());
    }
}
