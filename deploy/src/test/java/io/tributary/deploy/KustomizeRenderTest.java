package io.tributary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The example overlay renders to the site it describes, and {@link Kustomize} renders what kubectl's kustomize
 * renders (checked where kubectl is installed; the other tests rely on {@link Kustomize} alone).
 */
class KustomizeRenderTest {

    static final List<String> SITES = Site.NAMES;

    @Test
    void exampleOverlayPutsEverythingInItsNamespaceWithItsImages() {
        Site site = Site.render("overlays/example");
        for (HasMetadata object : site.objects()) {
            assertEquals("tributary", object.getMetadata().getNamespace(),
                    object.getKind() + " " + object.getMetadata().getName());
        }
        for (TributaryService service : TributaryService.values()) {
            assertEquals("registry.example.com/tributary/" + service.moduleName + ":0.1.0",
                    ContainerLaunch.of(site, service.moduleName).container().getImage());
        }
    }

    @Test
    void exampleOverlayRunsAStandbyProducerOnAnotherNode() {
        Deployment producer = Site.render("overlays/example").deployment("etl-producer");
        assertEquals(2, producer.getSpec().getReplicas());
        assertEquals("Recreate", producer.getSpec().getStrategy().getType());
        assertEquals("kubernetes.io/hostname", producer.getSpec().getTemplate().getSpec().getAffinity()
                .getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().get(0).getTopologyKey());
    }

    @Test
    void exampleOverlayLeavesTheSubscriberCountToItsAutoscaler() {
        Site site = Site.render("overlays/example");
        assertNull(site.deployment("es-subscriber").getSpec().getReplicas(),
                "with an autoscaler, kubectl apply must not reset the replica count");
        assertEquals(12, site.autoscaler("es-subscriber").orElseThrow().getSpec().getMaxReplicas());
        assertEquals(1, site.all(ServiceMonitor.class).size());
    }

    @ParameterizedTest
    @FieldSource("SITES")
    void rendersWhatKubectlKustomizeRenders(String name) throws IOException, InterruptedException {
        Path kubectl = kubectl();
        Process process = new ProcessBuilder(kubectl.toString(), "kustomize", Site.K8S.resolve(name).toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String rendered = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize did not finish in 60 s");
        assertEquals(0, process.exitValue(), "kubectl kustomize " + name + " failed (its message is above)");
        Path file = Files.createTempFile("kustomize-", ".yaml");
        try {
            Files.writeString(file, rendered);
            assertEquals(byKindAndName(KubernetesObjects.readTrees(file)),
                    byKindAndName(Kustomize.render(Site.K8S.resolve(name))));
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void aPatchMatchingNoObjectIsRefused(@TempDir Path directory) throws IOException {
        overlayOfTheBaseWithPatch(directory, """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: etl-producr}
                spec: {replicas: 2}
                """);
        AssertionError error = assertThrows(AssertionError.class, () -> Kustomize.render(directory));
        assertTrue(error.getMessage().contains("Deployment etl-producr matches 0 objects"), error.getMessage());
    }

    @Test
    void aPatchMergingListsIsRefusedRatherThanGuessed(@TempDir Path directory) throws IOException {
        overlayOfTheBaseWithPatch(directory, """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: etl-producer}
                spec: {template: {spec: {containers: [{name: etl-producer, image: other}]}}}
                """);
        AssertionError error = assertThrows(AssertionError.class, () -> Kustomize.render(directory));
        assertTrue(error.getMessage().contains("merging lists"), error.getMessage());
    }

    private static Map<String, JsonNode> byKindAndName(List<ObjectNode> objects) {
        Map<String, JsonNode> byName = new TreeMap<>();
        for (ObjectNode object : objects) {
            byName.put(object.path("kind").asText() + " " + object.path("metadata").path("name").asText(), object);
        }
        return byName;
    }

    /** kubectl from the PATH, or the test is skipped with what to install. */
    private static Path kubectl() {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(directory, "kubectl");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        Assumptions.abort("kubectl is not on the PATH, so the comparison with kubectl's own kustomize rendering is"
                + " skipped (the other deploy tests render with the Kustomize class alone). Install kubectl (1.21 or"
                + " later, for kustomize v4+) to run it.");
        throw new AssertionError("unreachable");
    }

    /** An overlay in {@code directory} of the deploy base with {@code patch} as its one patch. */
    private static void overlayOfTheBaseWithPatch(Path directory, String patch) throws IOException {
        Files.writeString(directory.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources: [%s]
                patches: [{path: patch.yaml}]
                """.formatted(Site.K8S.resolve("base").toAbsolutePath()));
        Files.writeString(directory.resolve("patch.yaml"), patch);
    }
}
