package io.tributary.verifier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.ChangeEventJson;

/** JSON objects for tests, read with the change events' mapper (exact numbers). */
final class Json {

    private Json() {
    }

    static ObjectNode object(String json) {
        try {
            return (ObjectNode) ChangeEventJson.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON object: " + json, e);
        }
    }
}
