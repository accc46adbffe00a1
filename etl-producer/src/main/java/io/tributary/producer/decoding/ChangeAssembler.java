package io.tributary.producer.decoding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.ChangeEvent;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.model.SourceInfo;
import io.tributary.model.TableId;
import io.tributary.producer.decoding.PgOutputMessage.Begin;
import io.tributary.producer.decoding.PgOutputMessage.Column;
import io.tributary.producer.decoding.PgOutputMessage.Commit;
import io.tributary.producer.decoding.PgOutputMessage.Delete;
import io.tributary.producer.decoding.PgOutputMessage.Insert;
import io.tributary.producer.decoding.PgOutputMessage.Relation;
import io.tributary.producer.decoding.PgOutputMessage.Truncate;
import io.tributary.producer.decoding.PgOutputMessage.Update;
import io.tributary.shaping.NumericMode;
import io.tributary.shaping.PgTypes;
import io.tributary.shaping.ValueConverter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns decoded pgoutput messages into {@link ChangeEvent}s: it remembers each table's shape from its Relation
 * message (so a Relation sent mid-stream after DDL applies from the next row on), the open transaction from its
 * Begin, and builds one event per changed row.
 *
 * <p>Key columns come from the Relation message's key flags (the replica identity: the primary key, or a chosen
 * index), never from a catalog query mid-stream. Under REPLICA IDENTITY FULL pgoutput flags every column; the key is
 * then the table's primary key from the {@link PrimaryKeys} loaded at session start, so a row keeps its key (and its
 * document id) whatever the identity, and only a table without a primary key is keyed by every column. The
 * before-image under FULL still carries every column. A row of a table without any key column cannot be addressed
 * downstream and fails with an error naming the table.
 *
 * <p>Not thread-safe: one instance belongs to one replication stream.
 */
public final class ChangeAssembler {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String database;
    private final ValueConverter converter;
    private final PrimaryKeys primaryKeys;
    private final Map<Integer, Relation> relations = new HashMap<>();
    /** Column name to type name per relation, built once per Relation message and shared by its events. */
    private final Map<Integer, Map<String, String>> columnTypes = new HashMap<>();
    private Begin transaction;

    /**
     * An assembler that knows the built-in types only: values of enums, domains, extension types and their arrays
     * keep their text form. {@code numeric} values become strings.
     *
     * @param database the database the slot decodes, named in every event's source
     */
    public ChangeAssembler(String database) {
        this(database, new ValueConverter(PgTypes.builtIn(), NumericMode.STRING));
    }

    /**
     * An assembler that keeps every Relation's key flags as they come (under REPLICA IDENTITY FULL from pgoutput:
     * every column), for Relations whose flags are already the key's.
     *
     * @param database  the database the slot decodes, named in every event's source
     * @param converter turns column values into JSON, with the database's type catalog
     */
    public ChangeAssembler(String database, ValueConverter converter) {
        this(database, converter, PrimaryKeys.none());
    }

    /**
     * @param database    the database the slot decodes, named in every event's source
     * @param converter   turns column values into JSON, with the database's type catalog
     * @param primaryKeys the tables' primary keys, which key the events of REPLICA IDENTITY FULL tables
     */
    public ChangeAssembler(String database, ValueConverter converter, PrimaryKeys primaryKeys) {
        this.database = database;
        this.converter = Objects.requireNonNull(converter, "converter");
        this.primaryKeys = Objects.requireNonNull(primaryKeys, "primaryKeys");
    }

    /**
     * @param message the next message of the stream
     * @param walLsn  the WAL position the server sent with it: for a row change, the change's own LSN
     * @return the change events the message carries: one for a row change, one per table for a truncate, else none
     */
    public List<ChangeEvent> accept(PgOutputMessage message, Lsn walLsn) {
        if (message instanceof Begin begin) {
            transaction = begin;
        } else if (message instanceof Commit) {
            transaction = null;
        } else if (message instanceof Relation relation) {
            relations.put(relation.relationId(), keyedByPrimaryKey(relation));
            columnTypes.put(relation.relationId(), typesOf(relation));
        } else if (message instanceof Insert insert) {
            return List.of(insertEvent(insert, walLsn));
        } else if (message instanceof Update update) {
            return List.of(updateEvent(update, walLsn));
        } else if (message instanceof Delete delete) {
            return List.of(deleteEvent(delete, walLsn));
        } else if (message instanceof Truncate truncate) {
            return truncateEvents(truncate, walLsn);
        }
        return List.of();
    }

    private ChangeEvent insertEvent(Insert insert, Lsn lsn) {
        Relation relation = relation(insert.relationId(), lsn);
        ObjectNode after = row(relation, insert.newTuple(), null, lsn);
        return new ChangeEvent(Operation.CREATE, source(relation, lsn), key(relation, after, lsn), null, after,
                List.of(), columnTypes.get(relation.relationId()));
    }

    private ChangeEvent updateEvent(Update update, Lsn lsn) {
        Relation relation = relation(update.relationId(), lsn);
        ObjectNode before = update.oldTuple() == null ? null : oldRow(relation, update.oldKind(), update.oldTuple(), lsn);
        TupleData fullOldRow = update.oldKind() == 'O' ? update.oldTuple() : null;
        ObjectNode after = row(relation, update.newTuple(), fullOldRow, lsn);
        return new ChangeEvent(Operation.UPDATE, source(relation, lsn), key(relation, after, lsn), before, after,
                unchangedColumns(relation, update.newTuple(), fullOldRow), columnTypes.get(relation.relationId()));
    }

    private ChangeEvent deleteEvent(Delete delete, Lsn lsn) {
        Relation relation = relation(delete.relationId(), lsn);
        ObjectNode before = oldRow(relation, delete.oldKind(), delete.oldTuple(), lsn);
        return new ChangeEvent(Operation.DELETE, source(relation, lsn), key(relation, before, lsn), before, null);
    }

    private List<ChangeEvent> truncateEvents(Truncate truncate, Lsn lsn) {
        List<ChangeEvent> events = new ArrayList<>(truncate.relationIds().size());
        for (int relationId : truncate.relationIds()) {
            Relation relation = relation(relationId, lsn);
            events.add(new ChangeEvent(Operation.TRUNCATE, source(relation, lsn), NODES.objectNode(), null, null));
        }
        return events;
    }

    /**
     * The Relation with the primary key's columns flagged when it is REPLICA IDENTITY FULL (pgoutput flags every
     * column then) and the table has a primary key whose columns it sends; otherwise the Relation as it came.
     */
    private Relation keyedByPrimaryKey(Relation relation) {
        if (relation.replicaIdentity() != 'f') {
            return relation;
        }
        Set<String> primaryKey = primaryKeys.of(tableId(relation));
        Set<String> sent = relation.columns().stream().map(Column::name).collect(Collectors.toSet());
        if (primaryKey.isEmpty() || !sent.containsAll(primaryKey)) {
            return relation;
        }
        List<Column> columns = relation.columns().stream()
                .map(c -> new Column(primaryKey.contains(c.name()), c.name(), c.typeOid(), c.typeModifier()))
                .toList();
        return new Relation(relation.relationId(), relation.namespace(), relation.name(), relation.replicaIdentity(),
                columns);
    }

    /** The old row: under 'K' only the key columns carry values, so only those are kept. */
    private ObjectNode oldRow(Relation relation, char kind, TupleData tuple, Lsn lsn) {
        ObjectNode row = row(relation, tuple, null, lsn);
        if (kind == 'K') {
            for (Column column : relation.columns()) {
                if (!column.key()) {
                    row.remove(column.name());
                }
            }
        }
        return row;
    }

    private Map<String, String> typesOf(Relation relation) {
        Map<String, String> types = new LinkedHashMap<>();
        for (Column column : relation.columns()) {
            types.put(column.name(), converter.typeName(column.typeOid()));
        }
        return Collections.unmodifiableMap(types);
    }

    /** The columns PostgreSQL sent as unchanged TOAST that the full old row (if any) could not fill in. */
    private static List<String> unchangedColumns(Relation relation, TupleData tuple, TupleData fullOldRow) {
        List<String> unchanged = new ArrayList<>(0);
        for (int i = 0; i < tuple.values().size(); i++) {
            if (tuple.values().get(i) instanceof TupleData.UnchangedToast
                    && (fullOldRow == null || !(fullOldRow.values().get(i) instanceof TupleData.Text
                    || fullOldRow.values().get(i) instanceof TupleData.Null))) {
                unchanged.add(relation.columns().get(i).name());
            }
        }
        return unchanged;
    }

    /**
     * A row image. An unchanged TOASTed value is taken from the full old row when PostgreSQL sent one (REPLICA
     * IDENTITY FULL); otherwise the column is left out, never given a placeholder, and the event lists it as
     * unchanged ({@link #unchangedColumns}).
     */
    private ObjectNode row(Relation relation, TupleData tuple, TupleData fullOldRow, Lsn lsn) {
        List<Column> columns = relation.columns();
        if (tuple.values().size() != columns.size()) {
            throw new UndecodableMessageException(lsn, "a row of " + tableId(relation) + " has "
                    + tuple.values().size() + " values but its Relation message has " + columns.size() + " columns");
        }
        ObjectNode row = NODES.objectNode();
        for (int i = 0; i < columns.size(); i++) {
            Column column = columns.get(i);
            TupleData.Value value = tuple.values().get(i);
            if (value instanceof TupleData.UnchangedToast) {
                value = fullOldRow == null ? null : fullOldRow.values().get(i);
                if (value == null || value instanceof TupleData.UnchangedToast) {
                    continue;
                }
            }
            row.set(column.name(), convert(relation, column, value, lsn));
        }
        return row;
    }

    private JsonNode convert(Relation relation, Column column, TupleData.Value value, Lsn lsn) {
        if (value instanceof TupleData.Text text) {
            try {
                return converter.convert(column.typeOid(), text.text());
            } catch (IllegalArgumentException e) {
                throw new UndecodableMessageException(lsn, "column " + column.name() + " of " + tableId(relation)
                        + " (type oid " + column.typeOid() + "): " + e.getMessage(), e);
            }
        }
        return NODES.nullNode();
    }

    private ObjectNode key(Relation relation, ObjectNode row, Lsn lsn) {
        ObjectNode key = NODES.objectNode();
        for (Column column : relation.columns()) {
            if (column.key()) {
                JsonNode value = row.get(column.name());
                if (value == null) {
                    throw new UndecodableMessageException(lsn, "key column " + column.name() + " of "
                            + tableId(relation) + " has no value in the change");
                }
                key.set(column.name(), value);
            }
        }
        if (key.isEmpty()) {
            throw new UnkeyedTableException(tableId(relation), lsn);
        }
        return key;
    }

    private SourceInfo source(Relation relation, Lsn lsn) {
        if (transaction == null) {
            throw new UndecodableMessageException(lsn, "a change of " + tableId(relation) + " outside a transaction");
        }
        return new SourceInfo(database, schemaOf(relation), relation.name(), lsn, transaction.finalLsn(),
                transaction.xid(), transaction.commitTimestamp());
    }

    private Relation relation(int relationId, Lsn lsn) {
        Relation relation = relations.get(relationId);
        if (relation == null) {
            throw new UndecodableMessageException(lsn, "a change of relation id " + relationId
                    + " arrived before its Relation message");
        }
        return relation;
    }

    private static TableId tableId(Relation relation) {
        return new TableId(schemaOf(relation), relation.name());
    }

    /** pgoutput sends an empty namespace for pg_catalog. */
    private static String schemaOf(Relation relation) {
        return relation.namespace().isEmpty() ? "pg_catalog" : relation.namespace();
    }
}
