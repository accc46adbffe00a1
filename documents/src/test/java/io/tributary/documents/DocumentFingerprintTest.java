package io.tributary.documents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.model.TableId;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DocumentFingerprintTest {

    private static final TableId ORDERS = ShopSchema.ORDERS;

    private static DocumentSpec withRootColumns(ColumnSelection columns) {
        JoinSpec customer = new JoinSpec("customer", ShopSchema.CUSTOMERS, List.of(new ColumnPair("customer_id", "id")),
                Optional.empty(), false, List.of(), columns, List.of());
        return new DocumentSpec("orders", ORDERS, columns, List.of(customer));
    }

    private static String fingerprintOf(String joins) {
        return DocumentFingerprint.of(ShopSchema.spec("tributary.documents.orders { root = \"shop.orders\","
                + " join { " + joins + " } }"));
    }

    @Test
    void theSameConfigurationHasTheSameFingerprint() {
        String first = DocumentFingerprint.of(ShopSchema.spec(ShopSchema.EXAMPLE));
        String second = DocumentFingerprint.of(ShopSchema.spec(ShopSchema.EXAMPLE));

        assertEquals(first, second);
        assertTrue(first.matches("[0-9a-f]{16}"), first);
    }

    @Test
    void theFingerprintOfAConfigurationNeverChangesBetweenRunsOrReleases() {
        // Indices record the fingerprint they were built for: a different one after an upgrade rebuilds every
        // document of every type. Change this value only together with a release note saying so.
        assertEquals("6ea217a62eeb521e", DocumentFingerprint.of(ShopSchema.spec(ShopSchema.EXAMPLE)));
    }

    @Test
    void setsAndMapsBuiltInAnyOrderGiveOneFingerprint() {
        Set<String> forwards = new LinkedHashSet<>(List.of("a", "b", "c", "d", "e", "f", "g"));
        Set<String> backwards = new LinkedHashSet<>(List.of("g", "f", "e", "d", "c", "b", "a"));
        Map<String, String> renameForwards = new LinkedHashMap<>();
        Map<String, String> renameBackwards = new LinkedHashMap<>();
        for (String column : forwards) {
            renameForwards.put(column, column.toUpperCase());
        }
        for (String column : backwards) {
            renameBackwards.put(column, column.toUpperCase());
        }

        DocumentSpec one = withRootColumns(new ColumnSelection(forwards, Set.of(), renameForwards));
        DocumentSpec other = withRootColumns(new ColumnSelection(backwards, Set.of(), renameBackwards));
        DocumentSpec excluding = withRootColumns(new ColumnSelection(Set.of(), new HashSet<>(backwards), Map.of()));

        assertEquals(DocumentFingerprint.of(one), DocumentFingerprint.of(other));
        assertTrue(DocumentFingerprint.canonical(one).contains(" columns [a, b, c, d, e, f, g] exclude []"
                + " rename {a=A, b=B, c=C, d=D, e=E, f=F, g=G}"), DocumentFingerprint.canonical(one));
        assertTrue(DocumentFingerprint.canonical(excluding).contains(" exclude [a, b, c, d, e, f, g]"),
                DocumentFingerprint.canonical(excluding));
    }

    @Test
    void anyChangeOfAJoinChangesTheFingerprint() {
        List<String> fingerprints = List.of(
                fingerprintOf("items { table = \"shop.order_items\", on { id = order_id }, many = true }"),
                fingerprintOf("items { table = \"shop.order_items\", on { customer_id = order_id }, many = true }"),
                fingerprintOf("items { table = \"shop.order_items\", on { id = order_id } }"),
                fingerprintOf("items { table = \"shop.order_items\", on { id = order_id }, many = true,"
                        + " order-by = [sku] }"),
                fingerprintOf("items { table = \"shop.order_items\", on { id = order_id }, many = true,"
                        + " exclude = [qty] }"),
                fingerprintOf("items { table = \"shop.order_items\", on { id = order_id }, many = true,"
                        + " rename { qty = quantity } }"),
                fingerprintOf("lines { table = \"shop.order_items\", on { id = order_id }, many = true }"),
                fingerprintOf("items { table = \"shop.order_lines\", on { id = order_id }, many = true }"),
                fingerprintOf("items { table = \"shop.order_items\", on { id = order_id }, many = true,"
                        + " join { product { table = \"shop.products\", on { sku = sku } } } }"),
                fingerprintOf("items { table = \"shop.order_items\", many = true,"
                        + " through { table = \"shop.order_tags\", on { id = order_id }, to { tag_id = id } } }"),
                fingerprintOf("items { table = \"shop.order_items\", many = true,"
                        + " through { table = \"shop.order_tags\", on { id = order_id }, to { tag_id = item_id } } }"));

        assertEquals(fingerprints.size(), Set.copyOf(fingerprints).size(), fingerprints.toString());
    }

    @Test
    void theNameAndRootAreFingerprintedToo() {
        String orders = DocumentFingerprint.of(new DocumentSpec("orders", ORDERS, ColumnSelection.ALL, List.of()));

        assertNotEquals(orders, DocumentFingerprint.of(new DocumentSpec("sales", ORDERS, ColumnSelection.ALL,
                List.of())));
        assertNotEquals(orders, DocumentFingerprint.of(new DocumentSpec("orders", ShopSchema.ITEMS,
                ColumnSelection.ALL, List.of())));
        assertNotEquals(orders, DocumentFingerprint.of(new DocumentSpec("orders", ORDERS,
                new ColumnSelection(Set.of("id"), Set.of(), Map.of()), List.of())));
    }
}
