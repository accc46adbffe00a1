package io.tributary.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * @param after  the row after the change; null for deletes, truncates and sweeps
 * @param unchanged columns of an update whose values PostgreSQL did not send because they did not change (large
 *               TOASTed values without REPLICA IDENTITY FULL): they are absent from {@code after}, and a reader
 *               must keep the values it already has; empty when every column is in {@code after}
 * @param types  each column's PostgreSQL type name as the catalog spells it ({@code int4}, {@code numeric},
 *               {@code timestamptz}, {@code _text} for an array of text; a domain by its base type), in column
 *               order, so readers can choose a mapping without access to the database; empty when unknown
 */
public record ChangeEvent(Operation op, SourceInfo source, ObjectNode key, ObjectNode before, ObjectNode after,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> unchanged,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> types)
        implements ChangeRecord {

    /** An event whose {@code after} holds every column, without type names. */
    public ChangeEvent(Operation op, SourceInfo source, ObjectNode key, ObjectNode before, ObjectNode after) {
        this(op, source, key, before, after, List.of(), Map.of());
    }

    /** An event without type names. */
    public ChangeEvent(Operation op, SourceInfo source, ObjectNode key, ObjectNode before, ObjectNode after,
                       List<String> unchanged) {
        this(op, source, key, before, after, unchanged, Map.of());
    }

    public ChangeEvent {
        unchanged = unchanged == null ? List.of() : List.copyOf(unchanged);
        types = types == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(types));
        requireWellFormed(op, source, key, after != null);
    }

    /**
     * The invariants of every change event, whatever form its rows take: an operation, a source, a key — with at
     * least one column unless it is a truncate or sweep — and an {@code after} row for inserts, updates and reads.
     *
     * @throws NullPointerException     naming the missing field
     * @throws IllegalArgumentException naming the operation, table and LSN of an event without key or row
     */
    public static void requireWellFormed(Operation op, SourceInfo source, ObjectNode key, boolean hasAfter) {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(key, "key");
        boolean needsKey = op.isRowChange();
        if (needsKey && key.isEmpty()) {
            throw new IllegalArgumentException("a '" + op.code() + "' event of " + source.tableId()
                    + " at " + source.lsn() + " has no key columns");
        }
        boolean needsAfter = op == Operation.CREATE || op == Operation.UPDATE || op == Operation.READ;
        if (needsAfter && !hasAfter) {
            throw new IllegalArgumentException("a '" + op.code() + "' event of " + source.tableId()
                    + " at " + source.lsn() + " has no 'after' row");
        }
    }

    @Override
    @JsonIgnore
    public ObjectNode oldKey() {
        if (op != Operation.UPDATE || before == null) {
            return null;
        }
        ObjectNode old = before.objectNode();
        for (Iterator<String> columns = key.fieldNames(); columns.hasNext(); ) {
            String column = columns.next();
            JsonNode value = before.get(column);
            if (value == null) {
                return null;
            }
            old.set(column, value);
        }
        return old.equals(key) ? null : old;
    }

    @Override
    @JsonIgnore
    public TableId tableId() {
        return source.tableId();
    }

    @Override
    public void writeBefore(JsonGenerator out) throws IOException {
        ChangeEventJson.writeRow(out, before);
    }

    @Override
    public void writeAfter(JsonGenerator out) throws IOException {
        ChangeEventJson.writeRow(out, after);
    }

    @Override
    public ChangeEvent toEvent() {
        return this;
    }
}
