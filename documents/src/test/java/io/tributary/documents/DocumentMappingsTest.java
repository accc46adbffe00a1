package io.tributary.documents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class DocumentMappingsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final JsonNode LONG = json("{\"type\":\"long\"}");
    private static final JsonNode TEXT = json("{\"type\":\"text\",\"fields\":{\"keyword\":{\"type\":\"keyword\","
            + "\"ignore_above\":256}}}");

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    @Test
    void keptColumnsAreMappedByTheirTypes() {
        JsonNode properties = DocumentMappings.of(ShopSchema.exampleTree()).get("properties");

        assertEquals(LONG, properties.get("id"));
        assertEquals(LONG, properties.get("customer_id"));
        assertEquals(TEXT, properties.get("status"));
        assertFalse(properties.has("note"), "excluded");
    }

    @Test
    void aJoinOfManyRowsIsNestedAndAJoinOfOneIsAnObject() {
        JsonNode properties = DocumentMappings.of(ShopSchema.exampleTree()).get("properties");

        assertEquals("nested", properties.path("items").path("type").asText());
        assertEquals("nested", properties.path("tags").path("type").asText());
        assertFalse(properties.get("customer").has("type"), "an object: Elasticsearch's default");
        assertEquals(json("{\"properties\":{\"id\":{\"type\":\"long\"},\"name\":" + TEXT + "}}"),
                properties.get("customer"));
        JsonNode product = properties.path("items").path("properties").path("product");
        assertFalse(product.has("type"));
        assertEquals(json("{\"type\":\"keyword\",\"fields\":{\"double\":{\"type\":\"double\","
                + "\"ignore_malformed\":true}}}"), product.path("properties").path("price"));
        assertEquals(LONG, properties.path("items").path("properties").path("qty"));
    }

    @Test
    void renamedAndDroppedColumnsOfAJoinAreMappedAsTheDocumentHoldsThem() {
        DocumentTree tree = ShopSchema.tree("tributary.documents.orders { root = \"shop.orders\", columns = [id],"
                + " join { customer { table = \"shop.customers\", on { customer_id = id }, columns = [name],"
                + " rename { name = customer_name } } } }");

        assertEquals(json("{\"properties\":{\"id\":{\"type\":\"long\"},\"customer\":{\"properties\":{"
                + "\"customer_name\":" + TEXT + "}}}}"), DocumentMappings.of(tree));
    }
}
