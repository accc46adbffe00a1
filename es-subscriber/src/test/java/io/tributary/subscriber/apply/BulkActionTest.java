package io.tributary.subscriber.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.index.DocumentAddress;
import io.tributary.index.ScanPage;
import io.tributary.index.ScanPage.ScannedDocument;
import io.tributary.subscriber.events.RowJson;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BulkActionTest {

    private static final RowJson MARKER = DeleteMarkers.document(Instant.parse("2026-12-02T08:00:00Z"));

    private static ScannedDocument scanned(String id, long version, String routing) {
        return new ScannedDocument(new DocumentAddress("o", id, routing), version);
    }

    private static ScanPage page(ScannedDocument... documents) {
        return new ScanPage(List.of(documents), "pit", null, true);
    }

    @Test
    void onlyDocumentsBelowTheSweepsVersionAreMarkedDeletedAtThatVersion() {
        ScanPage page = page(scanned("a", 5, "r"), scanned("b", 40, ""), scanned("c", 100, ""), scanned("d", 200, ""),
                scanned("e", 99, ""));

        List<BulkAction> marks = BulkAction.marksBelow(page, 100, MARKER);

        assertEquals(List.of(BulkAction.markDeleted(new DocumentAddress("o", "a", "r"), 100, MARKER),
                BulkAction.markDeleted(new DocumentAddress("o", "b", ""), 100, MARKER),
                BulkAction.markDeleted(new DocumentAddress("o", "e", ""), 100, MARKER)), marks);
    }

    @Test
    void aPurgeDeletesEachMarkerJustAboveItsOwnVersion() {
        ScanPage page = page(scanned("a", 5, "r"), scanned("b", 400, ""));

        assertEquals(List.of(BulkAction.delete(new DocumentAddress("o", "a", "r"), 6),
                BulkAction.delete(new DocumentAddress("o", "b", ""), 401)), BulkAction.purges(page));
    }

    @Test
    void anEmptyPageMarksNothing() {
        assertEquals(List.of(), BulkAction.marksBelow(page(), 100, MARKER));
    }
}
