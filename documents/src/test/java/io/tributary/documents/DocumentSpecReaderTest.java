package io.tributary.documents;

import static io.tributary.documents.ShopSchema.CUSTOMERS;
import static io.tributary.documents.ShopSchema.ITEMS;
import static io.tributary.documents.ShopSchema.ORDERS;
import static io.tributary.documents.ShopSchema.ORDER_TAGS;
import static io.tributary.documents.ShopSchema.PRODUCTS;
import static io.tributary.documents.ShopSchema.TAGS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.tributary.config.InvalidConfigException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DocumentSpecReaderTest {

    private static JoinSpec join(List<JoinSpec> joins, String field) {
        return joins.stream().filter(join -> join.field().equals(field)).findFirst()
                .orElseThrow(() -> new AssertionError("no join " + field + " in " + joins));
    }

    /** The message of the error reading {@code orders} with {@code joins} as its join object. */
    private static String errorWithJoins(String joins) {
        return error("tributary.documents.orders { root = \"shop.orders\", join { " + joins + " } }");
    }

    private static String error(String hocon) {
        return assertThrows(InvalidConfigException.class,
                () -> DocumentSpecReader.read(ConfigFactory.parseString(hocon))).getMessage();
    }

    private static void assertContains(String expected, String actual) {
        assertTrue(actual.contains(expected), "expected '" + expected + "' in: " + actual);
    }

    @Test
    void theIssuesExampleReadsIntoItsTree() {
        DocumentSpec spec = ShopSchema.spec(ShopSchema.EXAMPLE);

        assertEquals("orders", spec.name());
        assertEquals(ORDERS, spec.root());
        assertEquals(Set.of("note"), spec.columns().exclude());
        assertEquals(Set.of("customer", "items", "tags"),
                Set.copyOf(spec.joins().stream().map(JoinSpec::field).toList()));

        JoinSpec customer = join(spec.joins(), "customer");
        assertEquals(CUSTOMERS, customer.table());
        assertEquals(List.of(new ColumnPair("customer_id", "id")), customer.on());
        assertFalse(customer.many());
        assertEquals(Optional.empty(), customer.through());
        assertEquals(List.of(), customer.joins());

        JoinSpec items = join(spec.joins(), "items");
        assertEquals(ITEMS, items.table());
        assertEquals(List.of(new ColumnPair("id", "order_id")), items.on());
        assertTrue(items.many());
        assertEquals(List.of("sku"), items.orderBy());
        assertTrue(items.columns().keepsEverything());
        assertEquals(1, items.joins().size());
        JoinSpec product = items.joins().get(0);
        assertEquals("product", product.field());
        assertEquals(PRODUCTS, product.table());
        assertEquals(List.of(new ColumnPair("sku", "sku")), product.on());
        assertFalse(product.many());

        JoinSpec tags = join(spec.joins(), "tags");
        assertEquals(TAGS, tags.table());
        assertTrue(tags.many());
        assertEquals(List.of(), tags.on());
        JoinSpec.Through through = tags.through().orElseThrow();
        assertEquals(ORDER_TAGS, through.table());
        assertEquals(List.of(new ColumnPair("id", "order_id")), through.on());
        assertEquals(List.of(new ColumnPair("tag_id", "id")), through.to());

        assertEquals(Set.of(ORDERS, CUSTOMERS, ITEMS, PRODUCTS, ORDER_TAGS, TAGS), spec.tables());
    }

    @Test
    void noDocumentsWhenTheKeyIsAbsent() {
        assertEquals(List.of(), DocumentSpecReader.read(ConfigFactory.parseString("tributary.tables {}")));
    }

    @Test
    void orderByTakesAListOrACommaSeparatedString() {
        String hocon = "tributary.documents.orders { root = \"shop.orders\","
                + " join { items { table = \"shop.order_items\","
                + " on { id = order_id }, many = true, order-by = %s } } }";

        assertEquals(List.of("sku", "qty"), ShopSchema.spec(hocon.formatted("[sku, qty]")).joins().get(0).orderBy());
        assertEquals(List.of("sku", "qty"), ShopSchema.spec(hocon.formatted("\"sku, qty\"")).joins().get(0).orderBy());
        assertContains("tributary.documents.orders.join.items.order-by must name at least one column",
                error(hocon.formatted("\" , \"")));
    }

    @Test
    void columnsRenameAndExcludeOfAJoinAreRead() {
        DocumentSpec spec = ShopSchema.spec("tributary.documents.orders { root = \"shop.orders\","
                + " columns = [id, status], join { customer { table = \"shop.customers\", on { customer_id = id },"
                + " rename { name = customer_name }"
                + " } } }");

        assertEquals(Set.of("id", "status"), spec.columns().include());
        assertEquals(Map.of("name", "customer_name"), spec.joins().get(0).columns().rename());
    }

    @Test
    void anUnknownFieldOfAJoinIsNamedWithItsPath() {
        String message = errorWithJoins("items { table = \"shop.order_items\", on { id = order_id }, manny = true }");

        assertContains("tributary.documents.orders.join.items has an unknown field 'manny'", message);
    }

    @Test
    void anUnknownFieldOfADocumentOrALinkIsNamedWithItsPath() {
        assertContains("tributary.documents.orders has an unknown field 'joins'",
                error("tributary.documents.orders { root = \"shop.orders\", joins {} }"));
        assertContains("tributary.documents.orders.join.tags.through has an unknown field 'from'",
                errorWithJoins("tags { table = \"shop.tags\", many = true, through { table = \"shop.order_tags\","
                        + " on { id = order_id }, from { tag_id = id } } }"));
    }

    @Test
    void aJoinWithBothOnAndThroughIsRefused() {
        String message = errorWithJoins("tags { table = \"shop.tags\", many = true, on { id = id },"
                + " through { table = \"shop.order_tags\", on { id = order_id }, to { tag_id = id } } }");

        assertContains("tributary.documents.orders.join.tags sets both on and through", message);
    }

    @Test
    void aJoinWithNeitherOnNorThroughIsRefused() {
        String message = errorWithJoins("customer { table = \"shop.customers\" }");

        assertContains("tributary.documents.orders.join.customer needs on {", message);
        assertContains("through", message);
    }

    @Test
    void aJoinThroughALinkTableMustBeMany() {
        String message = errorWithJoins("tags { table = \"shop.tags\","
                + " through { table = \"shop.order_tags\", on { id = order_id }, to { tag_id = id } } }");

        assertContains("tributary.documents.orders.join.tags joins through a link table", message);
        assertContains("set many = true", message);
    }

    @Test
    void aLinkNeedsBothOnAndTo() {
        assertContains("tributary.documents.orders.join.tags.through needs to",
                errorWithJoins("tags { table = \"shop.tags\", many = true,"
                        + " through { table = \"shop.order_tags\", on { id = order_id } } }"));
        assertContains("tributary.documents.orders.join.tags.through needs on",
                errorWithJoins("tags { table = \"shop.tags\", many = true,"
                        + " through { table = \"shop.order_tags\", to { tag_id = id } } }"));
    }

    @Test
    void orderByOnAJoinOfOneRowIsRefused() {
        String message = errorWithJoins("customer { table = \"shop.customers\", on { customer_id = id },"
                + " order-by = [name] }");

        assertContains("tributary.documents.orders.join.customer.order-by orders an array", message);
    }

    @Test
    void aColumnPairThatIsNoStringIsRefusedNamingThePair() {
        assertContains("tributary.documents.orders.join.customer.on.customer_id must be a column name, got 5",
                errorWithJoins("customer { table = \"shop.customers\", on { customer_id = 5 } }"));
        assertContains("tributary.documents.orders.join.customer.on.customer_id must be a column name",
                errorWithJoins("customer { table = \"shop.customers\", on { customer_id = [id] } }"));
        assertContains("tributary.documents.orders.join.tags.through.to.tag_id must be a column name",
                errorWithJoins("tags { table = \"shop.tags\", many = true,"
                        + " through { table = \"shop.order_tags\", on { id = order_id }, to { tag_id = {} } } }"));
    }

    @Test
    void anEmptyOrMissingPairObjectIsRefused() {
        assertContains("tributary.documents.orders.join.customer.on must be an object of column pairs",
                errorWithJoins("customer { table = \"shop.customers\", on {} }"));
        assertContains("tributary.documents.orders.join.customer.on must be an object of column pairs",
                errorWithJoins("customer { table = \"shop.customers\", on = \"customer_id = id\" }"));
    }

    @Test
    void manyMustBeABoolean() {
        assertContains("tributary.documents.orders.join.items.many must be true or false",
                errorWithJoins("items { table = \"shop.order_items\", on { id = order_id }, many = yes }"));
    }

    @Test
    void tablesMustBeNamed() {
        assertContains("tributary.documents.orders.root must name a table", error("tributary.documents.orders {}"));
        assertContains("tributary.documents.orders.join.customer.table must name a table",
                errorWithJoins("customer { on { customer_id = id } }"));
        assertContains("tributary.documents.orders.join.customer.table must name a table",
                errorWithJoins("customer { table = 5, on { customer_id = id } }"));
    }

    @Test
    void aJoinFieldStartingWithAnUnderscoreIsRefused() {
        assertContains("tributary.documents.orders.join._meta is a field starting with '_'",
                errorWithJoins("_meta { table = \"shop.customers\", on { customer_id = id } }"));
    }

    @Test
    void nestedJoinsAreNamedWithTheirWholePath() {
        String message = errorWithJoins("items { table = \"shop.order_items\", on { id = order_id }, many = true,"
                + " join { product { table = \"shop.products\", on { sku = 1 } } } }");

        assertContains("tributary.documents.orders.join.items.join.product.on.sku must be a column name", message);
    }

    @Test
    void documentsAndJoinsMustBeObjects() {
        assertContains("tributary.documents must be an object of document types",
                error("tributary.documents = [orders]"));
        assertContains("tributary.documents.orders must be a document type",
                error("tributary.documents.orders = \"shop.orders\""));
        assertContains("tributary.documents.orders.join must be an object of joins",
                error("tributary.documents.orders { root = \"shop.orders\", join = [customer] }"));
        assertContains("tributary.documents.orders.join.customer must be a join",
                errorWithJoins("customer = \"shop.customers\""));
    }
}
