package io.tributary.producer.decoding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeRecord;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.model.SourceInfo;
import io.tributary.model.TableId;
import io.tributary.producer.decoding.ReplicationMessage.Begin;
import io.tributary.producer.decoding.ReplicationMessage.Column;
import io.tributary.producer.decoding.ReplicationMessage.Commit;
import io.tributary.producer.decoding.ReplicationMessage.Delete;
import io.tributary.producer.decoding.ReplicationMessage.Insert;
import io.tributary.producer.decoding.ReplicationMessage.Relation;
import io.tributary.producer.decoding.ReplicationMessage.Truncate;
import io.tributary.producer.decoding.ReplicationMessage.Update;
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
 * Turns decoded pgoutput messages into change records: it remembers each table's shape from its Relation message
 * ({@link RelationShape}, so a Relation sent mid-stream after DDL applies from the next row on), the open transaction
 * from its Begin, and builds one record per changed row. A row's values are converted once, when its record is
 * written into the event's bytes ({@link RowChange}); only its key is converted here. A value that does not fit its
 * type therefore fails when the record is encoded, before anything of it is sent, naming column, table and LSN.
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
    /** Each table's shape from its latest Relation message, by relation id. */
    private final Map<Integer, RelationShape> shapes = new HashMap<>();
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
     * @return the changes the message carries: one for a row change (its rows written when the record is encoded,
     *         see {@link RowChange}), one event per table for a truncate, else none
     * @throws UndecodableMessageException when the message does not fit what came before it (a change without its
     *                                     Relation or outside a transaction, a key column without a value)
     */
    public List<ChangeRecord> accept(ReplicationMessage message, Lsn walLsn) {
        if (message instanceof Begin begin) {
            transaction = begin;
        } else if (message instanceof Commit) {
            transaction = null;
        } else if (message instanceof Relation relation) {
            shapes.put(relation.relationId(), new RelationShape(keyedByPrimaryKey(relation), converter));
        } else if (message instanceof Insert insert) {
            RelationShape shape = shape(insert.relationId(), walLsn);
            return List.of(new RowChange(Operation.CREATE, source(shape, walLsn),
                    shape.key(insert.newTuple(), null, walLsn), shape, null, false, insert.newTuple(), null,
                    List.of()));
        } else if (message instanceof Update update) {
            RelationShape shape = shape(update.relationId(), walLsn);
            TupleData fullOldRow = update.oldKind() == 'O' ? update.oldTuple() : null;
            return List.of(new RowChange(Operation.UPDATE, source(shape, walLsn),
                    shape.key(update.newTuple(), fullOldRow, walLsn), shape, update.oldTuple(),
                    update.oldKind() == 'K', update.newTuple(), fullOldRow,
                    shape.unchangedColumns(update.newTuple(), fullOldRow)));
        } else if (message instanceof Delete delete) {
            RelationShape shape = shape(delete.relationId(), walLsn);
            return List.of(new RowChange(Operation.DELETE, source(shape, walLsn),
                    shape.key(delete.oldTuple(), null, walLsn), shape, delete.oldTuple(), delete.oldKind() == 'K',
                    null, null, List.of()));
        } else if (message instanceof Truncate truncate) {
            return truncateEvents(truncate, walLsn);
        }
        return List.of();
    }

    /** The changes of {@link #accept} with their rows as trees: for tests and tools that look into rows. */
    public List<ChangeEvent> acceptAsEvents(ReplicationMessage message, Lsn walLsn) {
        return accept(message, walLsn).stream().map(ChangeRecord::toEvent).toList();
    }

    private List<ChangeRecord> truncateEvents(Truncate truncate, Lsn lsn) {
        List<ChangeRecord> events = new ArrayList<>(truncate.relationIds().size());
        for (int relationId : truncate.relationIds()) {
            RelationShape shape = shape(relationId, lsn);
            events.add(new ChangeEvent(Operation.TRUNCATE, source(shape, lsn), NODES.objectNode(), null, null));
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

    private SourceInfo source(RelationShape shape, Lsn lsn) {
        if (transaction == null) {
            throw new UndecodableMessageException(lsn, "a change of " + shape.table() + " outside a transaction");
        }
        return new SourceInfo(database, shape.table().schema(), shape.table().table(), lsn, transaction.finalLsn(),
                transaction.xid(), transaction.commitTimestamp());
    }

    private RelationShape shape(int relationId, Lsn lsn) {
        RelationShape shape = shapes.get(relationId);
        if (shape == null) {
            throw new UndecodableMessageException(lsn, "a change of relation id " + relationId
                    + " arrived before its Relation message");
        }
        return shape;
    }

    private static TableId tableId(Relation relation) {
        return new TableId(RelationShape.schemaOf(relation), relation.name());
    }
}
