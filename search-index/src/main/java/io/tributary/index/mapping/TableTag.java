package io.tributary.index.mapping;

/**
 * The field that names a document's table in an index several tables write to ({@link TableMappings#sharingIndexWith}),
 * so a truncate or a sweep of one of them touches its own documents only. Documents of an index of its own carry
 * no such field.
 */
public final class TableTag {

    /** A keyword: the table as {@code schema.table}. */
    public static final String FIELD = "_tributary_table";

    private TableTag() {
    }
}
