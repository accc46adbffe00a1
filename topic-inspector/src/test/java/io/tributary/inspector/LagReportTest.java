package io.tributary.inspector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.inspector.PartitionLag.Owner;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class LagReportTest {

    private static final Owner OWNER = new Owner("member-1", "tributary-es-subscriber", "/127.0.0.1");

    private final LagReport report = new LagReport("g", "k:9092", "Stable", 1, List.of(
            new PartitionLag("cdc", 1, OptionalLong.empty(), 4, Optional.empty()),
            new PartitionLag("cdc", 0, OptionalLong.of(7), 10, Optional.of(OWNER))));

    @Test
    void lagIsEndMinusCommittedAndUnknownWithoutACommit() {
        assertEquals(OptionalLong.of(3), report.partitions().get(0).lag());
        assertEquals(OptionalLong.empty(), report.partitions().get(1).lag());
        assertEquals(3, report.totalLag());
    }

    @Test
    void textListsPartitionsInOrderWithTheirOwners() {
        String text = report.text();

        assertTrue(text.startsWith("Consumer group g on k:9092: state Stable, 1 member\n"), text);
        assertTrue(text.contains("""
                TOPIC  PARTITION  COMMITTED  END  LAG  MEMBER    CLIENT                   HOST
                cdc    0          7          10   3    member-1  tributary-es-subscriber  /127.0.0.1
                cdc    1          -          4    -    -         -                        -
                """), text);
        assertTrue(text.contains("Total lag: 3 records (partitions without a committed offset"), text);
    }

    @Test
    void jsonHasNullsWhereTextHasDashes() {
        JsonNode json = report.json();

        assertEquals(3, json.get("totalLag").asLong());
        assertEquals("member-1", json.get("partitions").get(0).get("member").get("memberId").asText());
        assertTrue(json.get("partitions").get(1).get("committed").isNull());
        assertTrue(json.get("partitions").get(1).get("member").isNull());
    }
}
