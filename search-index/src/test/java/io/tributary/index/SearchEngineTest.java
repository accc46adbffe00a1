package io.tributary.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.shaping.FieldMappings;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SearchEngineTest {

    private static final String OPENSEARCH_ROOT = "{\"name\":\"n\",\"version\":{\"distribution\":\"opensearch\","
            + "\"number\":\"2.19.6\"},\"tagline\":\"The OpenSearch Project: https://opensearch.org/\"}";

    @Test
    void elasticsearchIsToldByItsProductHeaderEvenOnThe405OfItsTestDistribution() {
        assertEquals(Optional.of(SearchEngine.ELASTICSEARCH), SearchEngine.of("Elasticsearch",
                "{\"error\":\"Incorrect HTTP method for uri [/] and method [GET], allowed: [DELETE]\","
                        + "\"status\":405}"));
    }

    @Test
    void openSearchIsToldByItsVersionDistribution() {
        assertEquals(Optional.of(SearchEngine.OPENSEARCH), SearchEngine.of(null, OPENSEARCH_ROOT));
    }

    @Test
    void anAnswerThatTellsNeitherDetectsNothing() {
        assertEquals(Optional.empty(), SearchEngine.of(null, "{\"error\":\"unauthorized\"}"));
        assertEquals(Optional.empty(), SearchEngine.of(null, "<html>proxy</html>"));
        assertEquals(Optional.empty(), SearchEngine.of(null, ""));
    }

    @Test
    void theSettingIsAutoElasticsearchOrOpensearch() {
        assertEquals(Optional.empty(), SearchEngine.parseSetting("auto"));
        assertEquals(Optional.of(SearchEngine.OPENSEARCH), SearchEngine.parseSetting(" OpenSearch "));
        assertEquals(Optional.of(SearchEngine.ELASTICSEARCH), SearchEngine.parseSetting("elasticsearch"));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SearchEngine.parseSetting("solr"));
        assertTrue(e.getMessage().contains("auto, elasticsearch or opensearch") && e.getMessage().contains("'solr'"),
                e.getMessage());
    }

    @Test
    void openSearchGetsFlatObjectForFlattenedAndNoRuntimeFields() {
        ObjectNode derived = FieldMappings.properties(Map.of("tags", "hstore", "data", "jsonb", "id", "int8"));

        ObjectNode adapted = SearchEngine.OPENSEARCH.derivedMappings(derived);

        assertEquals("flat_object", adapted.at("/properties/tags/type").asText());
        assertFalse(adapted.has("runtime"), adapted.toString());
        assertEquals(derived.at("/properties/data"), adapted.at("/properties/data"));
        assertEquals("flattened", derived.at("/properties/tags/type").asText(), "the derived mappings stay as they were");
        assertSame(derived, SearchEngine.ELASTICSEARCH.derivedMappings(derived));
    }
}
