package io.tributary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.producer.ProducerSettings;
import io.tributary.subscriber.SubscriberSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * deploy/compose.yaml, as far as it can be checked without a Docker engine: the services' environment sets only keys
 * they know and loads with their own loaders, it runs the images mvn -Pimages writes, and the infrastructure is
 * what the producer needs (logical WAL, the tables it streams).
 */
class ComposeTest {

    private static final Path COMPOSE = Path.of("compose.yaml");

    @ParameterizedTest
    @EnumSource(TributaryService.class)
    void serviceEnvironmentSetsOnlyKeysTheServiceKnows(TributaryService service) {
        Map<String, String> environment = environment(service);
        assertFalse(environment.isEmpty());
        Set<String> known = service.knownVariables();
        for (String variable : environment.keySet()) {
            assertTrue(known.contains(variable), "compose.yaml " + service + ": " + variable
                    + " is no configuration key's variable, so the service would ignore it");
        }
    }

    @Test
    void producerEnvironmentLoadsAndStreamsTheTablesTheInitScriptCreates() throws IOException {
        ProducerSettings settings = ProducerSettings.load(null, environment(TributaryService.PRODUCER));
        String initScript = Files.readString(Path.of("compose", "postgres-init.sql"));
        assertFalse(settings.source().tables().isEmpty());
        settings.source().tables().forEach(table -> assertTrue(initScript.contains("CREATE TABLE " + table + " ("),
                "compose/postgres-init.sql does not create " + table));
        assertEquals(settings.httpPort(), publishedPort(TributaryService.PRODUCER));
    }

    @Test
    void subscriberEnvironmentLoadsAndConsumesTheProducersTopic() {
        SubscriberSettings subscriber = SubscriberSettings.load(null, environment(TributaryService.SUBSCRIBER));
        ProducerSettings producer = ProducerSettings.load(null, environment(TributaryService.PRODUCER));
        assertEquals(producer.target().topic(), subscriber.kafka().topic());
        assertEquals(producer.target().bootstrapServers(), subscriber.kafka().bootstrapServers());
        assertEquals(subscriber.httpPort(), publishedPort(TributaryService.SUBSCRIBER));
    }

    @ParameterizedTest
    @EnumSource(TributaryService.class)
    void runsTheImageTheManifestsUseAndNeverPullsIt(TributaryService service) {
        JsonNode definition = service(service.moduleName);
        String kubernetesImage = ContainerLaunch.of(Site.render("base"), service.moduleName).container().getImage();
        assertEquals(kubernetesImage, definition.path("image").asText());
        assertEquals("never", definition.path("pull_policy").asText(),
                "the image comes from mvn -Pimages package and docker load; pulling " + kubernetesImage
                        + " would fetch someone else's");
        assertTrue(definition.path("build").isMissingNode(), "images are built by jib (mvn -Pimages), not compose");
    }

    @Test
    void postgresHasLogicalWalAndItsInitScriptMounted() {
        JsonNode postgres = service("postgres");
        List<String> command = texts(postgres.path("command"));
        assertTrue(command.contains("wal_level=logical"), "wal_level must be logical: " + command);
        String initMount = texts(postgres.path("volumes")).stream()
                .filter(volume -> volume.contains("/docker-entrypoint-initdb.d/")).findFirst()
                .orElseThrow(() -> new AssertionError("postgres mounts no init script"));
        assertTrue(Files.isRegularFile(Path.of(initMount.split(":")[0])), "init script " + initMount + " is missing");
    }

    @Test
    void kafkaRunsKraftAndElasticsearchASingleNodeWithoutSecurity() {
        assertEquals("broker,controller", service("kafka").path("environment").path("KAFKA_PROCESS_ROLES").asText());
        JsonNode elasticsearch = service("elasticsearch").path("environment");
        assertEquals("single-node", elasticsearch.path("discovery.type").asText());
        assertEquals("false", elasticsearch.path("xpack.security.enabled").asText());
    }

    private static Map<String, String> environment(TributaryService service) {
        Map<String, String> environment = new LinkedHashMap<>();
        service(service.moduleName).path("environment").fields()
                .forEachRemaining(field -> environment.put(field.getKey(), field.getValue().asText()));
        return environment;
    }

    /** The container port of the service's only published port. */
    private static int publishedPort(TributaryService service) {
        List<String> ports = texts(service(service.moduleName).path("ports"));
        assertEquals(1, ports.size(), service + " publishes " + ports);
        String mapping = ports.get(0);
        return Integer.parseInt(mapping.substring(mapping.lastIndexOf(':') + 1));
    }

    private static JsonNode service(String name) {
        List<ObjectNode> documents = KubernetesObjects.readTrees(COMPOSE);
        assertEquals(1, documents.size(), "compose.yaml holds one document");
        JsonNode service = documents.get(0).path("services").path(name);
        assertTrue(service.isObject(), "compose.yaml has no service " + name);
        return service;
    }

    private static List<String> texts(JsonNode array) {
        return array.isArray() ? StreamSupport.stream(array.spliterator(), false)
                .map(JsonNode::asText).toList() : List.of();
    }
}
