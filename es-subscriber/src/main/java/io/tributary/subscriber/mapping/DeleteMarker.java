package io.tributary.subscriber.mapping;

/** The field whose presence marks a stored document as the record of a deleted row (docs/design.md, "Deletes"). */
public final class DeleteMarker {

    /** A date: when the subscriber applied the delete; its presence alone makes the document a delete marker. */
    public static final String DELETED_FIELD = "_tributary_deleted";

    private DeleteMarker() {
    }
}
