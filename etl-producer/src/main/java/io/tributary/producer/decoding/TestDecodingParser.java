package io.tributary.producer.decoding;

import io.tributary.model.Lsn;
import io.tributary.model.TableId;
import io.tributary.producer.decoding.ReplicationMessage.Begin;
import io.tributary.producer.decoding.ReplicationMessage.Column;
import io.tributary.producer.decoding.ReplicationMessage.Commit;
import io.tributary.producer.decoding.ReplicationMessage.Delete;
import io.tributary.producer.decoding.ReplicationMessage.Insert;
import io.tributary.producer.decoding.ReplicationMessage.Relation;
import io.tributary.producer.decoding.ReplicationMessage.Truncate;
import io.tributary.producer.decoding.ReplicationMessage.Update;
import io.tributary.shaping.TemporalValues;
import io.tributary.shaping.TypeNames;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the text lines of PostgreSQL's test_decoding plugin, started with {@code include-xids=1},
 * {@code include-timestamp=1} and {@code skip-empty-xacts=1}, into the same {@link ReplicationMessage}s pgoutput would
 * send for the same changes, so {@link ChangeAssembler} builds the same events from either plugin:
 * <pre>
 * BEGIN 529
 * table "My Schema"."Order Lines": INSERT: "Line No"[integer]:1 note[text]:'it''s' flag[boolean]:true big[text]:null
 * table public.t: UPDATE: old-key: id[integer]:1 new-tuple: id[integer]:2 big[text]:unchanged-toast-datum
 * table public.t: DELETE: id[integer]:2
 * table public.t, public.u: TRUNCATE: restart_seqs cascade
 * COMMIT 529 (at 2026-11-22 06:00:00.123456+00)
 * message: transactional: 0 prefix: tributary-heartbeat, sz: 0 content:
 * </pre>
 *
 * <p>test_decoding names no relation ids, no key columns and no type OIDs, so the streamed tables' shapes are given
 * at construction and a Relation is synthesized before a table's first change and after DDL; the Begin carries no
 * commit LSN or timestamp, the Commit no commit LSN (docs/design.md, "Decoding", has the rules).
 *
 * <p>Lines of tables that are not streamed give nothing (test_decoding has no publication and decodes every table),
 * but BEGIN and COMMIT always come through, so every transaction is tracked. A delete without old row
 * ({@code (no-tuple-data)}: no primary key, REPLICA IDENTITY DEFAULT or NOTHING) throws
 * {@link UnkeyedTableException}. Anything else it does not understand throws {@link UndecodableMessageException}
 * with the LSN and the text, never a skip. Not thread-safe: one instance per replication session.
 */
public final class TestDecodingParser implements MessageDecoder {

    private static final int TRUNCATE_CASCADE = 1;
    private static final int TRUNCATE_RESTART_IDENTITY = 2;
    private static final long NO_TRANSACTION = -1;

    private final Map<TableId, Relation> streamedTables = new HashMap<>();
    private final Map<TableId, Set<String>> generatedColumns = new HashMap<>();
    private final TypeNames typeNames;
    private final Map<TableId, Relation> sentRelations = new HashMap<>();
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private long openXid = NO_TRANSACTION;

    /** A column of a row line: its name, its type's OID, its value as pgoutput would send it. */
    private record Cell(String name, int typeOid, TupleData.Value value) {
    }

    /**
     * @param streamedTables the shape and key flags of each streamed table as the catalog had it at startup
     *                       (namespace, name, replica identity 'd', 'n', 'f' or 'i', columns with key flags), and
     *                       its generated columns; the relation ids become the Relations' ids
     * @param typeNames      type OIDs by the names test_decoding prints
     */
    public TestDecodingParser(Collection<StreamedTable> streamedTables, TypeNames typeNames) {
        for (StreamedTable table : streamedTables) {
            TableId id = new TableId(table.relation().namespace(), table.relation().name());
            this.streamedTables.put(id, table.relation());
            this.generatedColumns.put(id, table.generatedColumns());
        }
        this.typeNames = typeNames;
    }

    @Override
    public List<ReplicationMessage> decodeMessages(ByteBuffer message, Lsn lsn) {
        if (startsWith(message, TestDecodingMessageLine.START)) {
            return List.of(TestDecodingMessageLine.parse(message, lsn));
        }
        TestDecodingLine line = new TestDecodingLine(text(message, lsn), lsn);
        if (line.consume("BEGIN ")) {
            return List.of(begin(line));
        }
        if (line.consume("COMMIT ")) {
            return List.of(commit(line, lsn));
        }
        if (line.consume("table ")) {
            return change(line, lsn);
        }
        throw line.error("not a BEGIN, COMMIT, table or message line (is the slot test_decoding, streamed with"
                + " include-xids=1?)");
    }

    /** {@code BEGIN 529}. */
    private Begin begin(TestDecodingLine line) {
        long xid = line.number();
        line.expectEnd();
        if (openXid != NO_TRANSACTION) {
            throw line.error("BEGIN of transaction " + xid + " while transaction " + openXid + " is open");
        }
        openXid = xid;
        return new Begin(Lsn.INVALID, null, xid);
    }

    /** {@code COMMIT 529 (at 2026-11-22 06:00:00.123456+00)}; the end LSN is the line's own WAL position. */
    private Commit commit(TestDecodingLine line, Lsn lsn) {
        long xid = line.number();
        if (xid != openXid) {
            throw line.error("COMMIT of transaction " + xid + " but the open one is "
                    + (openXid == NO_TRANSACTION ? "none" : Long.toString(openXid)));
        }
        line.expect(" (at ");
        String at = line.rest();
        if (!at.endsWith(")")) {
            throw line.error("the commit time does not end with ')'");
        }
        Instant committed;
        try {
            committed = Instant.parse(TemporalValues.timestampWithZone(at.substring(0, at.length() - 1)));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw line.error("the commit time is not a timestamp (" + e.getMessage() + ")");
        }
        openXid = NO_TRANSACTION;
        return new Commit(0, Lsn.INVALID, lsn, committed);
    }

    /** {@code table <name>[, <name>…]: INSERT:|UPDATE:|DELETE:|TRUNCATE: …}. */
    private List<ReplicationMessage> change(TestDecodingLine line, Lsn lsn) {
        List<TableId> tables = new ArrayList<>(1);
        do {
            tables.add(line.qualifiedName());
        } while (line.consume(", "));
        line.expect(": ");
        if (openXid == NO_TRANSACTION) {
            throw line.error("a change outside a transaction");
        }
        if (line.consume("TRUNCATE:")) {
            return truncate(tables, line);
        }
        if (tables.size() != 1) {
            throw line.error("a row change names " + tables.size() + " tables");
        }
        TableId table = tables.get(0);
        boolean streamed = streamedTables.containsKey(table);
        List<ReplicationMessage> messages = new ArrayList<>(2);
        if (line.consume("INSERT:")) {
            if (streamed) {
                insert(table, line, messages);
            }
        } else if (line.consume("UPDATE:")) {
            if (streamed) {
                update(table, line, messages);
            }
        } else if (line.consume("DELETE:")) {
            if (streamed) {
                delete(table, line, lsn, messages);
            }
        } else {
            throw line.error("expected INSERT:, UPDATE:, DELETE: or TRUNCATE:");
        }
        return messages;
    }

    private void insert(TableId table, TestDecodingLine line, List<ReplicationMessage> out) {
        requireTupleData(line, "an insert");
        List<Cell> row = row(table, line, false);
        Relation relation = relationFor(table, row, out);
        out.add(new Insert(relation.relationId(), tuple(row)));
    }

    /** {@code UPDATE: [old-key: <old row> new-tuple:] <new row>}. */
    private void update(TableId table, TestDecodingLine line, List<ReplicationMessage> out) {
        List<Cell> oldRow = null;
        if (line.consume(" old-key:")) {
            oldRow = row(table, line, true);
            line.expect(" new-tuple:");
        }
        requireTupleData(line, "an update");
        List<Cell> newRow = row(table, line, false);
        Relation relation = relationFor(table, newRow, out);
        if (oldRow == null) {
            out.add(new Update(relation.relationId(), ' ', null, tuple(newRow)));
        } else {
            out.add(new Update(relation.relationId(), oldKind(relation), oldTuple(relation, oldRow, line),
                    tuple(newRow)));
        }
    }

    private void delete(TableId table, TestDecodingLine line, Lsn lsn, List<ReplicationMessage> out) {
        if (line.consume(" (no-tuple-data)")) {
            line.expectEnd();
            throw new UnkeyedTableException(table, lsn);
        }
        List<Cell> oldRow = row(table, line, false);
        Relation relation = sentRelations.get(table);
        if (relation == null) {
            relation = streamedTables.get(table);
            sentRelations.put(table, relation);
            out.add(relation);
        }
        out.add(new Delete(relation.relationId(), oldKind(relation), oldTuple(relation, oldRow, line)));
    }

    /** {@code TRUNCATE: (no-flags)}, or {@code restart_seqs} and/or {@code cascade}; one line for all tables. */
    private List<ReplicationMessage> truncate(List<TableId> tables, TestDecodingLine line) {
        int options = 0;
        if (!line.consume(" (no-flags)")) {
            if (line.consume(" restart_seqs")) {
                options |= TRUNCATE_RESTART_IDENTITY;
            }
            if (line.consume(" cascade")) {
                options |= TRUNCATE_CASCADE;
            }
            if (options == 0) {
                throw line.error("expected (no-flags), restart_seqs or cascade");
            }
        }
        line.expectEnd();
        List<ReplicationMessage> messages = new ArrayList<>(tables.size() + 1);
        List<Integer> relationIds = new ArrayList<>(tables.size());
        for (TableId table : tables) {
            Relation relation = sentRelations.get(table);
            if (relation == null && streamedTables.containsKey(table)) {
                relation = streamedTables.get(table);
                sentRelations.put(table, relation);
                messages.add(relation);
            }
            if (relation != null) {
                relationIds.add(relation.relationId());
            }
        }
        if (!relationIds.isEmpty()) {
            messages.add(new Truncate(options, relationIds));
        }
        return messages;
    }

    private static void requireTupleData(TestDecodingLine line, String what) {
        if (line.lookingAt(" (no-tuple-data)")) {
            throw line.error(what + " without its new row");
        }
    }

    /**
     * The columns of a row, {@code  name[type]:value} each, up to the end of the line or, for the old row of an
     * update ({@code beforeNewTuple}), up to {@code  new-tuple:}. Generated columns are left out, as pgoutput does.
     */
    private List<Cell> row(TableId table, TestDecodingLine line, boolean beforeNewTuple) {
        Set<String> generated = generatedColumns.get(table);
        List<Cell> cells = new ArrayList<>();
        while (!line.atEnd() && !(beforeNewTuple && line.lookingAt(" new-tuple:"))) {
            line.expect(" ");
            String name = line.identifier();
            line.expect("[");
            String typeName = line.typeName();
            int typeOid = typeNames.oidOf(typeName).orElseThrow(() -> line.error("type " + typeName + " of column "
                    + name + " of " + table + " is not in the type catalog loaded at startup (a type created since"
                    + " then is known after a restart)"));
            TupleData.Value value = TestDecodingValues.value(line, typeOid);
            if (!generated.contains(name)) {
                cells.add(new Cell(name, typeOid, value));
            }
        }
        return cells;
    }

    /**
     * The Relation a row of {@code table} belongs to: the one sent last if the row has its columns and types, else a
     * new one (sent before the row), shaped by the row, with the key flags of the columns of the same name.
     */
    private Relation relationFor(TableId table, List<Cell> row, List<ReplicationMessage> out) {
        Relation sent = sentRelations.get(table);
        if (sent != null && hasShape(sent, row)) {
            return sent;
        }
        Relation base = sent != null ? sent : streamedTables.get(table);
        Relation relation = hasShape(base, row) ? base : reshaped(base, row);
        sentRelations.put(table, relation);
        out.add(relation);
        return relation;
    }

    private static boolean hasShape(Relation relation, List<Cell> row) {
        List<Column> columns = relation.columns();
        if (columns.size() != row.size()) {
            return false;
        }
        for (int i = 0; i < row.size(); i++) {
            if (columns.get(i).typeOid() != row.get(i).typeOid() || !columns.get(i).name().equals(row.get(i).name())) {
                return false;
            }
        }
        return true;
    }

    private static Relation reshaped(Relation base, List<Cell> row) {
        boolean keyedByEveryColumn = base.replicaIdentity() == 'f' && base.columns().stream().allMatch(Column::key);
        List<Column> columns = new ArrayList<>(row.size());
        for (Cell cell : row) {
            Column before = column(base, cell.name());
            boolean key = keyedByEveryColumn || before != null && before.key();
            int typeModifier = before != null && before.typeOid() == cell.typeOid() ? before.typeModifier() : -1;
            columns.add(new Column(key, cell.name(), cell.typeOid(), typeModifier));
        }
        return new Relation(base.relationId(), base.namespace(), base.name(), base.replicaIdentity(), columns);
    }

    private static Column column(Relation relation, String name) {
        for (Column column : relation.columns()) {
            if (column.name().equals(name)) {
                return column;
            }
        }
        return null;
    }

    /** As pgoutput: the whole old row ('O') under REPLICA IDENTITY FULL, else the old key ('K'). */
    private static char oldKind(Relation relation) {
        return relation.replicaIdentity() == 'f' ? 'O' : 'K';
    }

    /**
     * The old row in the relation's column order: test_decoding leaves out its NULL columns (and, with 'K', every
     * column but the key), which become NULLs as pgoutput sends them.
     */
    private static TupleData oldTuple(Relation relation, List<Cell> oldRow, TestDecodingLine line) {
        List<Column> columns = relation.columns();
        List<TupleData.Value> values = new ArrayList<>(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            values.add(new TupleData.Null());
        }
        for (Cell cell : oldRow) {
            int index = indexOf(columns, cell.name());
            if (index < 0 || columns.get(index).typeOid() != cell.typeOid()) {
                throw line.error("the old row has column " + cell.name() + " (type oid " + cell.typeOid()
                        + ") that " + relation.namespace() + "." + relation.name() + " did not have when its columns"
                        + " were last seen; the table changed since (restart the producer to reload its shape)");
            }
            if (!columns.get(index).key() && relation.replicaIdentity() != 'f') {
                throw line.error("the old row has column " + cell.name() + ", which is not in the replica identity"
                        + " loaded at startup; the table's REPLICA IDENTITY changed since (restart the producer)");
            }
            values.set(index, cell.value());
        }
        return new TupleData(values);
    }

    private static int indexOf(List<Column> columns, String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static TupleData tuple(List<Cell> row) {
        List<TupleData.Value> values = new ArrayList<>(row.size());
        for (Cell cell : row) {
            values.add(cell.value());
        }
        return new TupleData(values);
    }

    private String text(ByteBuffer message, Lsn lsn) {
        try {
            return utf8.decode(message).toString();
        } catch (CharacterCodingException e) {
            throw new UndecodableMessageException(lsn, "the test_decoding line is not valid UTF-8", e);
        }
    }

    private static boolean startsWith(ByteBuffer message, byte[] prefix) {
        if (message.remaining() < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (message.get(message.position() + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
