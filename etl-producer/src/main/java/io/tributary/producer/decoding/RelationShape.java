package io.tributary.producer.decoding;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.Lsn;
import io.tributary.model.TableId;
import io.tributary.producer.decoding.ReplicationMessage.Column;
import io.tributary.producer.decoding.ReplicationMessage.Relation;
import io.tributary.shaping.ColumnValueException;
import io.tributary.shaping.RowShape;
import io.tributary.shaping.TableColumn;
import io.tributary.shaping.ValueConverter;
import io.tributary.shaping.ValueWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One table's shape as its Relation message describes it, prepared once per Relation for every row that follows:
 * each column's name already encoded for JSON, its {@link ValueWriter}, and the column type names events carry.
 * It turns a row's decoded values into a row image, written straight into an event ({@link #writeRow}) or as a tree
 * ({@link #treeRow}) — the same values either way, converted by the same {@link ValueConverter}; trees and keys by the
 * table's {@link RowShape}, as the verifier converts the rows it reads.
 *
 * <p>An unchanged TOASTed value is taken from the full old row when PostgreSQL sent one (REPLICA IDENTITY FULL);
 * otherwise the column is left out, never given a placeholder, and the event lists it as unchanged
 * ({@link #unchangedColumns}). A value that does not fit its type throws {@link UndecodableMessageException} naming
 * the column, the table, the type and the LSN. Immutable.
 */
public final class RelationShape {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Relation relation;
    private final TableId table;
    private final RowShape rows;
    private final SerializableString[] names;
    private final ValueWriter[] writers;
    private final Map<String, String> types;
    private final SerializableString typesJson;

    public RelationShape(Relation relation, ValueConverter converter) {
        this.relation = relation;
        this.table = new TableId(schemaOf(relation), relation.name());
        List<Column> columns = relation.columns();
        this.rows = new RowShape(table, columns.stream()
                .map(column -> new TableColumn(column.name(), column.typeOid(), column.typeModifier(), column.key()))
                .toList(), converter);
        this.names = new SerializableString[columns.size()];
        this.writers = new ValueWriter[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            names[i] = new SerializedString(columns.get(i).name());
            writers[i] = converter.writerFor(columns.get(i).typeOid());
        }
        this.types = rows.types();
        try {
            this.typesJson = new SerializedString(ChangeEventJson.mapper().writeValueAsString(types));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the column types of " + table + " as JSON", e);
        }
    }

    public TableId table() {
        return table;
    }

    /** Column name to type name, in column order. */
    Map<String, String> types() {
        return types;
    }

    /** {@link #types()} as JSON, written once for every event of the table. */
    public SerializableString typesJson() {
        return typesJson;
    }

    /**
     * Writes a row image as a JSON object.
     *
     * @param fullOldRow   the full old row of an update under REPLICA IDENTITY FULL, for unchanged TOASTed values;
     *                     else null
     * @param keyColumnsOnly write the key columns only (an old row sent with REPLICA IDENTITY DEFAULT or an index)
     */
    void writeRow(JsonGenerator out, TupleData tuple, TupleData fullOldRow, boolean keyColumnsOnly, Lsn lsn)
            throws IOException {
        List<Column> columns = checkedColumns(tuple, lsn);
        out.writeStartObject();
        for (int i = 0; i < columns.size(); i++) {
            if (keyColumnsOnly && !columns.get(i).key()) {
                continue;
            }
            TupleData.Value value = resolved(tuple, fullOldRow, i);
            if (value == null) {
                continue;
            }
            out.writeFieldName(names[i]);
            if (value instanceof TupleData.Text text) {
                try {
                    if (text.utf8() != null) {
                        writers[i].writeUtf8(out, text.utf8(), text.offset(), text.length());
                    } else {
                        writers[i].write(out, text.text());
                    }
                } catch (IllegalArgumentException e) {
                    throw new UndecodableMessageException(lsn, rows.invalid(i, e).getMessage(), e);
                }
            } else {
                out.writeNull();
            }
        }
        out.writeEndObject();
    }

    /** The row image {@link #writeRow} writes, as a tree. */
    ObjectNode treeRow(TupleData tuple, TupleData fullOldRow, boolean keyColumnsOnly, Lsn lsn) {
        List<Column> columns = checkedColumns(tuple, lsn);
        ObjectNode row = NODES.objectNode();
        for (int i = 0; i < columns.size(); i++) {
            if (keyColumnsOnly && !columns.get(i).key()) {
                continue;
            }
            TupleData.Value value = resolved(tuple, fullOldRow, i);
            if (value != null) {
                row.set(columns.get(i).name(), node(i, value, lsn));
            }
        }
        return row;
    }

    /**
     * The row's key columns and their values.
     *
     * @throws UndecodableMessageException when a key column has no value in the change
     * @throws UnkeyedTableException       when the table has no key column
     */
    public ObjectNode key(TupleData tuple, TupleData fullOldRow, Lsn lsn) {
        List<Column> columns = checkedColumns(tuple, lsn);
        ObjectNode key = NODES.objectNode();
        for (int i = 0; i < columns.size(); i++) {
            Column column = columns.get(i);
            if (column.key()) {
                TupleData.Value value = resolved(tuple, fullOldRow, i);
                if (value == null) {
                    throw new UndecodableMessageException(lsn, "key column " + column.name() + " of " + table
                            + " has no value in the change");
                }
                key.set(column.name(), node(i, value, lsn));
            }
        }
        if (key.isEmpty()) {
            throw new UnkeyedTableException(table, lsn);
        }
        return key;
    }

    /** The columns PostgreSQL sent as unchanged TOAST that the full old row (if any) could not fill in. */
    List<String> unchangedColumns(TupleData tuple, TupleData fullOldRow) {
        List<String> unchanged = null;
        for (int i = 0; i < tuple.values().size(); i++) {
            if (tuple.values().get(i) instanceof TupleData.UnchangedToast && resolved(tuple, fullOldRow, i) == null) {
                if (unchanged == null) {
                    unchanged = new ArrayList<>(2);
                }
                unchanged.add(relation.columns().get(i).name());
            }
        }
        return unchanged == null ? List.of() : unchanged;
    }

    /** The value of column {@code i}, an unchanged TOASTed one from the full old row; null when there is none. */
    private static TupleData.Value resolved(TupleData tuple, TupleData fullOldRow, int i) {
        TupleData.Value value = tuple.values().get(i);
        if (value instanceof TupleData.UnchangedToast) {
            value = fullOldRow == null ? null : fullOldRow.values().get(i);
            if (value instanceof TupleData.UnchangedToast) {
                return null;
            }
        }
        return value;
    }

    /** The value of column {@code i} as JSON, converted by the table's {@link RowShape}. */
    private JsonNode node(int i, TupleData.Value value, Lsn lsn) {
        if (value instanceof TupleData.Text text) {
            try {
                return rows.value(i, text.text());
            } catch (ColumnValueException e) {
                throw new UndecodableMessageException(lsn, e.getMessage(), e);
            }
        }
        return NODES.nullNode();
    }

    private List<Column> checkedColumns(TupleData tuple, Lsn lsn) {
        List<Column> columns = relation.columns();
        if (tuple.values().size() != columns.size()) {
            throw new UndecodableMessageException(lsn, "a row of " + table + " has " + tuple.values().size()
                    + " values but its Relation message has " + columns.size() + " columns");
        }
        return columns;
    }

    /** pgoutput sends an empty namespace for pg_catalog. */
    static String schemaOf(Relation relation) {
        return relation.namespace().isEmpty() ? "pg_catalog" : relation.namespace();
    }
}
