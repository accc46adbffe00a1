package io.tributary.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchEngineDistributionTest {

    @Test
    void elasticsearch8UnlessAnotherIsNamed() {
        assertEquals(SearchEngineDistribution.ELASTICSEARCH_8, SearchEngineDistribution.selected(Optional.empty()));
        assertEquals(SearchEngineDistribution.ELASTICSEARCH_8, SearchEngineDistribution.selected(Optional.of(" ")));
        assertEquals(SearchEngineDistribution.ELASTICSEARCH_9,
                SearchEngineDistribution.selected(Optional.of("Elasticsearch-9")));
        assertEquals(SearchEngineDistribution.OPENSEARCH_2,
                SearchEngineDistribution.selected(Optional.of("opensearch-2")));
    }

    @Test
    void anUnknownEngineIsRefusedNamingTheSwitchAndTheChoices() {
        LocalStackException e = assertThrows(LocalStackException.class,
                () -> SearchEngineDistribution.selected(Optional.of("solr")));

        assertTrue(e.getMessage().contains("'solr'") && e.getMessage().contains(SearchEngineDistribution.PROPERTY)
                && e.getMessage().contains("elasticsearch-8, elasticsearch-9, opensearch-2"), e.getMessage());
    }

    @Test
    void openSearchIsStartedWithItsOwnScriptAndVariables() {
        assertEquals("opensearch", SearchEngineDistribution.OPENSEARCH_2.executable());
        assertEquals(Map.of("OPENSEARCH_JAVA_HOME", "/jdk", "OPENSEARCH_PATH_CONF", "/conf"),
                SearchEngineDistribution.OPENSEARCH_2.environment("/jdk", "/conf"));
        assertEquals(Map.of("ES_JAVA_HOME", "/jdk", "ES_PATH_CONF", "/conf"),
                SearchEngineDistribution.ELASTICSEARCH_9.environment("/jdk", "/conf"));
    }

    @Test
    void readsAJdksFeatureReleaseFromItsReleaseFile(@TempDir Path jdk) throws IOException {
        Files.writeString(jdk.resolve("release"), "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"25.0.3\"\n");

        assertEquals(Optional.of(25), JavaHomes.featureOf(jdk));
        assertEquals(Optional.empty(), JavaHomes.featureOf(jdk.resolve("missing")));
    }

    @Test
    void thisJvmServesWhenItIsNewEnough() {
        assertEquals(Path.of(System.getProperty("java.home")), JavaHomes.atLeast(17, "a test"));
    }
}
