package io.tributary.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FieldMappingsTest {

    private static final String TEXT =
            "{\"type\":\"text\",\"fields\":{\"keyword\":{\"type\":\"keyword\",\"ignore_above\":256}}}";

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) new ObjectMapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** Field names and their columns' type names, in order. */
    private static Map<String, String> fields(String... namesAndTypes) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < namesAndTypes.length; i += 2) {
            fields.put(namesAndTypes[i], namesAndTypes[i + 1]);
        }
        return fields;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "int2        | {\"type\":\"long\"}",
            "int4        | {\"type\":\"long\"}",
            "int8        | {\"type\":\"long\"}",
            "oid         | {\"type\":\"long\"}",
            "_int8       | {\"type\":\"long\"}",
            "float4      | {\"type\":\"double\",\"ignore_malformed\":true}",
            "float8      | {\"type\":\"double\",\"ignore_malformed\":true}",
            "numeric     | {\"type\":\"keyword\",\"fields\":{\"double\":{\"type\":\"double\","
                    + "\"ignore_malformed\":true}}}",
            "bool        | {\"type\":\"boolean\"}",
            "date        | {\"type\":\"date\",\"ignore_malformed\":true}",
            "timestamp   | {\"type\":\"date\",\"ignore_malformed\":true}",
            "timestamptz | {\"type\":\"date\",\"ignore_malformed\":true}",
            "_timestamptz| {\"type\":\"date\",\"ignore_malformed\":true}",
            "json        | {\"type\":\"object\",\"enabled\":false}",
            "jsonb       | {\"type\":\"object\",\"enabled\":false}",
            "_jsonb      | {\"type\":\"object\",\"enabled\":false}",
            "hstore      | {\"type\":\"flattened\"}",
            "bytea       | {\"type\":\"binary\"}",
            "inet        | {\"type\":\"ip\",\"ignore_malformed\":true}",
            "cidr        | {\"type\":\"keyword\"}",
            "time        | {\"type\":\"keyword\"}",
            "timetz      | {\"type\":\"keyword\"}",
            "interval    | {\"type\":\"keyword\"}",
            "money       | {\"type\":\"keyword\"}",
            "bit         | {\"type\":\"keyword\"}",
            "varbit      | {\"type\":\"keyword\"}",
            "macaddr     | {\"type\":\"keyword\"}",
            "macaddr8    | {\"type\":\"keyword\"}",
    })
    void eachTypeHasTheMappingOfItsJsonForm(String typeName, String mapping) {
        assertEquals(json(mapping), json(FieldMappings.forType(typeName).toString()));
    }

    @ParameterizedTest(name = "{0} -> text with keyword")
    @CsvSource({"text", "varchar", "bpchar", "name", "uuid", "citext", "mood", "_text", "tsvector", "int4range"})
    void textTypesEnumsAndUnknownTypesAreTextWithAKeywordSubField(String typeName) {
        assertEquals(json(TEXT), json(FieldMappings.forType(typeName).toString()));
    }

    @Test
    void propertiesNameEachFieldInOrder() {
        ObjectNode mappings = FieldMappings.properties(fields("id", "int8", "amount", "numeric", "created",
                "timestamptz"));

        List<String> names = new ArrayList<>();
        mappings.get("properties").fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("id", "amount", "created"), names);
        assertEquals(FieldMappings.forType("numeric"), mappings.get("properties").get("amount"));
    }

    @Test
    void jsonFieldsAreSearchableThroughARuntimeKeywordOfTheirName() {
        ObjectNode mappings = FieldMappings.properties(fields("id", "int8", "data", "jsonb", "history", "_json",
                "tags", "hstore"));

        assertEquals(json("{\"data\":{\"type\":\"keyword\"},\"history\":{\"type\":\"keyword\"}}"),
                mappings.get("runtime"));
        assertNull(FieldMappings.properties(Map.of("id", "int8")).get("runtime"), "only for json fields");
    }
}
