package io.tributary.subscriber.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.index.DocumentAddress;
import io.tributary.index.mapping.TableMapping;
import io.tributary.index.mapping.TableMappings;
import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.model.SourceInfo;
import io.tributary.model.TableId;
import io.tributary.subscriber.events.ReceivedChange;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchPlanTest {

    private static final DocumentAddress ROW_1 = new DocumentAddress("shop.docs", "1", "");

    private static final TableMappings DEFAULTS = new TableMappings(Map.of());

    private static final Instant APPLIED_AT = Instant.parse("2026-12-02T08:00:00Z");

    private static BatchPlan plan(List<ChangeEvent> events, Map<DocumentAddress, ObjectNode> stored) {
        return BatchPlan.of(received(events), stored, DEFAULTS, APPLIED_AT);
    }

    private static List<ReceivedChange> received(List<ChangeEvent> events) {
        return events.stream().map(ReceivedChange::of).toList();
    }

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) ChangeEventJson.mapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static SourceInfo source(String table, long lsn) {
        return new SourceInfo("app", "shop", table, Lsn.of(lsn), Lsn.of(lsn), 7, null);
    }

    private static ChangeEvent update(long lsn, String after, String... unchanged) {
        ObjectNode row = json(after);
        return new ChangeEvent(Operation.UPDATE, source("docs", lsn), json("{\"id\":" + row.get("id") + "}"), null,
                row, List.of(unchanged));
    }

    private static ChangeEvent delete(long lsn, long id) {
        ObjectNode key = json("{\"id\":" + id + "}");
        return new ChangeEvent(Operation.DELETE, source("docs", lsn), key, key, null);
    }

    /** The documents the plan indexes, in order. */
    private static List<ObjectNode> indexed(BatchPlan plan) {
        return plan.writes().stream().flatMap(w -> w.actions().stream())
                .filter(action -> action.kind() == BulkAction.Kind.INDEX).map(action -> action.document().tree()).toList();
    }

    @Test
    void unchangedColumnsKeepTheStoredValues() {
        List<ChangeEvent> events = List.of(update(20, "{\"id\":1,\"title\":\"new\"}", "body"));

        BatchPlan plan = plan(events, Map.of(ROW_1, json("{\"id\":1,\"title\":\"old\",\"body\":\"BIG\"}")));

        assertEquals(Set.of(ROW_1), BatchPlan.lookups(received(events), DEFAULTS));
        assertEquals(List.of(json("{\"id\":1,\"title\":\"new\",\"body\":\"BIG\"}")), indexed(plan));
        assertEquals(List.of(), plan.unchangedMissing());
        assertEquals(20L, plan.writes().get(0).actions().get(0).version());
    }

    @Test
    void severalUpdatesOfOneRowInABatchMergeAgainstEachOtherInOrder() {
        BatchPlan plan = plan(List.of(
                update(20, "{\"id\":1,\"title\":\"a\",\"body\":\"B1\"}"),
                update(30, "{\"id\":1,\"title\":\"b\"}", "body"),
                update(40, "{\"id\":1,\"body\":\"B2\"}", "title")),
                Map.of(ROW_1, json("{\"id\":1,\"title\":\"old\",\"body\":\"B0\"}")));

        assertEquals(List.of(json("{\"id\":1,\"title\":\"a\",\"body\":\"B1\"}"),
                json("{\"id\":1,\"title\":\"b\",\"body\":\"B1\"}"),
                json("{\"id\":1,\"body\":\"B2\",\"title\":\"b\"}")), indexed(plan));
    }

    @Test
    void withoutAStoredDocumentTheRowIsIndexedAsItCameAndCounted() {
        BatchPlan plan = plan(List.of(update(20, "{\"id\":1,\"title\":\"new\"}", "body")), Map.of());

        assertEquals(List.of(json("{\"id\":1,\"title\":\"new\"}")), indexed(plan));
        assertEquals(List.of("shop.docs"), plan.unchangedMissing());
    }

    @Test
    void aDeleteOrTruncateEarlierInTheBatchHidesTheStoredDocument() {
        Map<DocumentAddress, ObjectNode> stored = Map.of(ROW_1, json("{\"id\":1,\"body\":\"BIG\"}"));
        ChangeEvent truncate = new ChangeEvent(Operation.TRUNCATE, source("docs", 15), json("{}"), null, null);

        BatchPlan afterDelete = plan(List.of(delete(10, 1), update(20, "{\"id\":1}", "body")), stored);
        BatchPlan afterTruncate = plan(List.of(truncate, update(20, "{\"id\":1}", "body")), stored);

        assertEquals(List.of(json("{\"id\":1}")), indexed(afterDelete));
        assertEquals(List.of(json("{\"id\":1}")), indexed(afterTruncate));
        assertEquals(1, afterTruncate.unchangedMissing().size());
        assertTrue(afterTruncate.writes().get(0).isTruncate());
    }

    @Test
    void aSweepIsABarrierWithoutActionsAtItsPlaceInTheBatch() {
        TableMappings tables = docsMapped(Set.of(), Map.of(), "tenant");
        ChangeEvent sweep = new ChangeEvent(Operation.SWEEP, source("docs", 100), json("{}"), null, null);
        ChangeEvent read = new ChangeEvent(Operation.READ, source("docs", 101), json("{\"id\":1}"), null,
                json("{\"id\":1,\"tenant\":7}"));

        BatchPlan plan = BatchPlan.of(received(List.of(update(20, "{\"id\":1,\"tenant\":7}"), sweep, read)),
                Map.of(), tables, APPLIED_AT);

        assertEquals(List.of(), plan.rejections(), "a sweep has no key and no row, and needs no routing value");
        PlannedWrite planned = plan.writes().get(1);
        assertEquals(1, planned.position());
        assertTrue(planned.isBarrier() && !planned.isTruncate());
        assertEquals(List.of(), planned.actions());
        assertEquals("docs", planned.index());
        assertFalse(plan.writes().get(0).isBarrier() || plan.writes().get(2).isBarrier());
    }

    @Test
    void aDeleteIndexesADeleteMarkerAtItsVersionInsteadOfDeleting() {
        BatchPlan plan = plan(List.of(delete(10, 1)), Map.of());

        List<BulkAction> actions = plan.writes().get(0).actions();
        assertEquals(1, actions.size());
        assertEquals(BulkAction.Kind.MARK_DELETED, actions.get(0).kind());
        assertEquals("index", actions.get(0).kind().action(), "a marker is a live document, whose version stays");
        assertEquals(ROW_1, actions.get(0).address());
        assertEquals(10, actions.get(0).version());
        assertEquals(json("{\"_tributary_deleted\":\"2026-12-02T08:00:00Z\"}"), actions.get(0).document().tree());
        assertTrue(plan.writes().get(0).indexesDocument(), "the index must exist before a marker is written");
    }

    /** Tables of schema shop that all write to the alias {@code orders}, as partitions of one table would. */
    private static TableMappings sharingOrders(String... tables) {
        Map<TableId, TableMapping> mappings = new java.util.HashMap<>();
        for (String name : tables) {
            TableId table = new TableId("shop", name);
            mappings.put(table, new TableMapping(table, "orders-000001", Optional.of("orders"), Set.of(), Set.of(),
                    Map.of(), Optional.empty(), Optional.empty()));
        }
        return new TableMappings(mappings);
    }

    @Test
    void documentsOfAnIndexSharedByTablesNameTheirTable() {
        TableMappings tables = sharingOrders("orders_2024", "orders_2025");
        ObjectNode row = json("{\"id\":1,\"total\":\"9.50\"}");
        ChangeEvent insert = new ChangeEvent(Operation.CREATE, new SourceInfo("app", "shop", "orders_2024",
                Lsn.of(10), Lsn.of(10), 7, null), json("{\"id\":1}"), null, row);

        BatchPlan shared = BatchPlan.of(received(List.of(insert)), Map.of(), tables, APPLIED_AT);
        BatchPlan own = BatchPlan.of(received(List.of(insert)), Map.of(), DEFAULTS, APPLIED_AT);

        assertEquals("{\"_tributary_table\":\"shop.orders_2024\",\"id\":1,\"total\":\"9.50\"}",
                shared.writes().get(0).actions().get(0).document().toString());
        assertEquals(row, own.writes().get(0).actions().get(0).document().tree(), "an index of its own: no tag");
    }

    @Test
    void aTruncateOfOneTableOfASharedIndexLeavesTheOtherTablesRowStates() {
        TableMappings tables = sharingOrders("orders_2025", "orders_2026");
        ChangeEvent truncate2025 = new ChangeEvent(Operation.TRUNCATE, new SourceInfo("app", "shop", "orders_2025",
                Lsn.of(10), Lsn.of(10), 7, null), json("{}"), null, null);
        ChangeEvent update2026 = new ChangeEvent(Operation.UPDATE, new SourceInfo("app", "shop", "orders_2026",
                Lsn.of(20), Lsn.of(20), 8, null), json("{\"id\":2}"), null, json("{\"id\":2,\"title\":\"t\"}"),
                List.of("body"));
        DocumentAddress row2 = new DocumentAddress("orders", "2", "");

        BatchPlan plan = BatchPlan.of(received(List.of(truncate2025, update2026)),
                Map.of(row2, json("{\"id\":2,\"body\":\"BIG\"}")), tables, APPLIED_AT);

        assertEquals(json("{\"_tributary_table\":\"shop.orders_2026\",\"id\":2,\"title\":\"t\","
                + "\"body\":\"BIG\"}"), plan.writes().get(1).actions().get(0).document().tree(),
                "the other table's stored row still lends its unchanged column");
        assertEquals(List.of(), plan.unchangedMissing());
    }

    @Test
    void aKeyChangeTakesUnchangedValuesFromTheOldDocumentAndDeletesIt() {
        ChangeEvent moved = new ChangeEvent(Operation.UPDATE, source("docs", 20), json("{\"id\":2}"),
                json("{\"id\":1}"), json("{\"id\":2,\"title\":\"t\"}"), List.of("body"));

        BatchPlan plan = plan(List.of(moved), Map.of(ROW_1, json("{\"id\":1,\"body\":\"BIG\"}")));

        assertEquals(Set.of(ROW_1), BatchPlan.lookups(received(List.of(moved)), DEFAULTS));
        List<BulkAction> operations = plan.writes().get(0).actions();
        assertEquals("1", operations.get(0).address().id());
        assertEquals(BulkAction.Kind.MARK_DELETED, operations.get(0).kind(), "the old key is marked deleted");
        assertEquals(20, operations.get(0).version());
        assertEquals("2", operations.get(1).address().id());
        assertEquals(json("{\"id\":2,\"title\":\"t\",\"body\":\"BIG\"}"), operations.get(1).document().tree());
    }

    @Test
    void aTableWithoutAValidIndexNameIsRejectedAndTheRestPlanned() {
        ObjectNode row = json("{\"id\":1}");
        ChangeEvent bad = new ChangeEvent(Operation.CREATE, source("my table", 10), row, null, row);
        ChangeEvent good = new ChangeEvent(Operation.CREATE, source("docs", 11), row, null, row);

        BatchPlan plan = plan(List.of(bad, good), Map.of());

        assertEquals(1, plan.rejections().size());
        assertEquals(0, plan.rejections().get(0).position());
        assertEquals(BatchPlan.UNMAPPABLE_TABLE, plan.rejections().get(0).kind());
        assertEquals(1, plan.writes().size());
        assertEquals(1, plan.writes().get(0).position());
    }

    private static TableMappings docsMapped(Set<String> exclude, Map<String, String> rename, String routing) {
        TableId docs = new TableId("shop", "docs");
        return new TableMappings(Map.of(docs, new TableMapping(docs, "docs", Optional.empty(), Set.of(), exclude,
                rename, Optional.ofNullable(routing), Optional.empty())));
    }

    @Test
    void excludedAndRenamedColumnsShapeTheDocumentTheToastMergeAndTheFieldTypes() {
        TableMappings tables = docsMapped(Set.of("secret"), Map.of("title", "headline", "body", "text"), null);
        ChangeEvent event = new ChangeEvent(Operation.UPDATE, source("docs", 20), json("{\"id\":1}"), null,
                json("{\"id\":1,\"title\":\"new\",\"secret\":\"s\"}"), List.of("body"),
                Map.of("id", "int4", "title", "text", "secret", "text", "body", "text"));
        DocumentAddress row = new DocumentAddress("docs", "1", "");

        assertEquals(Set.of(row), BatchPlan.lookups(received(List.of(event)), tables));
        BatchPlan plan = BatchPlan.of(received(List.of(event)), Map.of(row,
                json("{\"id\":1,\"headline\":\"old\",\"text\":\"BIG\"}")), tables, APPLIED_AT);

        assertEquals(List.of(json("{\"id\":1,\"headline\":\"new\",\"text\":\"BIG\"}")), indexed(plan));
        assertEquals(Map.of("id", "int4", "headline", "text", "text", "text"), plan.writes().get(0).fieldTypes());
        assertEquals("docs", plan.writes().get(0).index());
    }

    @Test
    void routedWritesCarryTheRoutingValueAndADeleteWithoutItIsRejected() {
        TableMappings tables = docsMapped(Set.of(), Map.of(), "tenant");
        ChangeEvent insert = new ChangeEvent(Operation.CREATE, source("docs", 10), json("{\"id\":1}"), null,
                json("{\"id\":1,\"tenant\":7}"));
        ChangeEvent keyOnlyDelete = delete(11, 1);
        ObjectNode fullRow = json("{\"id\":2,\"tenant\":\"t-2\"}");
        ChangeEvent fullDelete = new ChangeEvent(Operation.DELETE, source("docs", 12), json("{\"id\":2}"), fullRow,
                null);

        BatchPlan plan = BatchPlan.of(received(List.of(insert, keyOnlyDelete, fullDelete)), Map.of(), tables, APPLIED_AT);

        assertEquals("7", plan.writes().get(0).actions().get(0).address().routing());
        assertEquals("t-2", plan.writes().get(1).actions().get(0).address().routing());
        assertEquals(1, plan.rejections().size());
        Rejection rejected = plan.rejections().get(0);
        assertEquals(1, rejected.position());
        assertEquals(BatchPlan.UNROUTABLE_ROW, rejected.kind());
        assertTrue(rejected.reason().contains("shop.docs") && rejected.reason().contains("'tenant'"),
                rejected.reason());
    }

    @Test
    void anUpdateThatMovesTheRowToAnotherRoutingValueDeletesTheOldDocument() {
        TableMappings tables = docsMapped(Set.of(), Map.of(), "tenant");
        ChangeEvent moved = new ChangeEvent(Operation.UPDATE, source("docs", 20), json("{\"id\":1}"),
                json("{\"id\":1,\"tenant\":1}"), json("{\"id\":1,\"tenant\":2}"));

        List<BulkAction> operations = BatchPlan.of(received(List.of(moved)), Map.of(), tables, APPLIED_AT).writes().get(0).actions();

        assertEquals("1", operations.get(0).address().routing());
        assertEquals("2", operations.get(1).address().routing());
    }
}
