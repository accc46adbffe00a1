package io.tributary.documents;

import static io.tributary.documents.ShopSchema.CUSTOMERS;
import static io.tributary.documents.ShopSchema.INT4;
import static io.tributary.documents.ShopSchema.INT8;
import static io.tributary.documents.ShopSchema.ITEMS;
import static io.tributary.documents.ShopSchema.ORDERS;
import static io.tributary.documents.ShopSchema.ORDER_TAGS;
import static io.tributary.documents.ShopSchema.PRODUCTS;
import static io.tributary.documents.ShopSchema.TAGS;
import static io.tributary.documents.ShopSchema.column;
import static io.tributary.documents.ShopSchema.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.config.InvalidConfigException;
import io.tributary.model.TableId;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DocumentChecksTest {

    private static DocumentTree.Node child(DocumentTree.Node node, String field) {
        return node.children().stream().filter(child -> child.field().equals(field)).findFirst()
                .orElseThrow(() -> new AssertionError("no join " + field + " under " + node.where()));
    }

    /** {@code orders} with {@code joins} as its join object (and {@code rootFields} before it). */
    private static String orders(String rootFields, String joins) {
        return "tributary.documents.orders { root = \"shop.orders\", " + rootFields + " join { " + joins + " } }";
    }

    private static String error(Map<TableId, CatalogTable> tables, String hocon) {
        DocumentSpec spec = ShopSchema.spec(hocon);
        return assertThrows(InvalidConfigException.class, () -> ShopSchema.checks(tables).check(spec)).getMessage();
    }

    private static String error(String hocon) {
        return error(ShopSchema.tables(), hocon);
    }

    private static void assertContains(String expected, String actual) {
        assertTrue(actual.contains(expected), "expected '" + expected + "' in: " + actual);
    }

    @Test
    void theIssuesExampleResolvesIntoATreeOfTheCatalogsTables() {
        DocumentTree tree = ShopSchema.exampleTree();

        DocumentTree.Node root = tree.root();
        assertEquals("orders", tree.name());
        assertTrue(root.isRoot());
        assertEquals(ORDERS, root.table().table());
        assertEquals(List.of("id"), root.orderBy());
        DocumentTree.Node customer = child(root, "customer");
        assertEquals(CUSTOMERS, customer.table().table());
        assertFalse(customer.many());
        assertEquals("orders.join.customer", customer.where());
        DocumentTree.Node items = child(root, "items");
        assertTrue(items.many());
        assertEquals(List.of("sku", "id"), items.orderBy(), "the configured columns, then the key");
        DocumentTree.Node product = child(items, "product");
        assertEquals(PRODUCTS, product.table().table());
        assertEquals("orders.join.items.join.product", product.where());
        DocumentTree.Node tags = child(root, "tags");
        assertEquals(ORDER_TAGS, tags.through().orElseThrow().table().table());
        assertEquals(List.of("id"), tags.outerColumns());
        assertEquals(List.of("id"), tags.orderBy());
        assertEquals(Set.of(ORDERS, CUSTOMERS, ITEMS, PRODUCTS, ORDER_TAGS, TAGS), tree.tables());
    }

    @Test
    void theKeyIsNotRepeatedWhenOrderByNamesItAlready() {
        DocumentTree tree = ShopSchema.tree(orders("", "items { table = \"shop.order_items\", on { id = order_id },"
                + " many = true, order-by = [id, sku] }"));

        assertEquals(List.of("id", "sku"), tree.root().children().get(0).orderBy());
    }

    @Test
    void aTableThatDoesNotExistIsNamedWithItsJoin() {
        Map<TableId, CatalogTable> tables = ShopSchema.tables();
        tables.remove(CUSTOMERS);

        String message = error(tables, ShopSchema.EXAMPLE);

        assertContains("tributary.documents.orders.join.customer.table names table shop.customers, which does not"
                + " exist", message);
    }

    @Test
    void aMissingLinkTableOrRootIsNamedToo() {
        Map<TableId, CatalogTable> noLink = ShopSchema.tables();
        noLink.remove(ORDER_TAGS);
        Map<TableId, CatalogTable> noRoot = ShopSchema.tables();
        noRoot.remove(ORDERS);

        assertContains("tributary.documents.orders.join.tags.through.table names table shop.order_tags",
                error(noLink, ShopSchema.EXAMPLE));
        assertContains("tributary.documents.orders.root names table shop.orders", error(noRoot, ShopSchema.EXAMPLE));
    }

    @Test
    void aColumnThatDoesNotExistIsNamedWithItsJoinAndTable() {
        assertContains("tributary.documents.orders.join.customer.on.customer_ref names column 'customer_ref', which"
                + " table shop.orders does not have",
                error(orders("", "customer { table = \"shop.customers\", on { customer_ref = id } }")));
        assertContains("names column 'ident', which table shop.customers does not have",
                error(orders("", "customer { table = \"shop.customers\", on { customer_id = ident } }")));
        assertContains("tributary.documents.orders.join.customer names column 'email' in columns, exclude or rename",
                error(orders("", "customer { table = \"shop.customers\", on { customer_id = id },"
                        + " columns = [id, email] }")));
        assertContains("tributary.documents.orders names column 'notes' in columns, exclude or rename",
                error(orders("exclude = [notes],", "")));
        assertContains("tributary.documents.orders.join.items names column 'position' in order-by",
                error(orders("", "items { table = \"shop.order_items\", on { id = order_id }, many = true,"
                        + " order-by = [position] }")));
    }

    @Test
    void joinColumnsOfDifferentTypesAreRefusedNamingBothColumnsAndTypes() {
        Map<TableId, CatalogTable> tables = ShopSchema.tables();
        tables.put(CUSTOMERS, table(CUSTOMERS, List.of("id"), column("id", INT8, "int8"),
                column("name", ShopSchema.TEXT, "text")));

        String message = error(tables, ShopSchema.EXAMPLE);

        assertContains("tributary.documents.orders.join.customer.on.customer_id joins shop.orders.customer_id (int4)"
                + " to shop.customers.id (int8)", message);
    }

    @Test
    void aDomainJoinsItsBaseType() {
        Map<TableId, CatalogTable> tables = ShopSchema.tables();
        tables.put(CUSTOMERS, table(CUSTOMERS, List.of("id"), new CatalogTable.Column("id", 91_234, "customer_id",
                INT4), column("name", ShopSchema.TEXT, "text")));

        DocumentTree tree = ShopSchema.checks(tables).check(ShopSchema.spec(ShopSchema.EXAMPLE));

        assertEquals(CUSTOMERS, child(tree.root(), "customer").table().table());
    }

    @Test
    void oneRowJoinedOnColumnsThatAreNoUniqueKeyIsRefused() {
        String message = error(orders("", "items { table = \"shop.order_items\", on { id = order_id } }"));

        assertContains("tributary.documents.orders.join.items embeds one row of shop.order_items (many = false), but"
                + " [order_id] is not a unique key", message);
        assertContains("set many = true", message);
    }

    @Test
    void aPartOfACompositeUniqueKeyIsNoUniqueKey() {
        assertContains("[order_id] is not a unique key of it", error(orders("",
                "link { table = \"shop.order_tags\", on { id = order_id } }")));
    }

    @Test
    void oneRowJoinedOnAUniqueIndexOtherThanTheKeyIsAccepted() {
        Map<TableId, CatalogTable> tables = ShopSchema.tables();
        tables.put(CUSTOMERS, new CatalogTable(CUSTOMERS, List.of(column("id", INT4, "int4"),
                column("number", INT4, "int4")), List.of("id"), List.of(Set.of("id"), Set.of("number"))));

        DocumentTree tree = ShopSchema.checks(tables).check(ShopSchema.spec(orders("",
                "customer { table = \"shop.customers\", on { customer_id = number } }")));

        assertEquals(List.of(new ColumnPair("customer_id", "number")), tree.root().children().get(0).on());
    }

    @Test
    void aTableThatJoinsBackToAnEnclosingOneIsACycle() {
        String message = error(orders("", "items { table = \"shop.order_items\", on { id = order_id }, many = true,"
                + " join { order { table = \"shop.orders\", on { order_id = id } } } }"));

        assertContains("tributary.documents.orders.join.items.join.order joins shop.orders, which encloses it already"
                + " (shop.orders > shop.order_items): a cycle", message);
    }

    @Test
    void aTableMayTakePartInTwoBranches() {
        DocumentTree tree = ShopSchema.tree(orders("",
                "customer { table = \"shop.customers\", on { customer_id = id } },"
                + " items { table = \"shop.order_items\", on { id = order_id }, many = true,"
                + "   join { buyer { table = \"shop.customers\", on { qty = id } } } }"));

        assertEquals(2, tree.occurrencesOf(CUSTOMERS).size());
    }

    @Test
    void aJoinFieldThatIsAlsoAKeptColumnIsRefused() {
        String message = error(orders("", "status { table = \"shop.customers\", on { customer_id = id } }"));

        assertContains("tributary.documents.orders.join.status embeds its rows under 'status', which is also a column"
                + " of shop.orders kept in the document", message);
    }

    @Test
    void aJoinFieldMayTakeTheNameOfADroppedColumnButNotOfARenamedOne() {
        ShopSchema.tree(orders("exclude = [status],",
                "status { table = \"shop.customers\", on { customer_id = id } }"));

        assertContains("embeds its rows under 'customer'", error(orders("rename { customer_id = customer },",
                "customer { table = \"shop.customers\", on { customer_id = id } }")));
    }

    @Test
    void aTableThePublicationDoesNotPublishIsRefused() {
        Map<TableId, CatalogTable> tables = ShopSchema.tables();
        Set<TableId> published = new HashSet<>(tables.keySet());
        published.remove(ORDER_TAGS);
        DocumentChecks checks = new DocumentChecks(table -> Optional.ofNullable(tables.get(table)), "shop_pub",
                Optional.of(published));

        InvalidConfigException error = assertThrows(InvalidConfigException.class,
                () -> checks.check(ShopSchema.spec(ShopSchema.EXAMPLE)));

        assertContains("tributary.documents.orders.join.tags.through.table names table shop.order_tags, which"
                + " publication 'shop_pub' does not publish", error.getMessage());
    }

    @Test
    void withoutAPublicationToCheckEveryExistingTableIsAccepted() {
        Map<TableId, CatalogTable> tables = ShopSchema.tables();
        DocumentChecks checks = new DocumentChecks(table -> Optional.ofNullable(tables.get(table)), "",
                Optional.empty());

        assertEquals(6, checks.check(ShopSchema.spec(ShopSchema.EXAMPLE)).tables().size());
    }

    @Test
    void aTableWithoutKeyIsRefused() {
        Map<TableId, CatalogTable> tables = ShopSchema.tables();
        tables.put(TAGS, table(TAGS, List.of(), column("id", INT4, "int4")));

        assertContains("tributary.documents.orders.join.tags.table names table shop.tags, which has no primary key",
                error(tables, ShopSchema.EXAMPLE));
    }
}
