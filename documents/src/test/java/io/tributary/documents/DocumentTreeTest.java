package io.tributary.documents;

import static io.tributary.documents.ShopSchema.CUSTOMERS;
import static io.tributary.documents.ShopSchema.ITEMS;
import static io.tributary.documents.ShopSchema.ORDERS;
import static io.tributary.documents.ShopSchema.ORDER_TAGS;
import static io.tributary.documents.ShopSchema.PRODUCTS;
import static io.tributary.documents.ShopSchema.TAGS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.model.TableId;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DocumentTreeTest {

    private static final DocumentTree TREE = ShopSchema.exampleTree();

    private static List<String> fieldsOnThePath(DocumentTree.Occurrence occurrence) {
        return occurrence.path().stream().map(DocumentTree.Node::field).toList();
    }

    @Test
    void eachTableTakesPartWhereTheConfigurationJoinsIt() {
        DocumentTree.Occurrence root = TREE.occurrencesOf(ORDERS).get(0);
        DocumentTree.Occurrence product = TREE.occurrencesOf(PRODUCTS).get(0);
        DocumentTree.Occurrence tags = TREE.occurrencesOf(TAGS).get(0);
        DocumentTree.Occurrence link = TREE.occurrencesOf(ORDER_TAGS).get(0);

        assertEquals(DocumentTree.Role.ROOT, root.role());
        assertEquals(List.of(""), fieldsOnThePath(root));
        assertEquals(DocumentTree.Role.JOINED, product.role());
        assertEquals(List.of("", "items", "product"), fieldsOnThePath(product));
        assertEquals(DocumentTree.Role.JOINED, tags.role());
        assertEquals(DocumentTree.Role.LINK, link.role());
        assertEquals(List.of("", "tags"), fieldsOnThePath(link));
        assertEquals("tags", link.node().field(), "a link table's place is the join it links");
    }

    @Test
    void aTableOutsideTheDocumentTakesNoPart() {
        TableId audit = TableId.parse("shop.audit");

        assertEquals(List.of(), TREE.occurrencesOf(audit));
        assertEquals(Set.of(), TREE.joinColumnsOf(audit));
    }

    @Test
    void joinColumnsAreTheColumnsThatPlaceARowInADocument() {
        assertEquals(Set.of("id"), TREE.joinColumnsOf(ORDERS), "the root's key");
        assertEquals(Set.of("id"), TREE.joinColumnsOf(CUSTOMERS));
        assertEquals(Set.of("order_id"), TREE.joinColumnsOf(ITEMS));
        assertEquals(Set.of("sku"), TREE.joinColumnsOf(PRODUCTS));
        assertEquals(Set.of("order_id"), TREE.joinColumnsOf(ORDER_TAGS), "the link's side towards the order");
        assertEquals(Set.of("id"), TREE.joinColumnsOf(TAGS), "the target's side of the link");
    }

    @Test
    void aTableTakingPartTwiceHasTheJoinColumnsOfBothPlaces() {
        DocumentTree tree = ShopSchema.tree("tributary.documents.orders { root = \"shop.orders\", join {"
                + " items { table = \"shop.order_items\", on { id = order_id }, many = true },"
                + " tags { table = \"shop.tags\", many = true, join {"
                + "   tagged { table = \"shop.order_items\", on { group_id = qty }, many = true } },"
                + "   through { table = \"shop.order_tags\", on { id = order_id }, to { tag_id = id } } } } }");

        assertEquals(2, tree.occurrencesOf(ITEMS).size());
        assertEquals(Set.of("order_id", "qty"), tree.joinColumnsOf(ITEMS));
    }
}
