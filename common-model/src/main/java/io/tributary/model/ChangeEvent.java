package io.tributary.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One row change, as it travels through Kafka from the producer to the subscriber.
 *
 * <p>Row images are JSON objects (column name to value) already converted from PostgreSQL's types, so both services
 * and any other reader of the topic agree on the values. Treat the nodes as immutable.
 *
 * @param op     what happened
 * @param source where and when it happened
 * @param key    the row's key columns and their values, in key order; never empty for
 *               {@link Operation#CREATE}, {@link Operation#UPDATE}, {@link Operation#DELETE} and {@link Operation#READ}
 * @param before the row before the change (for deletes at least the key; the whole row with REPLICA IDENTITY FULL);
 *               null when PostgreSQL did not send it
 * @param after  the row after the change; null for deletes and truncates
 */
public record ChangeEvent(Operation op, SourceInfo source, ObjectNode key, ObjectNode before, ObjectNode after) {

    public ChangeEvent {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(key, "key");
        boolean needsKey = op != Operation.TRUNCATE;
        if (needsKey && key.isEmpty()) {
            throw new IllegalArgumentException("a '" + op.code() + "' event of " + source.tableId()
                    + " at " + source.lsn() + " has no key columns");
        }
        boolean needsAfter = op == Operation.CREATE || op == Operation.UPDATE || op == Operation.READ;
        if (needsAfter && after == null) {
            throw new IllegalArgumentException("a '" + op.code() + "' event of " + source.tableId()
                    + " at " + source.lsn() + " has no 'after' row");
        }
    }

    public TableId tableId() {
        return source.tableId();
    }
}
