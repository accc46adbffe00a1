package io.tributary.subscriber.mapping;

/** The document that stands for a deleted row: its only field, {@value #DELETED_FIELD}, holds when it was deleted. */
public final class DeleteMarker {

    public static final String DELETED_FIELD = "_tributary_deleted";
}
