package io.tributary.documents;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.shaping.FieldMappings;

/**
 * The Elasticsearch mappings of a document type, derived from its tables' column types as per-table indices derive
 * theirs ({@link FieldMappings}): each kept column's field by its type; a join that embeds one row an object of its
 * fields; a join that embeds many a {@code nested} array of them, so that a query can ask two things of one item
 * ({@code items.sku = X AND items.qty > 2}). Stateless.
 */
public final class DocumentMappings {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private DocumentMappings() {
    }

    /** {@code {"properties": {…}}} for the whole document. */
    public static ObjectNode of(DocumentTree tree) {
        ObjectNode mappings = JSON.objectNode();
        mappings.set("properties", properties(tree.root()));
        return mappings;
    }

    private static ObjectNode properties(DocumentTree.Node node) {
        ObjectNode properties = JSON.objectNode();
        for (CatalogTable.Column column : node.table().columns()) {
            node.columns().fieldOf(column.name()).ifPresent(field ->
                    properties.set(field, FieldMappings.forType(column.typeName())));
        }
        for (DocumentTree.Node child : node.children()) {
            ObjectNode mapping = JSON.objectNode();
            if (child.many()) {
                mapping.put("type", "nested");
            }
            mapping.set("properties", properties(child));
            properties.set(child.field(), mapping);
        }
        return properties;
    }
}
