package io.tributary.subscriber.it;

import static io.tributary.subscriber.it.SubscriberHarness.SCHEMA;
import static io.tributary.subscriber.it.SubscriberHarness.json;
import static io.tributary.subscriber.it.SubscriberHarness.source;
import static io.tributary.subscriber.it.SubscriberHarness.truncate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.index.mapping.TableMapping;
import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.SearchEngineDistribution;
import io.tributary.model.ChangeEvent;
import io.tributary.model.Operation;
import io.tributary.model.TableId;
import io.tributary.subscriber.consume.DeadLetterPublisher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Indices as the table mappings make them: derived mappings (extended by new columns), json of any shape, documents
 * shaped and routed, writes through an alias, a mapping file used verbatim, and truncates that keep mapping and alias.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IndexMappingIT extends SubscriberItSupport {

    IndexMappingIT(RunningKafka kafka, RunningElasticsearch elasticsearch) {
        super(kafka, elasticsearch);
    }

    /** A name unique to this run, fit for tables and indices. */
    private String unique(String name) {
        return name + "_" + harness.topic.substring(harness.topic.lastIndexOf('-') + 1);
    }

    private static ChangeEvent insert(String table, long lsn, String row, Map<String, String> types) {
        ObjectNode after = json(row);
        return new ChangeEvent(Operation.CREATE, source(table, lsn), SubscriberHarness.keyOf(after, "id"), null,
                after, List.of(), types);
    }

    private static Map<String, String> types(String... columnsAndTypes) {
        Map<String, String> types = new LinkedHashMap<>();
        for (int i = 0; i < columnsAndTypes.length; i += 2) {
            types.put(columnsAndTypes[i], columnsAndTypes[i + 1]);
        }
        return types;
    }

    private JsonNode properties(String index) throws Exception {
        JsonNode mappings = harness.get("/" + index + "/_mapping");
        assertNotNull(mappings, "index " + index);
        return mappings.elements().next().path("mappings").path("properties");
    }

    @Test
    void derivedMappingsFollowTheColumnTypesAndNewColumnsExtendThem() throws Exception {
        harness = new SubscriberHarness(kafka, elasticsearch, "derived", 1);
        String table = unique("typed");
        harness.startSubscriber(harness.group, 100);
        Map<String, String> types = types("id", "int8", "price", "numeric", "at", "timestamptz", "ok", "bool",
                "name", "text", "data", "jsonb", "addr", "inet", "tags", "_text", "net", "cidr", "day", "date");
        harness.send(0, insert(table, 10, "{\"id\":1,\"price\":\"12.50\",\"at\":\"2026-11-22T06:00:00.5Z\","
                + "\"ok\":true,\"name\":\"n\",\"data\":{\"a\":1},\"addr\":\"10.1.2.3\",\"tags\":[\"x\"],"
                + "\"net\":\"10.0.0.0/8\",\"day\":\"infinity\"}", types));
        harness.awaitCaughtUp(harness.group, WAIT);

        String index = SCHEMA + "." + table;
        JsonNode properties = properties(index);
        assertEquals("long", properties.at("/id/type").asText());
        assertEquals("keyword", properties.at("/price/type").asText());
        assertEquals("double", properties.at("/price/fields/double/type").asText());
        assertEquals("date", properties.at("/at/type").asText());
        assertTrue(properties.at("/day/ignore_malformed").asBoolean(), properties.toString());
        assertEquals("boolean", properties.at("/ok/type").asText());
        assertEquals("text", properties.at("/name/type").asText());
        assertEquals("keyword", properties.at("/name/fields/keyword/type").asText());
        assertEquals(json("{\"type\":\"object\",\"enabled\":false}"), properties.get("data"), "any json, kept");
        assertEquals("ip", properties.at("/addr/type").asText());
        assertEquals("text", properties.at("/tags/type").asText());
        assertEquals("keyword", properties.at("/net/type").asText());
        assertEquals(1, harness.sources(index).size(), "'infinity' does not fail the document");

        Map<String, String> withNewColumn = new LinkedHashMap<>(types);
        withNewColumn.put("extra", "int4");
        harness.send(0, insert(table, 20, "{\"id\":2,\"extra\":\"5\"}", withNewColumn));
        harness.awaitCaughtUp(harness.group, WAIT);

        assertEquals("long", properties(index).at("/extra/type").asText(), "a string is not left to become text");
        assertEquals(2, harness.sources(index).size());
    }

    /**
     * The first batch brings rows of three tables: their indices are created together (two at once with the default
     * two lanes), not one after another, each creation held 300 ms by a proxy; and each gets its row.
     */
    @Test
    void aBatchThatFirstSeesSeveralTablesCreatesTheirIndicesAtOnce() throws Exception {
        harness = new SubscriberHarness(kafka, elasticsearch, "together", 1);
        List<String> tables = List.of(unique("first"), unique("second"), unique("third"));
        Map<String, String> types = types("id", "int8", "name", "text");
        for (int i = 0; i < tables.size(); i++) {
            harness.send(0, insert(tables.get(i), 10 + i, "{\"id\":1,\"name\":\"n\"}", types));
        }
        try (BulkHoldingProxy proxy = new BulkHoldingProxy(elasticsearch.url())) {
            proxy.delayIndexCreations(Duration.ofMillis(300));
            harness.startSubscriber(harness.settings("tributary.elasticsearch.urls = \"" + proxy.url() + "\""));
            harness.awaitCaughtUp(harness.group, WAIT);

            for (String table : tables) {
                assertEquals(1, harness.sources(SCHEMA + "." + table).size(), table);
            }
            assertEquals(2, proxy.mostIndexCreationsAtOnce(), "as many creations at once as bulk lanes");
        }
    }

    @Test
    void jsonOfEveryShapeInOneColumnReachesElasticsearchAndStaysSearchable() throws Exception {
        harness = new SubscriberHarness(kafka, elasticsearch, "json", 1);
        String table = unique("shapes");
        harness.startSubscriber(harness.group, 100);
        Map<String, String> types = types("id", "int8", "data", "jsonb", "tags", "hstore");
        List<String> rows = List.of(
                "{\"id\":1,\"data\":{\"a\":1,\"b\":{\"c\":\"deep\"}},\"tags\":{\"color\":\"red\",\"size\":null}}",
                "{\"id\":2,\"data\":\"plain text\",\"tags\":{\"color\":\"blue\"}}",
                "{\"id\":3,\"data\":42.50,\"tags\":null}",
                "{\"id\":4,\"data\":[1,\"two\",{\"three\":3},true,null]}",
                "{\"id\":5,\"data\":[[1,2],[\"x\",[3]]]}",
                "{\"id\":6,\"data\":null}",
                "{\"id\":7,\"data\":{\"a\":\"now a string\",\"b\":[\"was an object\"]}}",
                "{\"id\":8,\"data\":true}");
        Map<String, JsonNode> expected = new TreeMap<>();
        long lsn = 10;
        for (String row : rows) {
            harness.send(0, insert(table, lsn++, row, types));
            expected.put(json(row).get("id").asText(), json(row));
        }
        harness.awaitCaughtUp(harness.group, WAIT);

        String index = SCHEMA + "." + table;
        assertEquals(List.of(), harness.readDeadLetters(1, Duration.ofSeconds(3)), "nothing dead-lettered");
        assertEquals(expected, harness.sources(index), "every row, its json as it was");
        assertEquals(List.of("1", "2"), harness.searchIds(index, "{\"exists\":{\"field\":\"tags.color\"}}"));
        assertEquals(List.of("1"), harness.searchIds(index, "{\"term\":{\"tags.color\":\"red\"}}"));
        if (elasticsearch.distribution() == SearchEngineDistribution.OPENSEARCH_2) {
            return; // OpenSearch has no runtime fields: json is kept whole, not searchable
        }
        assertEquals(List.of("2"), harness.searchIds(index, "{\"term\":{\"data\":\"plain text\"}}"));
        assertEquals(List.of("4"), harness.searchIds(index, "{\"term\":{\"data\":\"two\"}}"));
        assertEquals(List.of("3"), harness.searchIds(index, "{\"term\":{\"data\":\"42.5\"}}"), "as a double");
        assertEquals(List.of("4", "8"), harness.searchIds(index, "{\"term\":{\"data\":true}}"));
    }

    @Test
    void shapedRoutedDocumentsGoThroughAnAliasAndSurviveATruncateWithIt() throws Exception {
        harness = new SubscriberHarness(kafka, elasticsearch, "alias", 1);
        String table = unique("orders");
        String alias = table.replace('_', '-');
        TableId tableId = new TableId(SCHEMA, table);
        TableMapping mapping = new TableMapping(tableId, alias + TableMapping.FIRST_GENERATION, Optional.of(alias),
                Set.of(), Set.of("secret"), Map.of("title", "headline"), Optional.of("tenant"), Optional.empty());
        harness.startSubscriber(harness.settings(Map.of(tableId, mapping)));
        Map<String, String> types = types("id", "int4", "tenant", "int4", "title", "text", "secret", "text");
        harness.send(0, insert(table, 10, "{\"id\":1,\"tenant\":7,\"title\":\"t\",\"secret\":\"s\"}", types));
        harness.send(0, new ChangeEvent(Operation.DELETE, source(table, 11), json("{\"id\":1}"), json("{\"id\":1}"),
                null));
        harness.awaitCaughtUp(harness.group, WAIT);

        JsonNode document = harness.get("/" + alias + "/_doc/1?routing=7");
        assertEquals(json("{\"id\":1,\"tenant\":7,\"headline\":\"t\"}"), document.get("_source"));
        assertEquals("7", document.get("_routing").asText());
        assertEquals(alias + "-000001", document.get("_index").asText(), "the index behind the alias");
        JsonNode aliases = harness.get("/_alias/" + alias);
        assertTrue(aliases.at("/" + alias + "-000001/aliases/" + alias + "/is_write_index").asBoolean(),
                aliases.toString());
        assertEquals("text", properties(alias).at("/headline/type").asText());
        assertTrue(properties(alias).path("secret").isMissingNode(), "excluded columns are not mapped");
        List<ConsumerRecord<byte[], byte[]>> letters = harness.readDeadLetters(1, WAIT);
        assertEquals(1, letters.size(), "the delete without the routing column");
        assertEquals("unroutable-row", new String(letters.get(0).headers().lastHeader(DeadLetterPublisher.KIND)
                .value(), StandardCharsets.UTF_8));

        JsonNode mappingBefore = properties(alias);
        harness.send(0, truncate(table, 20));
        harness.awaitCaughtUp(harness.group, WAIT);

        assertEquals(Map.of(), harness.sources(alias), "the truncate removed the documents");
        assertEquals(mappingBefore, properties(alias), "and kept the mapping");
        assertTrue(harness.get("/_alias/" + alias).at("/" + alias + "-000001/aliases/" + alias + "/is_write_index")
                .asBoolean(), "and the alias");
    }

    @Test
    void aMappingFileIsUsedVerbatimAndTruncatesKeepIt() throws Exception {
        harness = new SubscriberHarness(kafka, elasticsearch, "file", 1);
        String table = unique("files");
        TableId tableId = new TableId(SCHEMA, table);
        ObjectNode fileMappings = json("{\"dynamic\":\"false\",\"properties\":{\"id\":{\"type\":\"keyword\"},"
                + "\"name\":{\"type\":\"keyword\",\"ignore_above\":10}}}");
        TableMapping mapping = new TableMapping(tableId, SCHEMA + "." + table + TableMapping.FIRST_GENERATION,
                Optional.of(SCHEMA + "." + table), Set.of(), Set.of(), Map.of(), Optional.empty(),
                Optional.of(new TableMapping.MappingFile(Path.of("files.json"), fileMappings)));
        harness.startSubscriber(harness.settings(Map.of(tableId, mapping)));
        harness.send(0, insert(table, 10, "{\"id\":1,\"name\":\"n\",\"size\":3}",
                types("id", "int8", "name", "text", "size", "int4")));
        harness.awaitCaughtUp(harness.group, WAIT);

        String index = SCHEMA + "." + table;
        String concrete = index + TableMapping.FIRST_GENERATION;
        ObjectNode expected = fileMappings.deepCopy();
        ((ObjectNode) expected.get("properties")).set("_tributary_deleted", json("{\"type\":\"date\"}"));
        ((ObjectNode) expected.get("properties")).set("_tributary_table", json("{\"type\":\"keyword\"}"));
        JsonNode mappings = harness.get("/" + index + "/_mapping").path(concrete).path("mappings");
        assertEquals(expected, mappings, "the file's, with Tributary's own two fields, not extended by the new column");
        assertEquals(1, harness.sources(index).size());

        harness.send(0, truncate(table, 20));
        harness.awaitCaughtUp(harness.group, WAIT);

        assertEquals(Map.of(), harness.sources(index));
        assertEquals(expected, harness.get("/" + index + "/_mapping").path(concrete).path("mappings"));
        assertTrue(harness.get("/" + index + "/_doc/1").at("/_source/_tributary_deleted").isTextual(),
                "the truncated row's document is a delete marker");
    }
}
