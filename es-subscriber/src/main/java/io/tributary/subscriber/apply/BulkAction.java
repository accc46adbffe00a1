package io.tributary.subscriber.apply;

import io.tributary.subscriber.decode.RowJson;

/**
 * One operation of a bulk request: index a document, or delete one, at {@code address}, with
 * {@code version_type=external} and the change's LSN as {@code version} (so a stale change never overwrites a newer
 * one).
 *
 * @param document what an index writes; null for a delete
 */
record BulkAction(Kind kind, DocumentAddress address, long version, RowJson document) {

    /** What the operation does, by its name in the bulk API. */
    enum Kind {
        INDEX("index"), DELETE("delete");

        private final String action;

        Kind(String action) {
            this.action = action;
        }

        /** The operation's name in a bulk request and its answer. */
        String action() {
            return action;
        }
    }

    BulkAction {
        if ((kind == Kind.INDEX) != (document != null)) {
            throw new IllegalArgumentException("an index carries a document, a delete none: " + kind + " " + address);
        }
    }

    static BulkAction index(DocumentAddress address, long version, RowJson document) {
        return new BulkAction(Kind.INDEX, address, version, document);
    }

    static BulkAction delete(DocumentAddress address, long version) {
        return new BulkAction(Kind.DELETE, address, version, null);
    }

    boolean isIndex() {
        return kind == Kind.INDEX;
    }
}
