package io.tributary.model;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes a JSON tree to a generator node by node, as {@code ObjectMapper.writeTree} writes it under
 * {@link ChangeEventJson#mapper()}'s settings, without looking up serializers for every tree: change events write a
 * few small trees (key, rows) per event. Stateless.
 */
final class JsonTrees {

    private JsonTrees() {
    }

    static void write(JsonGenerator out, JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                out.writeStartObject();
                for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    out.writeFieldName(field.getKey());
                    write(out, field.getValue());
                }
                out.writeEndObject();
            }
            case ARRAY -> {
                out.writeStartArray();
                for (JsonNode element : node) {
                    write(out, element);
                }
                out.writeEndArray();
            }
            case STRING -> out.writeString(node.textValue());
            case NUMBER -> writeNumber(out, node);
            case BOOLEAN -> out.writeBoolean(node.booleanValue());
            case NULL -> out.writeNull();
            default -> ChangeEventJson.mapper().writeTree(out, node); // binary, POJO: not in change data
        }
    }

    private static void writeNumber(JsonGenerator out, JsonNode number) throws IOException {
        switch (number.numberType()) {
            case INT -> out.writeNumber(number.intValue());
            case LONG -> out.writeNumber(number.longValue());
            case BIG_INTEGER -> out.writeNumber(number.bigIntegerValue());
            case BIG_DECIMAL -> out.writeNumber(number.decimalValue());
            case FLOAT -> out.writeNumber(number.floatValue());
            case DOUBLE -> out.writeNumber(number.doubleValue());
            default -> ChangeEventJson.mapper().writeTree(out, number);
        }
    }
}
