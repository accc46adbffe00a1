package io.tributary.shaping;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * The Elasticsearch mapping of a field, derived from its column's PostgreSQL type name (as the change events carry
 * it in {@code types}), for the JSON form the producer gives each type. Stateless, pure.
 *
 * <table>
 *   <tr><th>PostgreSQL type</th><th>mapping</th></tr>
 *   <tr><td>int2, int4, int8, oid</td><td>long</td></tr>
 *   <tr><td>float4, float8</td><td>double, {@code ignore_malformed} ("NaN", "Infinity" arrive as strings)</td></tr>
 *   <tr><td>numeric</td><td>keyword (the exact value; this Elasticsearch has no scaled_float and a double is not
 *       exact), with a sub-field {@code double} ({@code ignore_malformed}) for ranges and sorting</td></tr>
 *   <tr><td>bool</td><td>boolean</td></tr>
 *   <tr><td>date, timestamp, timestamptz</td><td>date, {@code ignore_malformed}: infinity, BC dates and years after
 *       9999 keep PostgreSQL's text, which must not make the whole document fail</td></tr>
 *   <tr><td>json, jsonb</td><td>object with {@code enabled: false}: any JSON value (object, string, number,
 *       boolean, array of mixed values, nested arrays, null), whatever the column held in earlier rows, is kept in
 *       {@code _source} and never refused; nothing of it is indexed. A runtime {@code keyword} field of the same name
 *       reads it from {@code _source} at search time, so its scalar values, also inside arrays, can still be searched
 *       (numbers in their double form), slowly; values inside objects cannot</td></tr>
 *   <tr><td>hstore</td><td>flattened: always an object of strings (and nulls), each key searchable as
 *       {@code field.key} without a mapping of its own</td></tr>
 *   <tr><td>bytea</td><td>binary (the producer sends base64)</td></tr>
 *   <tr><td>inet</td><td>ip, {@code ignore_malformed}: an address with a netmask ({@code 10.1.2.3/24}) is kept in
 *       the source but not indexed</td></tr>
 *   <tr><td>cidr, time, timetz, interval, money, bit, varbit, macaddr, macaddr8</td><td>keyword (the ip type refuses
 *       networks such as {@code 10.0.0.0/8})</td></tr>
 *   <tr><td>anything else: text, varchar, bpchar, name, uuid, citext, enums, unknown types</td><td>text with a
 *       {@code keyword} sub-field ({@code ignore_above} 256), as Elasticsearch's dynamic mapping does</td></tr>
 *   <tr><td>arrays ({@code _int4}, …)</td><td>the element type's mapping</td></tr>
 * </table>
 */
public final class FieldMappings {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private FieldMappings() {
    }

    /** The mapping of one field whose column has type {@code typeName}. */
    public static ObjectNode forType(String typeName) {
        return switch (elementType(typeName)) {
            case "int2", "int4", "int8", "oid" -> type("long");
            case "float4", "float8" -> type("double").put("ignore_malformed", true);
            case "numeric" -> {
                ObjectNode keyword = type("keyword");
                keyword.putObject("fields").set("double", type("double").put("ignore_malformed", true));
                yield keyword;
            }
            case "bool" -> type("boolean");
            case "date", "timestamp", "timestamptz" -> type("date").put("ignore_malformed", true);
            case "json", "jsonb" -> type("object").put("enabled", false);
            case "hstore" -> type("flattened");
            case "bytea" -> type("binary");
            case "inet" -> type("ip").put("ignore_malformed", true);
            case "cidr", "time", "timetz", "interval", "money", "bit", "varbit", "macaddr", "macaddr8" ->
                    type("keyword");
            default -> {
                ObjectNode text = type("text");
                text.putObject("fields").set("keyword", type("keyword").put("ignore_above", 256));
                yield text;
            }
        };
    }

    /**
     * {@code {"properties": {field: mapping, …}}} for fields and their columns' type names, in the given order, and
     * for json and jsonb fields {@code "runtime": {field: {"type": "keyword"}, …}}, which makes them searchable.
     */
    public static ObjectNode properties(Map<String, String> fieldTypes) {
        ObjectNode mappings = JSON.objectNode();
        ObjectNode properties = mappings.putObject("properties");
        fieldTypes.forEach((field, typeName) -> {
            properties.set(field, forType(typeName));
            if (isJson(typeName)) {
                ObjectNode runtime = mappings.has("runtime") ? (ObjectNode) mappings.get("runtime")
                        : mappings.putObject("runtime");
                runtime.set(field, type("keyword"));
            }
        });
        return mappings;
    }

    private static boolean isJson(String typeName) {
        String element = elementType(typeName);
        return element.equals("json") || element.equals("jsonb");
    }

    /** The type of an array's elements ({@code _int4}: {@code int4}); the type itself when it is no array. */
    private static String elementType(String typeName) {
        return typeName.startsWith("_") ? typeName.substring(1) : typeName;
    }

    private static ObjectNode type(String type) {
        return JSON.objectNode().put("type", type);
    }
}
