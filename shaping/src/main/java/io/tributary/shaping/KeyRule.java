package io.tributary.shaping;

/**
 * Which columns key a table's rows — the change events' {@code key}, every document's {@code _id} — as one SQL
 * expression over the catalog, so the producer, the joined documents and the verifier ask PostgreSQL the same
 * question: the primary key under REPLICA IDENTITY DEFAULT and FULL alike (changing the identity never changes a
 * row's document id); the index's columns under USING INDEX (a delete carries only those); every column under FULL
 * when the table has no primary key; none otherwise (NOTHING, or DEFAULT without a primary key).
 */
public final class KeyRule {

    /** A boolean SQL expression: whether column {@code a} (pg_attribute) of table {@code c} (pg_class) is a key column. */
    public static final String IS_KEY_COLUMN = """
            CASE c.relreplident
                WHEN 'i' THEN EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisreplident
                                                                 AND a.attnum = ANY (i.indkey))
                WHEN 'd' THEN EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary
                                                                 AND a.attnum = ANY (i.indkey))
                WHEN 'f' THEN EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary
                                                                 AND a.attnum = ANY (i.indkey))
                              OR NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)
                ELSE false
            END""";

    private KeyRule() {
    }
}
