package io.tributary.subscriber.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.index.DocumentAddress;
import io.tributary.index.ScanPage;
import io.tributary.model.ChangeEventJson;
import io.tributary.subscriber.decode.RowJson;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BulkActionTest {

    private static final RowJson MARKER = DeleteMarkers.document(Instant.parse("2026-12-02T08:00:00Z"));

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
    void onlyDocumentsBelowTheSweepsVersionAreMarkedDeletedAtThatVersion() {
        ScanPage page = ScanPage.read(answer("pit", hit("o", "a", 5, "r", 1), hit("o", "b", 40, null, 2),
                hit("o", "c", 100, null, 3), hit("o", "d", 200, null, 4), hit("o", "e", 99, null, 5)), "pit");

        List<BulkAction> marks = BulkAction.marksBelow(page, 100, MARKER);

        assertEquals(List.of(BulkAction.markDeleted(new DocumentAddress("o", "a", "r"), 100, MARKER),
                BulkAction.markDeleted(new DocumentAddress("o", "b", ""), 100, MARKER),
                BulkAction.markDeleted(new DocumentAddress("o", "e", ""), 100, MARKER)), marks);
    }

    @Test
    void aPurgeDeletesEachMarkerJustAboveItsOwnVersion() {
        ScanPage page = ScanPage.read(answer("pit", hit("o", "a", 5, "r", 1), hit("o", "b", 400, null, 2)), "pit");

        assertEquals(List.of(BulkAction.delete(new DocumentAddress("o", "a", "r"), 6),
                BulkAction.delete(new DocumentAddress("o", "b", ""), 401)), BulkAction.purges(page));
    }

    @Test
    void anEmptyPageMarksNothing() {
        assertEquals(List.of(), BulkAction.marksBelow(ScanPage.read(answer("pit"), "pit"), 100, MARKER));
    }
}
