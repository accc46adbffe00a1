package io.tributary.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders a kustomization the way {@code kubectl kustomize} does, for the part of kustomize deploy/k8s uses:
 * {@code resources} (files and directories), {@code components}, {@code patches} given by {@code path} (strategic
 * merge of objects: maps merge, {@code null} removes a field), {@code namespace} and {@code images}. Anything else
 * (a field, a patch that would merge lists, a patch matching no object) is refused rather than rendered wrongly,
 * so the test that uses this never passes on a guess; {@code KustomizeRenderTest} compares the result with
 * kubectl's own rendering where kubectl is installed.
 */
final class Kustomize {

    private static final Set<String> FIELDS = Set.of("apiVersion", "kind", "resources", "components", "patches",
            "namespace", "images");
    private static final Set<String> IMAGE_FIELDS = Set.of("name", "newName", "newTag");
    /** The cluster-scoped kinds the namespace must not be set on (those deploy/k8s could plausibly hold). */
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "CustomResourceDefinition", "PersistentVolume", "StorageClass", "PriorityClass");

    private Kustomize() {
    }

    /** The objects {@code directory}'s kustomization.yaml stands for. */
    static List<ObjectNode> render(Path directory) {
        return build(directory, "Kustomization", List.of());
    }

    private static List<ObjectNode> build(Path directory, String expectedKind, List<ObjectNode> inherited) {
        Path file = directory.resolve("kustomization.yaml");
        ObjectNode kustomization = readKustomization(file, expectedKind);
        List<ObjectNode> objects = new ArrayList<>(inherited);
        for (String resource : strings(kustomization, "resources", file)) {
            Path path = directory.resolve(resource).normalize();
            if (Files.isDirectory(path)) {
                objects.addAll(build(path, "Kustomization", List.of()));
            } else if (Files.isRegularFile(path)) {
                objects.addAll(KubernetesObjects.readTrees(path));
            } else {
                throw new AssertionError(file + ": resource " + resource + " does not exist (" + path + ")");
            }
        }
        for (String component : strings(kustomization, "components", file)) {
            objects = build(directory.resolve(component).normalize(), "Component", objects);
        }
        for (JsonNode patch : kustomization.path("patches")) {
            applyPatch(objects, file, patch);
        }
        if (kustomization.hasNonNull("namespace")) {
            String namespace = kustomization.get("namespace").asText();
            objects.stream().filter(object -> !CLUSTER_SCOPED.contains(object.path("kind").asText()))
                    .forEach(object -> ((ObjectNode) object.get("metadata")).put("namespace", namespace));
        }
        for (JsonNode image : kustomization.path("images")) {
            setImage(objects, file, image);
        }
        return objects;
    }

    private static ObjectNode readKustomization(Path file, String expectedKind) {
        if (!Files.isRegularFile(file)) {
            throw new AssertionError(file + " does not exist");
        }
        List<ObjectNode> documents = KubernetesObjects.readTrees(file);
        if (documents.size() != 1) {
            throw new AssertionError(file + ": expected one YAML document, found " + documents.size());
        }
        ObjectNode kustomization = documents.get(0);
        String kind = kustomization.path("kind").asText();
        if (!kind.equals(expectedKind)) {
            throw new AssertionError(file + ": kind must be " + expectedKind + ", is '" + kind + "'");
        }
        kustomization.fieldNames().forEachRemaining(field -> {
            if (!FIELDS.contains(field)) {
                throw new AssertionError(file + ": field '" + field + "' is not one this renderer supports " + FIELDS);
            }
        });
        return kustomization;
    }

    private static List<String> strings(ObjectNode kustomization, String field, Path file) {
        List<String> values = new ArrayList<>();
        for (JsonNode value : kustomization.path(field)) {
            if (!value.isTextual()) {
                throw new AssertionError(file + ": " + field + " must list paths, found " + value);
            }
            values.add(value.asText());
        }
        return values;
    }

    private static void applyPatch(List<ObjectNode> objects, Path file, JsonNode entry) {
        if (!entry.isObject() || entry.size() != 1 || !entry.hasNonNull("path")) {
            throw new AssertionError(file + ": only patches given as {path: file} are supported, found " + entry);
        }
        Path patchFile = file.getParent().resolve(entry.get("path").asText()).normalize();
        for (ObjectNode patch : KubernetesObjects.readTrees(patchFile)) {
            String kind = patch.path("kind").asText();
            String name = patch.path("metadata").path("name").asText();
            List<ObjectNode> targets = objects.stream().filter(object -> object.path("kind").asText().equals(kind)
                    && object.path("metadata").path("name").asText().equals(name)).toList();
            if (targets.size() != 1) {
                throw new AssertionError(patchFile + ": the patch of " + kind + " " + name + " matches "
                        + targets.size() + " objects, not one");
            }
            merge(targets.get(0), patch, patchFile + " " + kind + " " + name + ":");
        }
    }

    /** Strategic merge of maps: a patch's map merges into the target's, its null removes the field. */
    private static void merge(ObjectNode target, ObjectNode patch, String path) {
        Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            JsonNode value = field.getValue();
            JsonNode existing = target.get(name);
            if (value.isNull()) {
                target.remove(name);
            } else if (value.isObject() && existing != null && existing.isObject()) {
                merge((ObjectNode) existing, (ObjectNode) value, path + "." + name);
            } else if (value.isArray() && existing != null) {
                throw new AssertionError(path + "." + name + ": merging lists (by merge key) is not supported here;"
                        + " patch a map or a field the target does not have");
            } else {
                target.set(name, value.deepCopy());
            }
        }
    }

    /** kustomize's images transformer: an image named {@code name} (whatever its tag) gets newName and newTag. */
    private static void setImage(List<ObjectNode> objects, Path file, JsonNode image) {
        image.fieldNames().forEachRemaining(field -> {
            if (!IMAGE_FIELDS.contains(field)) {
                throw new AssertionError(file + ": images field '" + field + "' is not supported " + IMAGE_FIELDS);
            }
        });
        String name = image.path("name").asText();
        for (ObjectNode object : objects) {
            for (JsonNode container : object.path("spec").path("template").path("spec").path("containers")) {
                String current = container.path("image").asText();
                int tagAt = current.lastIndexOf(':');
                boolean tagged = tagAt > current.lastIndexOf('/');
                String currentName = tagged ? current.substring(0, tagAt) : current;
                if (currentName.equals(name)) {
                    String newName = image.path("newName").asText(currentName);
                    String tag = image.hasNonNull("newTag") ? image.get("newTag").asText()
                            : tagged ? current.substring(tagAt + 1) : null;
                    ((ObjectNode) container).put("image", tag == null ? newName : newName + ":" + tag);
                }
            }
        }
    }

    /** Every path a kustomization refers to, so a manifest nothing includes can be found. */
    static List<Path> referencedFiles(Path directory) {
        Path file = directory.resolve("kustomization.yaml");
        ObjectNode kustomization = KubernetesObjects.readTrees(file).get(0);
        List<Path> files = new ArrayList<>();
        files.add(file);
        for (String field : List.of("resources", "components")) {
            for (String entry : strings(kustomization, field, file)) {
                Path path = directory.resolve(entry).normalize();
                files.addAll(Files.isDirectory(path) ? referencedFiles(path) : List.of(path));
            }
        }
        for (JsonNode patch : kustomization.path("patches")) {
            files.add(directory.resolve(patch.path("path").asText()).normalize());
        }
        return files;
    }
}
