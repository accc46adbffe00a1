package io.tributary.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.model.ChangeEventJson;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScanPageTest {

    private static JsonNode json(String text) {
        try {
            return ChangeEventJson.mapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static String hit(String index, String id, long version, String routing, long sort) {
        return "{\"_index\":\"" + index + "\",\"_id\":\"" + id + "\",\"_version\":" + version
                + (routing == null ? "" : ",\"_routing\":\"" + routing + "\"") + ",\"sort\":[" + sort + "]}";
    }

    private static JsonNode answer(String pitId, String... hits) {
        return json("{\"pit_id\":\"" + pitId + "\",\"timed_out\":false,\"_shards\":{\"failed\":0},"
                + "\"hits\":{\"hits\":[" + String.join(",", hits) + "]}}");
    }

    @Test
    void aPageReadsEachHitsConcreteIndexIdRoutingVersionAndTheNextPointInTime() {
        ScanPage page = ScanPage.read(answer("pit-2", hit("orders-000001", "1", 5, "t-1", 40),
                hit("orders-000002", "k-2", 200, null, 41)), "pit-2");

        assertEquals(List.of(
                new ScanPage.ScannedDocument(new DocumentAddress("orders-000001", "1", "t-1"), 5),
                new ScanPage.ScannedDocument(new DocumentAddress("orders-000002", "k-2", ""), 200)),
                page.documents());
        assertEquals("pit-2", page.cursor());
        assertEquals(json("[41]"), page.searchAfter());
        assertTrue(page.complete());
    }

    @Test
    void aPageWithFewerHitsThanAskedForIsTheLast() {
        ScanPage full = ScanPage.read(answer("pit", hit("o", "a", 5, null, 1), hit("o", "b", 6, null, 2)), "pit");
        ScanPage shorter = ScanPage.read(answer("pit", hit("o", "c", 7, null, 3)), "pit");
        ScanPage empty = ScanPage.read(answer("pit"), "pit");

        assertFalse(full.isLast(2));
        assertTrue(shorter.isLast(2));
        assertTrue(empty.isLast(2));
        assertNull(empty.searchAfter());
    }

    @Test
    void failedShardsOrATimeoutMakeThePageIncomplete() {
        ScanPage failed = ScanPage.read(json("{\"_shards\":{\"failed\":1},\"hits\":{\"hits\":[]}}"), "pit-1");
        ScanPage timedOut = ScanPage.read(json("{\"timed_out\":true,\"hits\":{\"hits\":[]}}"), "pit-1");

        assertFalse(failed.complete());
        assertFalse(timedOut.complete());
        assertEquals("pit-1", failed.cursor());
    }

    @Test
    void aHitWithoutItsVersionIsNotGuessed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScanPage.read(
                json("{\"hits\":{\"hits\":[{\"_index\":\"o\",\"_id\":\"a\",\"sort\":[1]}]}}"), "pit"));
        assertTrue(e.getMessage().contains("\"_id\":\"a\""), e.getMessage());
    }
}
