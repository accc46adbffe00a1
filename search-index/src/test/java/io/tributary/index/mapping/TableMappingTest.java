package io.tributary.index.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.TableId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TableMappingTest {

    private static final TableId ORDERS = new TableId("Shop", "Orders");

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) ChangeEventJson.mapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static TableMapping mapping(Set<String> include, Set<String> exclude, Map<String, String> rename) {
        return new TableMapping(ORDERS, "orders", Optional.empty(), include, exclude, rename, Optional.empty(),
                Optional.empty());
    }

    @Test
    void defaultsKeepEveryColumnInTheLowerCasedSchemaDotTableIndex() {
        TableMapping defaults = TableMapping.defaults(ORDERS);
        ObjectNode row = json("{\"id\":1,\"Total\":\"12.50\"}");

        assertEquals("shop.orders", defaults.target());
        assertSame(row, defaults.shape(row));
        assertEquals(Optional.of(""), defaults.routingValue(row));
    }

    @Test
    void includeKeepsOnlyTheNamedColumnsRenamed() {
        TableMapping mapping = mapping(Set.of("id", "total"), Set.of(), Map.of("total", "amount"));

        assertEquals(json("{\"id\":1,\"amount\":\"12.50\"}"),
                mapping.shape(json("{\"id\":1,\"total\":\"12.50\",\"notes\":\"n\"}")));
        assertEquals(List.of("amount"), mapping.fieldsOf(List.of("notes", "total")));
    }

    @Test
    void excludeDropsTheNamedColumnsFromDocumentsUnchangedListsAndFieldTypes() {
        TableMapping mapping = mapping(Set.of(), Set.of("secret"), Map.of("name", "title"));
        Map<String, String> types = new LinkedHashMap<>();
        types.put("id", "int4");
        types.put("secret", "text");
        types.put("name", "varchar");

        assertEquals(json("{\"id\":1,\"title\":\"x\"}"),
                mapping.shape(json("{\"id\":1,\"secret\":\"s\",\"name\":\"x\"}")));
        assertEquals(List.of("title"), mapping.fieldsOf(List.of("secret", "name")));
        assertEquals(List.of("id", "title"), List.copyOf(mapping.fieldTypes(types).keySet()));
        assertEquals("varchar", mapping.fieldTypes(types).get("title"));
    }

    @Test
    void theRoutingValueComesFromTheFirstRowThatHasTheColumn() {
        TableMapping routed = new TableMapping(ORDERS, "orders", Optional.empty(), Set.of(), Set.of(), Map.of(),
                Optional.of("tenant"), Optional.empty());

        assertEquals(Optional.of("acme"), routed.routingValue(json("{\"id\":1}"), json("{\"tenant\":\"acme\"}")));
        assertEquals(Optional.of("42"), routed.routingValue(json("{\"tenant\":42}")));
        assertEquals(Optional.of(""), routed.routingValue(json("{\"tenant\":null}")), "NULL routes by _id");
        assertEquals(Optional.empty(), routed.routingValue(json("{\"id\":1}"), null));
    }

    @Test
    void impossibleIndexNamesAreNamedWithTheirRule() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> TableMapping.defaults(new TableId("shop", "my table")));
        assertTrue(error.getMessage().contains("shop.my table") && error.getMessage().contains("' '"),
                error.getMessage());
        assertEquals(Optional.of("contains upper-case letters, which Elasticsearch forbids in index names"),
                IndexNaming.problem("Orders"));
        assertEquals(Optional.of("is '..'"), IndexNaming.problem(".."));
        assertEquals(Optional.empty(), IndexNaming.problem("orders-000001"));
    }
}
