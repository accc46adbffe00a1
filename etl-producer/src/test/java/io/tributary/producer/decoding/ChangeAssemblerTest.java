package io.tributary.producer.decoding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.ChangeRecord;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChangeAssemblerTest {

    private static final Instant COMMITTED = Instant.parse("2026-11-22T06:00:00Z");
    private static final Relation LINES = new Relation(10, "sales", "order_lines", 'd', List.of(
            new Column(true, "order_id", ValueConverter.INT8, -1),
            new Column(true, "line", ValueConverter.INT4, -1),
            new Column(false, "price", ValueConverter.NUMERIC, -1),
            new Column(false, "note", 25, -1)));

    private final ChangeAssembler assembler = new ChangeAssembler("app");

    @BeforeEach
    void openTransaction() {
        assembler.acceptAsEvents(LINES, Lsn.of(90));
        assembler.acceptAsEvents(new Begin(Lsn.of(500), COMMITTED, 42), Lsn.of(100));
    }

    /** The one record of {@code message}, as a tree; its streamed encoding checked against the tree's. */
    private ChangeEvent single(ReplicationMessage message, long lsn) {
        List<ChangeRecord> records = assembler.accept(message, Lsn.of(lsn));
        assertEquals(1, records.size());
        assertStreamedAsItsTree(records.get(0));
        return records.get(0).toEvent();
    }

    /**
     * A record's streamed event is its tree form's event: the same JSON, read back with exact numbers (jsonb values
     * keep PostgreSQL's spacing in the stream, so the bytes may differ there).
     */
    static void assertStreamedAsItsTree(ChangeRecord record) {
        try {
            assertEquals(ChangeEventJson.mapper().readTree(ChangeEventJson.encode(record.toEvent())),
                    ChangeEventJson.mapper().readTree(ChangeEventJson.encode(record)));
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON", e);
        }
    }

    @Test
    void insertBecomesACreateEventWithCompositeKeyAndSource() {
        ChangeEvent event = single(new Insert(10, tuple("7", "2", "12.50", "café")), 110);

        assertEquals(Operation.CREATE, event.op());
        assertEquals("{\"order_id\":7,\"line\":2}", event.key().toString());
        assertEquals("{\"order_id\":7,\"line\":2,\"price\":\"12.50\",\"note\":\"café\"}", event.after().toString());
        assertNull(event.before());
        assertEquals("app", event.source().database());
        assertEquals("sales.order_lines", event.tableId().toString());
        assertEquals(Lsn.of(110), event.source().lsn());
        assertEquals(Lsn.of(500), event.source().commitLsn());
        assertEquals(42, event.source().xid());
        assertEquals(COMMITTED, event.source().commitTimestamp());
    }

    @Test
    void deleteByKeyKeepsOnlyTheKeyColumnsInBefore() {
        ChangeEvent event = single(new Delete(10, 'K', tuple("7", "2", null, null)), 120);

        assertEquals(Operation.DELETE, event.op());
        assertEquals("{\"order_id\":7,\"line\":2}", event.before().toString());
        assertEquals("{\"order_id\":7,\"line\":2}", event.key().toString());
        assertNull(event.after());
    }

    @Test
    void unchangedToastIsFilledFromTheFullOldRowOrLeftOutNeverAPlaceholder() {
        ChangeEvent full = single(new Update(10, 'O', tuple("7", "2", "1", "long text"),
                tuple("7", "2", "2", PgOutputBytes.UNCHANGED)), 130);
        assertEquals("long text", full.after().get("note").asText());

        ChangeEvent keyOnly = single(new Update(10, ' ', null, tuple("7", "2", "3", PgOutputBytes.UNCHANGED)), 140);
        assertFalse(keyOnly.after().has("note"));
        assertEquals("3", keyOnly.after().get("price").asText());
        assertEquals(List.of("note"), keyOnly.unchanged(), "the event says which columns keep their stored value");
        assertEquals(List.of(), full.unchanged());
    }

    @Test
    void relationSentMidStreamChangesTheNextRows() {
        assembler.acceptAsEvents(new Relation(10, "sales", "order_lines", 'd', List.of(
                new Column(true, "order_id", ValueConverter.INT8, -1),
                new Column(true, "line", ValueConverter.INT4, -1),
                new Column(false, "qty", ValueConverter.INT2, -1))), Lsn.of(150));

        ChangeEvent event = single(new Insert(10, tuple("7", "3", "5")), 151);

        assertEquals("{\"order_id\":7,\"line\":3,\"qty\":5}", event.after().toString());
    }

    @Test
    void aTableRenamedMidStreamIsNamedByItsNewNameFromTheNextRowOn() {
        ChangeEvent before = single(new Insert(10, tuple("7", "1", "1.00", "a")), 110);
        assembler.acceptAsEvents(new Relation(10, "sales", "invoice_lines", 'd', LINES.columns()), Lsn.of(120));
        ChangeEvent after = single(new Insert(10, tuple("7", "2", "2.00", "b")), 130);

        assertEquals("sales.order_lines", before.tableId().toString());
        assertEquals("sales.invoice_lines", after.tableId().toString(), "its events, index and partition follow"
                + " the new name; the documents under the old one stay as they were");
    }

    @Test
    void truncateGivesOneEventPerTable() {
        List<ChangeEvent> events = assembler.acceptAsEvents(new Truncate(0, List.of(10)), Lsn.of(160));

        assertEquals(1, events.size());
        assertEquals(Operation.TRUNCATE, events.get(0).op());
    }

    @Test
    void tableWithoutKeyColumnsFailsNamingTheTableAndTheFix() {
        assembler.acceptAsEvents(new Relation(11, "public", "audit", 'n',
                List.of(new Column(false, "msg", 25, -1))), Lsn.of(170));

        UnkeyedTableException error = assertThrows(UnkeyedTableException.class,
                () -> assembler.acceptAsEvents(new Insert(11, tuple("x")), Lsn.of(171)));
        assertTrue(error.getMessage().contains("public.audit"), error.getMessage());
        assertTrue(error.getMessage().contains("REPLICA IDENTITY FULL"), error.getMessage());
        assertTrue(error.getMessage().endsWith("once the table has a key, drop the slot and restart with"
                + " tributary.postgres.on-slot-loss = recreate"), "the change already in the WAL stays unkeyed");
    }

    @Test
    void replicaIdentityFullKeysByThePrimaryKeyAndKeepsTheWholeBeforeImage() {
        List<TableId> lookedUp = new ArrayList<>();
        ChangeAssembler keyed = new ChangeAssembler("app", new ValueConverter(PgTypes.builtIn(), NumericMode.STRING),
                PrimaryKeys.fromCatalog(Map.of(new TableId("public", "items"), Set.of("id"),
                        new TableId("public", "log"), Set.of()), table -> {
                    lookedUp.add(table);
                    return Set.of("id");
                }));
        keyed.acceptAsEvents(new Begin(Lsn.of(500), COMMITTED, 42), Lsn.of(100));
        keyed.acceptAsEvents(everyColumnFlagged(20, "items"), Lsn.of(101));
        keyed.acceptAsEvents(everyColumnFlagged(21, "log"), Lsn.of(102));
        keyed.acceptAsEvents(everyColumnFlagged(22, "items_2027"), Lsn.of(103));

        ChangeEvent insert = keyed.acceptAsEvents(new Insert(20, tuple("1", "a")), Lsn.of(110)).get(0);
        ChangeEvent keyChange = keyed.acceptAsEvents(new Update(20, 'O', tuple("1", "a"), tuple("2", "a")), Lsn.of(120)).get(0);
        ChangeEvent delete = keyed.acceptAsEvents(new Delete(20, 'O', tuple("2", "a")), Lsn.of(130)).get(0);
        ChangeEvent unkeyed = keyed.acceptAsEvents(new Insert(21, tuple("1", "a")), Lsn.of(140)).get(0);
        ChangeEvent newPartition = keyed.acceptAsEvents(new Insert(22, tuple("3", "c")), Lsn.of(150)).get(0);
        keyed.acceptAsEvents(everyColumnFlagged(22, "items_2027"), Lsn.of(160));

        assertEquals("{\"id\":1}", insert.key().toString());
        assertEquals("{\"id\":2}", keyChange.key().toString());
        assertEquals("{\"id\":1,\"label\":\"a\"}", keyChange.before().toString(), "the whole old row, old key in it");
        assertEquals("{\"id\":2}", delete.key().toString());
        assertEquals("{\"id\":2,\"label\":\"a\"}", delete.before().toString());
        assertEquals("{\"id\":1,\"label\":\"a\"}", unkeyed.key().toString(), "no primary key: every column");
        assertEquals("{\"id\":3}", newPartition.key().toString());
        assertEquals(List.of(new TableId("public", "items_2027")), lookedUp,
                "a table unknown at session start is looked up once");
    }

    private static Relation everyColumnFlagged(int relationId, String table) {
        return new Relation(relationId, "public", table, 'f', List.of(
                new Column(true, "id", ValueConverter.INT4, -1), new Column(true, "label", 25, -1)));
    }

    @Test
    void badValueNamesColumnTableAndLsn() {
        UndecodableMessageException error = assertThrows(UndecodableMessageException.class,
                () -> assembler.acceptAsEvents(new Insert(10, tuple("seven", "2", "1", "x")), Lsn.of(180)));
        assertTrue(error.getMessage().contains("0/B4"), error.getMessage());
        assertTrue(error.getMessage().contains("column order_id of sales.order_lines"), error.getMessage());
    }

    @Test
    void sqlNullsAreJsonNullsInBothForms() {
        ChangeEvent event = single(new Insert(10, tuple("7", "2", null, null)), 110);

        assertEquals("{\"order_id\":7,\"line\":2,\"price\":null,\"note\":null}", event.after().toString());
    }

    @Test
    void aBadValueOutsideTheKeyFailsWhenTheRecordIsWrittenNamingColumnTableAndLsn() {
        ChangeRecord record = assembler.accept(new Insert(10, tuple("7", "2", "twelve", "x")), Lsn.of(180)).get(0);

        UndecodableMessageException error = assertThrows(UndecodableMessageException.class,
                () -> ChangeEventJson.encode(record));
        assertTrue(error.getMessage().contains("0/B4"), error.getMessage());
        assertTrue(error.getMessage().contains("column price of sales.order_lines"), error.getMessage());
        assertThrows(UndecodableMessageException.class, record::toEvent, "the tree form refuses it alike");
    }

    @Test
    void changeOfUnknownRelationFails() {
        assertThrows(UndecodableMessageException.class, () -> assembler.acceptAsEvents(new Insert(99, tuple("1")), Lsn.of(190)));
    }

    @Test
    void changeOutsideATransactionFails() {
        assembler.acceptAsEvents(new Commit(0, Lsn.of(500), Lsn.of(530), COMMITTED), Lsn.of(530));
        assertThrows(UndecodableMessageException.class,
                () -> assembler.acceptAsEvents(new Insert(10, tuple("7", "2", "1", "x")), Lsn.of(600)));
    }

    private static TupleData tuple(String... values) {
        return new TupleData(Arrays.stream(values).map(value -> value == null ? new TupleData.Null()
                : value.equals(PgOutputBytes.UNCHANGED) ? new TupleData.UnchangedToast()
                : (TupleData.Value) new TupleData.Text(value)).toList());
    }
}
