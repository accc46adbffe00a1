package io.tributary.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads YAML into fabric8's Kubernetes object model, strictly: a field the model does not know (a typo, a field at
 * the wrong level) is an error naming the field and the file, and so is an apiVersion/kind the model has no class
 * for. fabric8's classes collect unknown fields in {@code additionalProperties}; this reader takes that catch-all
 * away, so FAIL_ON_UNKNOWN_PROPERTIES applies.
 */
final class KubernetesObjects {

    /** Plain YAML: every document as a tree. */
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static final ObjectMapper STRICT = strictMapper();

    private KubernetesObjects() {
    }

    /** Every non-empty YAML document of {@code file}, as a tree. */
    static List<ObjectNode> readTrees(Path file) {
        try {
            List<ObjectNode> documents = new ArrayList<>();
            for (JsonNode document : YAML.readerFor(JsonNode.class).<JsonNode>readValues(Files.readString(file)).readAll()) {
                if (document == null || document.isNull() || document.isMissingNode()) {
                    continue;
                }
                if (!document.isObject()) {
                    throw new AssertionError(file + ": a YAML document that is not an object: " + document);
                }
                documents.add((ObjectNode) document);
            }
            return documents;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " as YAML", e);
        }
    }

    /** {@code tree} as its typed Kubernetes object; {@code origin} names where it came from in errors. */
    static HasMetadata toObject(JsonNode tree, String origin) {
        String type = tree.path("apiVersion").asText("?") + " " + tree.path("kind").asText("?") + " "
                + tree.path("metadata").path("name").asText("?");
        KubernetesResource resource;
        try {
            resource = STRICT.treeToValue(tree, KubernetesResource.class);
        } catch (JsonProcessingException e) {
            throw new AssertionError(origin + ": " + type + " is not a valid Kubernetes object: "
                    + e.getOriginalMessage(), e);
        }
        if (resource instanceof GenericKubernetesResource || !(resource instanceof HasMetadata object)) {
            throw new AssertionError(origin + ": " + type + ": the Kubernetes model has no such apiVersion and kind");
        }
        return object;
    }

    private static ObjectMapper strictMapper() {
        SimpleModule noCatchAll = new SimpleModule("no-additional-properties");
        noCatchAll.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription description,
                                                         BeanDeserializerBuilder builder) {
                Class<?> type = description.getBeanClass();
                if (type.getName().startsWith("io.fabric8.") && type != GenericKubernetesResource.class) {
                    builder.setAnySetter(null);
                }
                return builder;
            }
        });
        return new ObjectMapper(new YAMLFactory())
                .registerModule(noCatchAll)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }
}
