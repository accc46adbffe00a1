package io.tributary.producer.decoding;

import io.tributary.model.Lsn;
import io.tributary.model.TableId;

/**
 * A change of a table whose rows cannot be told apart downstream: it has no primary key and its replica identity
 * names no column. The message says how to fix the table.
 */
public final class UnkeyedTableException extends RuntimeException {

    public UnkeyedTableException(TableId table, Lsn lsn) {
        super("table " + table + " has no primary key and no replica identity columns, so its change at " + lsn
                + " cannot be addressed in Elasticsearch; add a primary key, or run ALTER TABLE " + table
                + " REPLICA IDENTITY FULL (or USING INDEX on a unique index). PostgreSQL decodes the changes already"
                + " in the WAL as the table was when they were made, so this one stops the producer again until its"
                + " slot is gone: once the table has a key, drop the slot and restart with"
                + " tributary.postgres.on-slot-loss = recreate");
    }
}
