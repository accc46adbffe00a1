package io.tributary.subscriber.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import io.tributary.documents.CatalogTable;
import io.tributary.documents.DocumentChecks;
import io.tributary.documents.DocumentSpecReader;
import io.tributary.documents.DocumentTree;
import io.tributary.index.DocumentAddress;
import io.tributary.index.mapping.TableMapping;
import io.tributary.index.mapping.TableMappings;
import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.model.SourceInfo;
import io.tributary.model.TableId;
import io.tributary.shaping.DocumentIds;
import io.tributary.subscriber.events.ReceivedChange;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChangedRowsTest {

    private static final TableId ORDERS = TableId.parse("shop.orders");
    private static final TableId CUSTOMERS = TableId.parse("shop.customers");
    private static final TableId ITEMS = TableId.parse("shop.order_items");
    private static final TableId TAGS = TableId.parse("shop.tags");
    private static final TableId ORDER_TAGS = TableId.parse("shop.order_tags");

    /** An order with its customer, its items and its tags through a link table. */
    private static final DocumentTree ORDER_DOCUMENTS = tree("""
            tributary.documents.orders {
              root = "shop.orders"
              join {
                customer { table = "shop.customers", on { customer_id = id } }
                items { table = "shop.order_items", on { id = order_id }, many = true }
                tags { table = "shop.tags", many = true,
                       through { table = "shop.order_tags", on { id = order_id }, to { tag_id = id } } }
              }
            }
            """);

    private static final List<DocumentTree> TREES = List.of(ORDER_DOCUMENTS);

    private static final TableMappings DEFAULTS = new TableMappings(Map.of());

    /** Items in their own index under another name, their order id renamed to "order". */
    private static final TableMappings ITEMS_RENAMED = new TableMappings(Map.of(ITEMS, new TableMapping(ITEMS,
            "items-000001", Optional.of("items"), Set.of(), Set.of(), Map.of("order_id", "order"), Optional.empty(),
            Optional.empty())));

    private static DocumentTree tree(String hocon) {
        Map<TableId, CatalogTable> tables = Map.of(
                ORDERS, table(ORDERS, List.of("id"), "id", "customer_id", "status"),
                CUSTOMERS, table(CUSTOMERS, List.of("id"), "id", "name"),
                ITEMS, table(ITEMS, List.of("id"), "id", "order_id", "sku"),
                TAGS, table(TAGS, List.of("id"), "id", "label"),
                ORDER_TAGS, table(ORDER_TAGS, List.of("order_id", "tag_id"), "order_id", "tag_id"));
        DocumentChecks checks = new DocumentChecks(table -> Optional.ofNullable(tables.get(table)), "tributary",
                Optional.of(tables.keySet()));
        return checks.check(DocumentSpecReader.read(ConfigFactory.parseString(hocon)).get(0));
    }

    /** A table of int4 columns, unique by its key. */
    private static CatalogTable table(TableId id, List<String> key, String... columns) {
        return new CatalogTable(id, Arrays.stream(columns).map(name -> new CatalogTable.Column(name, 23, "int4", 23))
                .toList(), key, List.of(Set.copyOf(key)));
    }

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) ChangeEventJson.mapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static SourceInfo source(TableId table, long lsn) {
        return new SourceInfo("app", table.schema(), table.table(), Lsn.of(lsn), Lsn.of(lsn), 7, null);
    }

    private static ReceivedChange insert(TableId table, String key, String after) {
        return ReceivedChange.of(new ChangeEvent(Operation.CREATE, source(table, 10), json(key), null, json(after)));
    }

    private static ReceivedChange update(TableId table, String key, String before, String after) {
        return ReceivedChange.of(new ChangeEvent(Operation.UPDATE, source(table, 20), json(key),
                before == null ? null : json(before), json(after)));
    }

    private static ReceivedChange delete(TableId table, String key, String before) {
        return ReceivedChange.of(new ChangeEvent(Operation.DELETE, source(table, 30), json(key), json(before), null));
    }

    private static ReceivedChange whole(Operation op, TableId table) {
        return ReceivedChange.of(new ChangeEvent(op, source(table, 40), json("{}"), null, null));
    }

    private static DocumentAddress address(String index, String key) {
        return new DocumentAddress(index, DocumentIds.idFor(json(key)), "");
    }

    /** The states of {@code table}'s changed rows the batch gives the order documents. */
    private static Set<Map<String, String>> states(Map<DocumentTree, ChangedRows.Work> work, TableId table) {
        return work.get(ORDER_DOCUMENTS).rows().get(table);
    }

    @Test
    void anUpdateWithoutBeforeImageTakesTheOldJoinColumnFromTheStoredDocumentUnderItsRenamedField() {
        List<ReceivedChange> events = List.of(update(ITEMS, "{\"id\":5}", null,
                "{\"id\":5,\"order_id\":2,\"sku\":7}"));
        DocumentAddress stored = address("items", "{\"id\":5}");

        Map<DocumentTree, ChangedRows.Work> work = ChangedRows.of(events, TREES,
                Map.of(stored, json("{\"id\":5,\"order\":1,\"sku\":7}")), ITEMS_RENAMED);

        assertEquals(Set.of(stored), ChangedRows.lookups(events, TREES, ITEMS_RENAMED));
        assertEquals(Set.of(Map.of("order_id", "2"), Map.of("order_id", "1")), states(work, ITEMS),
                "the item's new order and the one it left");
        assertFalse(work.get(ORDER_DOCUMENTS).rebuildAll());
    }

    @Test
    void aStoredDocumentIsReadUnderTheFieldNamesOfItsTable() {
        List<ReceivedChange> events = List.of(update(ITEMS, "{\"id\":5}", null,
                "{\"id\":5,\"order_id\":2,\"sku\":7}"));
        DocumentAddress stored = address("items", "{\"id\":5}");

        Map<DocumentTree, ChangedRows.Work> work = ChangedRows.of(events, TREES,
                Map.of(stored, json("{\"id\":5,\"order_id\":1,\"sku\":7}")), ITEMS_RENAMED);

        assertEquals(Set.of(Map.of("order_id", "2")), states(work, ITEMS),
                "order_id is no field of the items index: only the new state is known");
    }

    @Test
    void anUpdateWithItsBeforeImageNeedsNoStoredDocument() {
        List<ReceivedChange> events = List.of(update(ITEMS, "{\"id\":5}", "{\"id\":5,\"order_id\":1,\"sku\":7}",
                "{\"id\":5,\"order_id\":2,\"sku\":7}"));

        Map<DocumentTree, ChangedRows.Work> work = ChangedRows.of(events, TREES, Map.of(), DEFAULTS);

        assertEquals(Set.of(), ChangedRows.lookups(events, TREES, DEFAULTS));
        assertEquals(Set.of(Map.of("order_id", "2"), Map.of("order_id", "1")), states(work, ITEMS));
    }

    @Test
    void aDeleteUsesItsKeyAndTheStoredDocument() {
        List<ReceivedChange> events = List.of(delete(ITEMS, "{\"id\":5}", "{\"id\":5}"));
        DocumentAddress stored = address("shop.order_items", "{\"id\":5}");

        Map<DocumentTree, ChangedRows.Work> work = ChangedRows.of(events, TREES,
                Map.of(stored, json("{\"id\":5,\"order_id\":1}")), DEFAULTS);

        assertEquals(Set.of(stored), ChangedRows.lookups(events, TREES, DEFAULTS));
        assertEquals(Set.of(Map.of("order_id", "1")), states(work, ITEMS));
    }

    @Test
    void aDeletedRootIsFoundByItsKeyAlone() {
        List<ReceivedChange> events = List.of(delete(ORDERS, "{\"id\":1}", "{\"id\":1}"));

        Map<DocumentTree, ChangedRows.Work> work = ChangedRows.of(events, TREES, Map.of(), DEFAULTS);

        assertEquals(Set.of(), ChangedRows.lookups(events, TREES, DEFAULTS));
        assertEquals(Set.of(Map.of("id", "1")), states(work, ORDERS));
    }

    @Test
    void aDeleteOfALinkRowCarriesItsJoinColumnsInItsKey() {
        List<ReceivedChange> events = List.of(delete(ORDER_TAGS, "{\"order_id\":1,\"tag_id\":9}",
                "{\"order_id\":1,\"tag_id\":9}"));

        Map<DocumentTree, ChangedRows.Work> work = ChangedRows.of(events, TREES, Map.of(), DEFAULTS);

        assertEquals(Set.of(), ChangedRows.lookups(events, TREES, DEFAULTS));
        assertEquals(Set.of(Map.of("order_id", "1")), states(work, ORDER_TAGS));
    }

    @Test
    void aTruncateOfAChildTableRebuildsEveryDocument() {
        Map<DocumentTree, ChangedRows.Work> work = ChangedRows.of(List.of(whole(Operation.TRUNCATE, ITEMS)), TREES,
                Map.of(), DEFAULTS);

        assertTrue(work.get(ORDER_DOCUMENTS).rebuildAll());
        assertEquals(Map.of(), work.get(ORDER_DOCUMENTS).rows());
    }

    @Test
    void aSweepOfALinkTableRebuildsEveryDocument() {
        Map<DocumentTree, ChangedRows.Work> work = ChangedRows.of(List.of(
                insert(ITEMS, "{\"id\":5}", "{\"id\":5,\"order_id\":2}"), whole(Operation.SWEEP, ORDER_TAGS)), TREES,
                Map.of(), DEFAULTS);

        assertTrue(work.get(ORDER_DOCUMENTS).rebuildAll());
    }

    @Test
    void eventsOfUnrelatedTablesGiveNoWork() {
        TableId audit = TableId.parse("shop.audit");
        List<ReceivedChange> events = List.of(insert(audit, "{\"id\":1}", "{\"id\":1,\"order_id\":2}"),
                update(audit, "{\"id\":1}", null, "{\"id\":1,\"order_id\":3}"),
                delete(audit, "{\"id\":1}", "{\"id\":1}"), whole(Operation.TRUNCATE, audit));

        assertEquals(Map.of(), ChangedRows.of(events, TREES, Map.of(), DEFAULTS));
        assertEquals(Set.of(), ChangedRows.lookups(events, TREES, DEFAULTS));
    }

    @Test
    void onlyTheTypesATableTakesPartInGetWork() {
        DocumentTree customerDocuments = tree("tributary.documents.customers { root = \"shop.customers\" }");
        List<DocumentTree> trees = List.of(ORDER_DOCUMENTS, customerDocuments);

        Map<DocumentTree, ChangedRows.Work> items = ChangedRows.of(List.of(insert(ITEMS, "{\"id\":5}",
                "{\"id\":5,\"order_id\":2}")), trees, Map.of(), DEFAULTS);
        Map<DocumentTree, ChangedRows.Work> customers = ChangedRows.of(List.of(update(CUSTOMERS, "{\"id\":3}",
                null, "{\"id\":3,\"name\":4}")), trees, Map.of(), DEFAULTS);

        assertEquals(Set.of(ORDER_DOCUMENTS), items.keySet());
        assertEquals(Set.of(ORDER_DOCUMENTS, customerDocuments), customers.keySet());
        assertEquals(Set.of(Map.of("id", "3")), customers.get(customerDocuments).rows().get(CUSTOMERS));
    }

    @Test
    void lookupsAskOnlyForUpdatesAndDeletesLackingTheirJoinColumns() {
        ReceivedChange inserted = insert(ITEMS, "{\"id\":1}", "{\"id\":1,\"order_id\":2}");
        ReceivedChange updatedWithBefore = update(ITEMS, "{\"id\":2}", "{\"id\":2,\"order_id\":1}",
                "{\"id\":2,\"order_id\":2}");
        ReceivedChange updatedWithoutBefore = update(ITEMS, "{\"id\":3}", null, "{\"id\":3,\"order_id\":2}");
        ReceivedChange deletedByKey = delete(ITEMS, "{\"id\":4}", "{\"id\":4}");
        ReceivedChange deletedWhole = delete(ITEMS, "{\"id\":5}", "{\"id\":5,\"order_id\":1}");
        ReceivedChange truncated = whole(Operation.TRUNCATE, ITEMS);

        Set<DocumentAddress> lookups = ChangedRows.lookups(List.of(inserted, updatedWithBefore, updatedWithoutBefore,
                deletedByKey, deletedWhole, truncated), TREES, DEFAULTS);

        assertEquals(Set.of(address("shop.order_items", "{\"id\":3}"), address("shop.order_items", "{\"id\":4}")),
                lookups);
    }

    @Test
    void anUpdateWhoseKeyHoldsItsJoinColumnsNeedsNoLookup() {
        ReceivedChange updatedRoot = update(ORDERS, "{\"id\":6}", null, "{\"id\":6,\"status\":1}");
        ReceivedChange updatedLink = update(ORDER_TAGS, "{\"order_id\":7,\"tag_id\":1}", null,
                "{\"order_id\":7,\"tag_id\":1}");

        Map<DocumentTree, ChangedRows.Work> work = ChangedRows.of(List.of(updatedRoot, updatedLink), TREES, Map.of(),
                DEFAULTS);

        assertEquals(Set.of(), ChangedRows.lookups(List.of(updatedRoot, updatedLink), TREES, DEFAULTS));
        assertEquals(Set.of(Map.of("id", "6")), states(work, ORDERS));
        assertEquals(Set.of(Map.of("order_id", "7")), states(work, ORDER_TAGS));
    }

    @Test
    void anUpdateThatChangedTheKeyIsLookedUpAtItsOldKey() {
        List<ReceivedChange> events = List.of(update(ITEMS, "{\"id\":6}", "{\"id\":5}",
                "{\"id\":6,\"order_id\":2}"));

        assertEquals(Set.of(address("shop.order_items", "{\"id\":5}")),
                ChangedRows.lookups(events, TREES, DEFAULTS));
    }

    @Test
    void anUpdateOfATableRoutedByAColumnOutsideItsKeyIsLookedUpWhereItsRoutingValuePutIt() {
        TableMappings routed = new TableMappings(Map.of(ITEMS, new TableMapping(ITEMS, "items-000001",
                Optional.of("items"), Set.of(), Set.of(), Map.of(), Optional.of("sku"), Optional.empty())));
        List<ReceivedChange> events = List.of(update(ITEMS, "{\"id\":5}", null,
                "{\"id\":5,\"order_id\":2,\"sku\":7}"));
        DocumentAddress stored = new DocumentAddress("items", "5", "7");

        Map<DocumentTree, ChangedRows.Work> work = ChangedRows.of(events, TREES,
                Map.of(stored, json("{\"id\":5,\"order_id\":1,\"sku\":7}")), routed);

        assertEquals(Set.of(stored), ChangedRows.lookups(events, TREES, routed));
        assertEquals(Set.of(Map.of("order_id", "2"), Map.of("order_id", "1")), states(work, ITEMS));
    }

    @Test
    void everyStateARowTakesInTheBatchCounts() {
        List<ReceivedChange> events = List.of(
                insert(ITEMS, "{\"id\":5}", "{\"id\":5,\"order_id\":1}"),
                update(ITEMS, "{\"id\":5}", "{\"id\":5,\"order_id\":1}", "{\"id\":5,\"order_id\":2}"),
                update(ITEMS, "{\"id\":5}", "{\"id\":5,\"order_id\":2}", "{\"id\":5,\"order_id\":3}"));

        Map<DocumentTree, ChangedRows.Work> work = ChangedRows.of(events, TREES, Map.of(), DEFAULTS);

        assertEquals(Set.of(Map.of("order_id", "1"), Map.of("order_id", "2"), Map.of("order_id", "3")),
                states(work, ITEMS));
    }

    @Test
    void aRowWithoutItsJoinColumnsGivesNoState() {
        Map<DocumentTree, ChangedRows.Work> work = ChangedRows.of(List.of(insert(ITEMS, "{\"id\":5}",
                "{\"id\":5,\"order_id\":null}")), TREES, Map.of(), DEFAULTS);

        assertEquals(Map.of(), work, "an item of no order is in no document");
    }

    @Test
    void valuesAreTextAsPostgreSqlReadsThemBack() {
        assertEquals("abc", ChangedRows.text(json("{\"v\":\"abc\"}").get("v")));
        assertEquals("12", ChangedRows.text(json("{\"v\":12}").get("v")));
        assertEquals("true", ChangedRows.text(json("{\"v\":true}").get("v")));
        assertEquals("1000", ChangedRows.text(DecimalNode.valueOf(new BigDecimal("1E+3"))));
        assertEquals("[1,2]", ChangedRows.text(json("{\"v\":[1,2]}").get("v")));
    }
}
