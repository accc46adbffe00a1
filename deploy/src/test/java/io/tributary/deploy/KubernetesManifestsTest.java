package io.tributary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every file under deploy/k8s is valid against the Kubernetes object model, and every one is used. */
class KubernetesManifestsTest {

    static Stream<Path> manifests() throws IOException {
        try (Stream<Path> files = Files.walk(Site.K8S)) {
            return files.filter(file -> file.toString().endsWith(".yaml"))
                    .filter(file -> !file.getFileName().toString().equals("kustomization.yaml"))
                    .sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("manifests")
    void everyManifestAndPatchIsAValidKubernetesObject(Path manifest) {
        List<ObjectNode> documents = KubernetesObjects.readTrees(manifest);
        assertFalse(documents.isEmpty(), manifest + " holds no object");
        for (ObjectNode document : documents) {
            HasMetadata object = KubernetesObjects.toObject(document, manifest.toString());
            assertFalse(object.getMetadata().getName().isBlank(), manifest + ": an object without a name");
        }
    }

    @Test
    void everyManifestIsIncludedByTheBaseOrTheExampleOverlay() throws IOException {
        Set<Path> included = Site.NAMES.stream().flatMap(name -> Kustomize.referencedFiles(Site.K8S.resolve(name))
                .stream()).map(Path::normalize).collect(Collectors.toCollection(TreeSet::new));
        Set<Path> present = manifests().map(Path::normalize).collect(Collectors.toCollection(TreeSet::new));
        present.removeAll(included);
        assertEquals(Set.of(), present, "manifests that no kustomization includes");
    }

    @Test
    void aFieldTheModelDoesNotKnowIsRejectedWithItsName() throws IOException {
        ObjectNode misspelt = (ObjectNode) KubernetesObjects.YAML.readTree("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: etl-producer}
                spec:
                  replica: 1
                """);
        AssertionError error = assertThrows(AssertionError.class, () -> KubernetesObjects.toObject(misspelt, "test"));
        assertTrue(error.getMessage().contains("\"replica\""), error.getMessage());
    }

    @Test
    void aKindTheModelDoesNotKnowIsRejected() throws IOException {
        ObjectNode unknown = (ObjectNode) KubernetesObjects.YAML.readTree("""
                apiVersion: apps/v1
                kind: Deploymnet
                metadata: {name: etl-producer}
                """);
        AssertionError error = assertThrows(AssertionError.class, () -> KubernetesObjects.toObject(unknown, "test"));
        assertTrue(error.getMessage().contains("no such apiVersion and kind"), error.getMessage());
    }
}
