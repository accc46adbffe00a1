package io.tributary.subscriber.apply;

import io.tributary.subscriber.events.RowJson;

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

    /** True when the operation writes a document (a row's or a marker): a bulk {@code index}. */
    boolean isIndex() {
        return kind != Kind.DELETE;
    }
}
