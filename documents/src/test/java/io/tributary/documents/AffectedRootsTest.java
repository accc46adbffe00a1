package io.tributary.documents;

import static io.tributary.documents.ShopSchema.ITEMS;
import static io.tributary.documents.ShopSchema.ORDERS;
import static io.tributary.documents.ShopSchema.ORDER_TAGS;
import static io.tributary.documents.ShopSchema.PRODUCTS;
import static io.tributary.documents.ShopSchema.TAGS;
import static io.tributary.documents.ShopSchema.TAG_GROUPS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.model.TableId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The walk's SQL, as text: running it is JoinedDocumentsIT's part. */
class AffectedRootsTest {

    private static final DocumentTree TREE = ShopSchema.exampleTree();

    /** The example with each tag's group and a product's tags through a link table of its own. */
    private static final DocumentTree DEEP = deepTree();

    private static DocumentTree deepTree() {
        Map<TableId, CatalogTable> tables = ShopSchema.tables();
        TableId productTags = TableId.parse("shop.product_tags");
        tables.put(productTags, ShopSchema.table(productTags, List.of("sku", "tag_id"),
                ShopSchema.column("sku", ShopSchema.TEXT, "text"),
                ShopSchema.column("tag_id", ShopSchema.INT4, "int4")));
        return ShopSchema.checks(tables).check(ShopSchema.spec("""
                tributary.documents.orders {
                  root = "shop.orders"
                  join {
                    items { table = "shop.order_items", on { id = order_id }, many = true, join {
                      product { table = "shop.products", on { sku = sku }, join {
                        labels { table = "shop.tags", many = true,
                                 through { table = "shop.product_tags", on { sku = sku }, to { tag_id = id } } } } } } }
                    tags { table = "shop.tags", many = true,
                           through { table = "shop.order_tags", on { id = order_id }, to { tag_id = id } },
                           join { group { table = "shop.tag_groups", on { group_id = id } } } }
                  }
                }
                """));
    }

    private static DocumentTree.Occurrence only(DocumentTree tree, TableId table) {
        List<DocumentTree.Occurrence> occurrences = tree.occurrencesOf(table);
        assertEquals(1, occurrences.size(), "places of " + table);
        return occurrences.get(0);
    }

    private static DocumentTree.Occurrence at(DocumentTree tree, TableId table, String field) {
        return tree.occurrencesOf(table).stream().filter(occurrence -> occurrence.node().field().equals(field))
                .findFirst().orElseThrow();
    }

    @Test
    void aChildOfTheRootSelectsTheRootKeysItsJoinColumnsMatch() {
        DocumentTree.Occurrence items = only(TREE, ITEMS);

        assertEquals(List.of("order_id"), AffectedRoots.matchedColumns(items));
        assertEquals("SELECT DISTINCT t0.\"id\" FROM \"shop\".\"orders\" t0 WHERE (t0.\"id\") IN (?, ?)",
                AffectedRoots.sql(items, 2));
    }

    @Test
    void aManyToOneRowInsideAChildJoinsTheChildAndMatchesItsColumn() {
        DocumentTree.Occurrence product = only(TREE, PRODUCTS);

        assertEquals(List.of("sku"), AffectedRoots.matchedColumns(product));
        assertEquals("SELECT DISTINCT t0.\"id\" FROM \"shop\".\"orders\" t0"
                        + " JOIN \"shop\".\"order_items\" t1 ON t0.\"id\" = t1.\"order_id\""
                        + " WHERE (t1.\"sku\") IN (?)",
                AffectedRoots.sql(product, 1));
    }

    @Test
    void aTargetThroughALinkTableJoinsTheLinkAndMatchesItsTargetColumn() {
        DocumentTree.Occurrence tags = only(TREE, TAGS);

        assertEquals(List.of("id"), AffectedRoots.matchedColumns(tags));
        assertEquals("SELECT DISTINCT t0.\"id\" FROM \"shop\".\"orders\" t0"
                        + " JOIN \"shop\".\"order_tags\" l ON t0.\"id\" = l.\"order_id\""
                        + " WHERE (l.\"tag_id\") IN (?, ?, ?)",
                AffectedRoots.sql(tags, 3));
    }

    @Test
    void theLinkTableItselfMatchesTheEnclosingTable() {
        DocumentTree.Occurrence link = only(TREE, ORDER_TAGS);

        assertEquals(DocumentTree.Role.LINK, link.role());
        assertEquals(List.of("order_id"), AffectedRoots.matchedColumns(link));
        assertEquals("SELECT DISTINCT t0.\"id\" FROM \"shop\".\"orders\" t0 WHERE (t0.\"id\") IN (?)",
                AffectedRoots.sql(link, 1));
    }

    @Test
    void theRootMatchesItsOwnKey() {
        assertEquals(List.of("id"), AffectedRoots.matchedColumns(only(TREE, ORDERS)));
    }

    @Test
    void aJoinBelowALinkedTableJoinsThroughTheLink() {
        DocumentTree.Occurrence group = only(DEEP, TAG_GROUPS);

        assertEquals(List.of("id"), AffectedRoots.matchedColumns(group));
        assertEquals("SELECT DISTINCT t0.\"id\" FROM \"shop\".\"orders\" t0"
                        + " JOIN \"shop\".\"order_tags\" lt1 ON t0.\"id\" = lt1.\"order_id\""
                        + " JOIN \"shop\".\"tags\" t1 ON lt1.\"tag_id\" = t1.\"id\""
                        + " WHERE (t1.\"group_id\") IN (?)",
                AffectedRoots.sql(group, 1));
    }

    @Test
    void aLinkTwoLevelsDownJoinsEveryTableAbove() {
        DocumentTree.Occurrence link = only(DEEP, TableId.parse("shop.product_tags"));
        DocumentTree.Occurrence target = at(DEEP, TAGS, "labels");

        assertEquals(List.of("sku"), AffectedRoots.matchedColumns(link));
        assertEquals("SELECT DISTINCT t0.\"id\" FROM \"shop\".\"orders\" t0"
                        + " JOIN \"shop\".\"order_items\" t1 ON t0.\"id\" = t1.\"order_id\""
                        + " JOIN \"shop\".\"products\" t2 ON t1.\"sku\" = t2.\"sku\""
                        + " WHERE (t2.\"sku\") IN (?)",
                AffectedRoots.sql(link, 1));
        assertEquals("SELECT DISTINCT t0.\"id\" FROM \"shop\".\"orders\" t0"
                        + " JOIN \"shop\".\"order_items\" t1 ON t0.\"id\" = t1.\"order_id\""
                        + " JOIN \"shop\".\"products\" t2 ON t1.\"sku\" = t2.\"sku\""
                        + " JOIN \"shop\".\"product_tags\" l ON t2.\"sku\" = l.\"sku\""
                        + " WHERE (l.\"tag_id\") IN (?)",
                AffectedRoots.sql(target, 1));
    }

    @Test
    void severalMatchedColumnsAreComparedAsTuples() {
        Map<TableId, CatalogTable> tables = ShopSchema.tables();
        TableId notes = TableId.parse("shop.tag_notes");
        tables.put(notes, ShopSchema.table(notes, List.of("order_id", "tag_id"),
                ShopSchema.column("order_id", ShopSchema.INT4, "int4"),
                ShopSchema.column("tag_id", ShopSchema.INT4, "int4"),
                ShopSchema.column("note", ShopSchema.TEXT, "text")));
        DocumentTree tree = ShopSchema.checks(tables).check(ShopSchema.spec("tributary.documents.orders {"
                + " root = \"shop.orders\", join { links { table = \"shop.order_tags\", on { id = order_id },"
                + " many = true,"
                + " join { note { table = \"shop.tag_notes\", on { order_id = order_id, tag_id = tag_id } } } } } }"));
        DocumentTree.Occurrence note = only(tree, notes);

        String sql = AffectedRoots.sql(note, 2);

        assertEquals(List.of("order_id", "tag_id"), AffectedRoots.matchedColumns(note).stream().sorted().toList());
        assertTrue(sql.startsWith("SELECT DISTINCT t0.\"id\" FROM \"shop\".\"orders\" t0"
                + " JOIN \"shop\".\"order_tags\" t1 ON t0.\"id\" = t1.\"order_id\" WHERE ("), sql);
        assertTrue(sql.contains("t1.\"order_id\"") && sql.contains("t1.\"tag_id\""), sql);
        assertTrue(sql.endsWith(") IN ((?, ?), (?, ?))"), sql);
    }

    @Test
    void rootRowsAreTheirOwnDocumentsAndNeedNoQuery() throws Exception {
        List<List<String>> pages = new ArrayList<>();
        List<Map<String, String>> rows = List.of(Map.of("id", "1"), Map.of("id", "2"), Map.of("id", "1"),
                Map.of("status", "paid"), Map.of("id", "3"));

        new AffectedRoots(TREE).find(null, ORDERS, rows, 2, page -> pages.add(page.stream().map(key -> key.get(0))
                .toList()));

        assertEquals(List.of(List.of("1", "2"), List.of("3")), pages, "distinct keys, a state without one skipped");
    }

    @Test
    void rowsLackingTheirJoinColumnsRelateToNothing() throws Exception {
        List<List<List<String>>> pages = new ArrayList<>();

        new AffectedRoots(TREE).find(null, ITEMS, List.of(Map.of("id", "5"), Map.of()), 10, pages::add);
        new AffectedRoots(TREE).find(null, TableId.parse("shop.audit"), List.of(Map.of("id", "5")), 10, pages::add);

        assertEquals(List.of(), pages);
    }
}
