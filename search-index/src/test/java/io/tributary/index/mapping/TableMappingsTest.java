package io.tributary.index.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.model.TableId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TableMappingsTest {

    private static final TableId ORDERS = new TableId("shop", "orders");
    private static final TableId ARCHIVE = new TableId("shop", "orders_archive");
    private static final TableId CUSTOMERS = new TableId("shop", "customers");

    private static TableMapping index(TableId table, String index) {
        return new TableMapping(table, index, Optional.empty(), Set.of(), Set.of(), Map.of(), Optional.empty(),
                Optional.empty());
    }

    private static TableMapping alias(TableId table, String alias) {
        return new TableMapping(table, alias + TableMapping.FIRST_GENERATION, Optional.of(alias), Set.of(), Set.of(),
                Map.of(), Optional.empty(), Optional.empty());
    }

    @Test
    void aTableInItsOwnIndexSharesItWithNoOne() {
        TableMappings tables = new TableMappings(Map.of(ORDERS, alias(ORDERS, "orders"),
                CUSTOMERS, index(CUSTOMERS, "customers")));

        assertEquals(Set.of(), tables.sharingIndexWith(ORDERS));
        assertEquals(Set.of(), tables.sharingIndexWith(CUSTOMERS));
        assertEquals(Set.of(), tables.sharingIndexWith(new TableId("shop", "lines")), "the default index");
        assertEquals(Set.of(), new TableMappings(Map.of(ORDERS, index(ORDERS, "shop.orders")))
                .sharingIndexWith(ORDERS), "its own default name, configured");
    }

    @Test
    void entriesNamingTheSameIndexOrAliasShareIt() {
        TableMappings sameIndex = new TableMappings(Map.of(ORDERS, index(ORDERS, "sales"),
                ARCHIVE, index(ARCHIVE, "sales")));
        TableMappings aliasAndItsIndex = new TableMappings(Map.of(ORDERS, alias(ORDERS, "sales"),
                ARCHIVE, index(ARCHIVE, "sales-000001")));

        assertEquals(Set.of(ARCHIVE), sameIndex.sharingIndexWith(ORDERS));
        assertEquals(Set.of(ORDERS), sameIndex.sharingIndexWith(ARCHIVE));
        assertEquals(Set.of(ARCHIVE), aliasAndItsIndex.sharingIndexWith(ORDERS));
        assertEquals(Set.of(ORDERS), aliasAndItsIndex.sharingIndexWith(ARCHIVE));
    }

    @Test
    void anIndexNamedLikeAnotherTablesDefaultIsSharedWithThatTable() {
        TableMappings tables = new TableMappings(Map.of(ORDERS, index(ORDERS, "shop.customers")));

        assertEquals(Set.of(CUSTOMERS), tables.sharingIndexWith(ORDERS));
        assertEquals(Set.of(ORDERS), tables.sharingIndexWith(CUSTOMERS));
        assertEquals(List.of(new TableId("a", "b.c"), new TableId("a.b", "c")),
                List.copyOf(new TableMappings(Map.of(ORDERS, index(ORDERS, "a.b.c"))).sharingIndexWith(ORDERS)),
                "each table whose default index the name is, in name order");
    }
}
