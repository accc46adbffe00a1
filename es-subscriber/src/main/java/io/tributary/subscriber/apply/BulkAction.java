package io.tributary.subscriber.apply;

import io.tributary.index.DocumentAddress;
import io.tributary.index.ScanPage;
import io.tributary.subscriber.events.RowJson;
import java.util.ArrayList;
import java.util.List;

/**
 * One operation of a bulk request at {@code address}, with {@code version_type=external} and the change's LSN as
 * {@code version} (so a stale change never overwrites a newer one): index a row's document, mark the row deleted (index
 * a {@linkplain DeleteMarkers delete marker}: a row change never really deletes), or really delete a document (only
 * {@link DeleteMarkerPurge} does, to remove markers no older write can reach any more).
 *
 * @param document what an index or a mark writes; null for a delete
 */
record BulkAction(Kind kind, DocumentAddress address, long version, RowJson document) {

    /** What the operation does. */
    enum Kind {
        INDEX("index", "index"), MARK_DELETED("index", "delete"), DELETE("delete", "purge");

        private final String action;
        private final String label;

        Kind(String action, String label) {
            this.action = action;
            this.label = label;
        }

        /** The operation's name in a bulk request and its answer. */
        String action() {
            return action;
        }

        /** What it does to the row, as metrics tag it: {@code index}, {@code delete}, or {@code purge}. */
        String label() {
            return label;
        }
    }

    BulkAction {
        if ((kind != Kind.DELETE) != (document != null)) {
            throw new IllegalArgumentException("an index or mark carries a document, a delete none: " + kind + " "
                    + address);
        }
    }

    static BulkAction index(DocumentAddress address, long version, RowJson document) {
        return new BulkAction(Kind.INDEX, address, version, document);
    }

    /** Marks the row at {@code address} deleted: indexes {@code marker} ({@link DeleteMarkers#document}). */
    static BulkAction markDeleted(DocumentAddress address, long version, RowJson marker) {
        return new BulkAction(Kind.MARK_DELETED, address, version, marker);
    }

    static BulkAction delete(DocumentAddress address, long version) {
        return new BulkAction(Kind.DELETE, address, version, null);
    }

    /**
     * A {@linkplain #markDeleted mark} at {@code version} ({@code version_type=external}) of each document of
     * {@code page} whose version is below it, at the document's own index and routing; documents at {@code version}
     * or above are left alone.
     */
    static List<BulkAction> marksBelow(ScanPage page, long version, RowJson marker) {
        List<BulkAction> marks = new ArrayList<>();
        for (ScanPage.ScannedDocument document : page.documents()) {
            if (document.version() < version) {
                marks.add(markDeleted(document.address(), version, marker));
            }
        }
        return marks;
    }

    /**
     * A real delete of each document of {@code page} (delete markers, by the purge's query), at its version + 1: above
     * the marker, and never a real change's version (a WAL position is 8-byte aligned), so a row written again since
     * the scan (a higher version) answers 409 and stays.
     */
    static List<BulkAction> purges(ScanPage page) {
        List<BulkAction> deletes = new ArrayList<>(page.documents().size());
        for (ScanPage.ScannedDocument document : page.documents()) {
            deletes.add(delete(document.address(), document.version() + 1));
        }
        return deletes;
    }

    /** True when the operation writes a document (a row's or a marker): a bulk {@code index}. */
    boolean isIndex() {
        return kind != Kind.DELETE;
    }
}
