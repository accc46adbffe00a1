package io.tributary.documents;

import com.typesafe.config.ConfigFactory;
import io.tributary.model.TableId;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A shop's tables as a fake catalog, and the document type of the issue over them: an order with its customer, its
 * items with their product, and its tags through a link table. For tests that need no database.
 */
final class ShopSchema {

    static final TableId ORDERS = TableId.parse("shop.orders");
    static final TableId CUSTOMERS = TableId.parse("shop.customers");
    static final TableId ITEMS = TableId.parse("shop.order_items");
    static final TableId PRODUCTS = TableId.parse("shop.products");
    static final TableId TAGS = TableId.parse("shop.tags");
    static final TableId ORDER_TAGS = TableId.parse("shop.order_tags");
    static final TableId TAG_GROUPS = TableId.parse("shop.tag_groups");

    static final int INT4 = 23;
    static final int INT8 = 20;
    static final int TEXT = 25;
    static final int NUMERIC = 1700;

    /** The example, as an operator writes it. */
    static final String EXAMPLE = """
            tributary.documents {
              orders {
                root = "shop.orders"
                exclude = [note]
                join {
                  customer { table = "shop.customers", on { customer_id = id } }
                  items { table = "shop.order_items", on { id = order_id }, many = true, order-by = [sku],
                          join { product { table = "shop.products", on { sku = sku } } } }
                  tags { table = "shop.tags", many = true,
                         through { table = "shop.order_tags", on { id = order_id }, to { tag_id = id } } }
                }
              }
            }
            """;

    private ShopSchema() {
    }

    /** Every table of the shop by name. */
    static Map<TableId, CatalogTable> tables() {
        Map<TableId, CatalogTable> tables = new HashMap<>();
        tables.put(ORDERS, table(ORDERS, List.of("id"), column("id", INT4, "int4"),
                column("customer_id", INT4, "int4"), column("status", TEXT, "text"), column("note", TEXT, "text")));
        tables.put(CUSTOMERS, table(CUSTOMERS, List.of("id"), column("id", INT4, "int4"),
                column("name", TEXT, "text")));
        tables.put(ITEMS, table(ITEMS, List.of("id"), column("id", INT4, "int4"), column("order_id", INT4, "int4"),
                column("sku", TEXT, "text"), column("qty", INT4, "int4")));
        tables.put(PRODUCTS, table(PRODUCTS, List.of("sku"), column("sku", TEXT, "text"),
                column("title", TEXT, "text"), column("price", NUMERIC, "numeric")));
        tables.put(TAGS, table(TAGS, List.of("id"), column("id", INT4, "int4"), column("label", TEXT, "text"),
                column("group_id", INT4, "int4")));
        tables.put(ORDER_TAGS, table(ORDER_TAGS, List.of("order_id", "tag_id"), column("order_id", INT4, "int4"),
                column("tag_id", INT4, "int4")));
        tables.put(TAG_GROUPS, table(TAG_GROUPS, List.of("id"), column("id", INT4, "int4"),
                column("name", TEXT, "text")));
        return tables;
    }

    static CatalogTable.Column column(String name, int typeOid, String typeName) {
        return new CatalogTable.Column(name, typeOid, typeName, typeOid);
    }

    /** A table whose only unique key is {@code key}. */
    static CatalogTable table(TableId id, List<String> key, CatalogTable.Column... columns) {
        return new CatalogTable(id, Arrays.asList(columns), key, key.isEmpty() ? List.of() : List.of(Set.copyOf(key)));
    }

    /** Checks against {@code tables}, every one of them published. */
    static DocumentChecks checks(Map<TableId, CatalogTable> tables) {
        return new DocumentChecks(table -> Optional.ofNullable(tables.get(table)), "tributary",
                Optional.of(Set.copyOf(tables.keySet())));
    }

    /** The one document type {@code hocon} configures. */
    static DocumentSpec spec(String hocon) {
        List<DocumentSpec> specs = DocumentSpecReader.read(ConfigFactory.parseString(hocon));
        if (specs.size() != 1) {
            throw new IllegalArgumentException("expected one document type, got " + specs);
        }
        return specs.get(0);
    }

    /** {@code hocon}'s document type checked against the shop. */
    static DocumentTree tree(String hocon) {
        return checks(tables()).check(spec(hocon));
    }

    /** The example checked against the shop. */
    static DocumentTree exampleTree() {
        return tree(EXAMPLE);
    }
}
