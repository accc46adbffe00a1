package io.tributary.producer.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.ChangeEvent;
import io.tributary.model.Operation;
import io.tributary.model.SourceInfo;
import io.tributary.producer.decoding.ReplicationMessage.Column;
import io.tributary.shaping.ValueConverter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a snapshot row (each column's value in PostgreSQL's text form, or null) into an {@code op = r} event that
 * equals what the stream would send for the same row: the same value conversion, key columns and type names.
 * Thread-safe once built (one per table and reader).
 */
final class ReadEvents {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final SnapshotTable table;
    private final ValueConverter converter;
    private final SourceInfo source;
    private final Map<String, String> types;

    ReadEvents(SnapshotTable table, ValueConverter converter, SnapshotPoint point) {
        this.table = table;
        this.converter = converter;
        this.source = new SourceInfo(point.database(), table.table().schema(), table.table().table(),
                point.version(), point.commitLsn(), 0, point.startedAt());
        Map<String, String> names = new LinkedHashMap<>();
        for (Column column : table.relation().columns()) {
            names.put(column.name(), converter.typeName(column.typeOid()));
        }
        this.types = Collections.unmodifiableMap(names);
    }

    /**
     * @param values the relation's columns' values in order, text or null (further values are ignored)
     * @throws IllegalStateException naming the table and column when a value does not fit its type, or when the
     *                               table has no key columns
     */
    ChangeEvent eventFor(List<String> values) {
        List<Column> columns = table.relation().columns();
        ObjectNode after = NODES.objectNode();
        ObjectNode key = NODES.objectNode();
        for (int i = 0; i < columns.size(); i++) {
            Column column = columns.get(i);
            JsonNode value = convert(column, values.get(i));
            after.set(column.name(), value);
            if (column.key()) {
                key.set(column.name(), value);
            }
        }
        if (key.isEmpty()) {
            throw new IllegalStateException("table " + table.table() + " has no primary key and no replica identity"
                    + " columns, so its rows cannot be keyed: add a primary key, ALTER TABLE " + table.table()
                    + " REPLICA IDENTITY FULL (or USING INDEX), or set tributary.postgres.replica-identity = full");
        }
        return new ChangeEvent(Operation.READ, source, key, null, after, List.of(), types);
    }

    private JsonNode convert(Column column, String text) {
        if (text == null) {
            return NODES.nullNode();
        }
        try {
            return converter.convert(column.typeOid(), text);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("snapshot of " + table.table() + ": column " + column.name()
                    + " (type oid " + column.typeOid() + "): " + e.getMessage(), e);
        }
    }
}
