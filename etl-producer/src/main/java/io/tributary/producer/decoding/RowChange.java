package io.tributary.producer.decoding;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeRecord;
import io.tributary.model.Operation;
import io.tributary.model.SourceInfo;
import io.tributary.model.TableId;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A streamed row change (insert, update or delete), or a snapshot's read of a row, with its rows still the decoded column values: they are converted
 * once, while the event is written ({@link io.tributary.model.ChangeEventJson#encode(ChangeRecord)}), or into trees
 * by {@link #toEvent()} — the same values either way. The key is converted at once, since routing needs it.
 *
 * @param op          insert, update, delete or read
 * @param source      where and when
 * @param key         the row's key
 * @param shape       the table's shape when the change was decoded
 * @param before      the old row PostgreSQL sent, or null
 * @param beforeIsKey whether {@code before} holds only the key columns (REPLICA IDENTITY DEFAULT or an index)
 * @param after       the new row, or null for a delete
 * @param fullOldRow  the full old row of an update under REPLICA IDENTITY FULL, which fills in unchanged TOASTed
 *                    values of {@code after}; else null
 * @param unchanged   the columns of {@code after} PostgreSQL did not send and {@code fullOldRow} could not fill in
 */
public record RowChange(Operation op, SourceInfo source, ObjectNode key, RelationShape shape, TupleData before,
                 boolean beforeIsKey, TupleData after, TupleData fullOldRow, List<String> unchanged)
        implements ChangeRecord {

    @Override
    public TableId tableId() {
        return shape.table();
    }

    /** A snapshot's read of a row: {@code op = r}, the whole row as its after image, no before. */
    public static RowChange read(SourceInfo source, ObjectNode key, RelationShape shape, TupleData row) {
        return new RowChange(Operation.READ, source, key, shape, null, false, row, null, List.of());
    }

    /** Column types travel with inserts and updates, which create or refresh documents; not with deletes. */
    @Override
    public Map<String, String> types() {
        return after == null ? Map.of() : shape.types();
    }

    @Override
    public void writeTypes(JsonGenerator out) throws IOException {
        out.writeRawValue(shape.typesJson());
    }

    @Override
    public void writeBefore(JsonGenerator out) throws IOException {
        if (before == null) {
            out.writeNull();
        } else {
            shape.writeRow(out, before, null, beforeIsKey, source.lsn());
        }
    }

    @Override
    public void writeAfter(JsonGenerator out) throws IOException {
        if (after == null) {
            out.writeNull();
        } else {
            shape.writeRow(out, after, fullOldRow, false, source.lsn());
        }
    }

    /** The before-image's key columns, when an update sent one and they differ from the new key. */
    @Override
    public ObjectNode oldKey() {
        if (op != Operation.UPDATE || before == null) {
            return null;
        }
        ObjectNode old = shape.key(before, null, source.lsn());
        return old.equals(key) ? null : old;
    }

    @Override
    public ChangeEvent toEvent() {
        ObjectNode beforeRow = before == null ? null : shape.treeRow(before, null, beforeIsKey, source.lsn());
        ObjectNode afterRow = after == null ? null : shape.treeRow(after, fullOldRow, false, source.lsn());
        return new ChangeEvent(op, source, key, beforeRow, afterRow, unchanged, types());
    }
}
