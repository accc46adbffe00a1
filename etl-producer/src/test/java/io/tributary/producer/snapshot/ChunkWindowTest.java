package io.tributary.producer.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.ChangeEvent;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.model.SourceInfo;
import io.tributary.model.TableId;
import io.tributary.producer.decoding.ReplicationMessage.Relation;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ChunkWindowTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final TableId ITEMS = new TableId("shop", "items");
    private static final TableId OTHER = new TableId("shop", "other");

    @Test
    void changesBeforeTheLowWatermarkLeaveTheChunkWhole() {
        ChunkWindow window = window(1, 2, 3);
        window.observe(change(Operation.UPDATE, ITEMS, 2, null));

        assertEquals(List.of(1, 2, 3), ids(window));
        assertEquals(0, window.droppedRows());
    }

    @Test
    void rowsChangedInTheWindowAreDroppedOthersKeepTheirKeyOrder() {
        ChunkWindow window = window(1, 2, 3, 4);
        window.markLowWatermarkSeen();
        window.observe(change(Operation.UPDATE, ITEMS, 2, null));
        window.observe(change(Operation.DELETE, ITEMS, 4, key(4)));
        window.observe(change(Operation.CREATE, ITEMS, 9, null));
        window.observe(change(Operation.UPDATE, OTHER, 1, null));

        assertEquals(List.of(1, 3), ids(window));
        assertEquals(2, window.droppedRows());
    }

    @Test
    void anUpdateThatChangesTheKeyDropsTheOldKeyFromItsBeforeImage() {
        ChunkWindow window = window(1, 2, 3);
        window.markLowWatermarkSeen();
        window.observe(change(Operation.UPDATE, ITEMS, 7, key(3)));

        assertEquals(List.of(1, 2), ids(window));
    }

    @Test
    void aTruncateOfTheTableInTheWindowDropsTheWholeChunk() {
        ChunkWindow window = window(1, 2, 3);
        window.markLowWatermarkSeen();
        window.observe(new ChangeEvent(Operation.TRUNCATE, source(ITEMS), NODES.objectNode(), null, null));

        assertEquals(List.of(), ids(window));
        assertEquals(3, window.droppedRows());
    }

    @Test
    void aSweepOrATruncateOfAnotherTableDropsNothing() {
        ChunkWindow window = window(1, 2);
        window.markLowWatermarkSeen();
        window.observe(new ChangeEvent(Operation.TRUNCATE, source(OTHER), NODES.objectNode(), null, null));
        window.observe(new ChangeEvent(Operation.SWEEP, source(ITEMS), NODES.objectNode(), null, null));

        assertEquals(List.of(1, 2), ids(window));
    }

    @Test
    void anUpdateThatLeftToastColumnsOutIsCompletedFromTheChunkRowItIsTheFirstChangeOf() {
        ChunkWindow window = window(1, 2);
        window.markLowWatermarkSeen();
        ObjectNode partial = key(1).put("title", "new");
        ChangeEvent update = new ChangeEvent(Operation.UPDATE, source(ITEMS), key(1), null, partial,
                List.of("name"));
        ChangeEvent second = new ChangeEvent(Operation.UPDATE, source(ITEMS), key(1), null, key(1).put("title", "x"),
                List.of("name"));

        ChangeEvent published = window.observe(update).toEvent();
        ChangeEvent later = window.observe(second).toEvent();

        assertEquals(key(1).put("title", "new").put("name", "n1"), published.after(),
                "the chunk's value of the unchanged column, which the update did not change");
        assertEquals(List.of(), published.unchanged());
        assertEquals(second, later, "a later change of the row: the chunk row is gone, its values may be stale");
        assertEquals(List.of(2), ids(window), "the row is still dropped from the chunk");
    }

    @Test
    void anUpdateBeforeTheLowWatermarkIsPublishedAsItIs() {
        ChunkWindow window = window(1);
        ChangeEvent update = new ChangeEvent(Operation.UPDATE, source(ITEMS), key(1), null, key(1), List.of("name"));

        assertEquals(update, window.observe(update));
    }

    private static ChunkWindow window(int... ids) {
        SnapshotTable table = new SnapshotTable(ITEMS, new Relation(1, "shop", "items", 'd', List.of()),
                List.of(new PagingColumn("id", "integer")), ids.length);
        List<ChangeEvent> rows = IntStream.of(ids).mapToObj(id -> change(Operation.READ, ITEMS, id, null)).toList();
        return new ChunkWindow("w1", new ReadChunk(table, rows, List.of(String.valueOf(ids[ids.length - 1])), false));
    }

    private static ChangeEvent change(Operation op, TableId table, int id, ObjectNode before) {
        ObjectNode after = key(id).put("name", "n" + id);
        return new ChangeEvent(op, source(table), key(id), before, op == Operation.DELETE ? null : after);
    }

    private static ObjectNode key(int id) {
        return NODES.objectNode().put("id", id);
    }

    private static SourceInfo source(TableId table) {
        return new SourceInfo("db", table.schema(), table.table(), Lsn.of(100), Lsn.of(100), 1, null);
    }

    private static List<Integer> ids(ChunkWindow window) {
        return window.remainingRows().stream().map(event -> event.key().get("id").asInt()).toList();
    }
}
