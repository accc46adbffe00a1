package io.tributary.shaping;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NumericNode;

/**
 * Reads the text of a {@code json} or {@code jsonb} value into a JSON tree to embed in the event, numbers exact:
 * decimals as {@code BigDecimal} with their trailing zeros, whole numbers as longs and, beyond a long, big integers
 * (the node types {@code ChangeEventJson} reads back, except that it cannot read integers beyond a long).
 *
 * <p>PostgreSQL has already validated the text, so Jackson's defensive limits for untrusted input (1,000-digit
 * numbers, 20 MB strings, 1,000 nesting levels) are lifted: a value the database accepted is never refused here.
 * Of duplicate keys in a {@code json} value the last one wins. Thread-safe.
 */
public final class EmbeddedJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNumberLength(Integer.MAX_VALUE)
                            .maxStringLength(Integer.MAX_VALUE)
                            .maxNestingDepth(Integer.MAX_VALUE)
                            .build())
                    .build())
            .nodeFactory(new LongIntegers())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private EmbeddedJson() {
    }

    static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidValueException("valid JSON", text, e.getOriginalMessage(), e);
        }
    }

    /** Whole numbers that fit an int become longs, like everywhere else in Tributary's JSON. */
    private static final class LongIntegers extends JsonNodeFactory {

        @Override
        public NumericNode numberNode(int value) {
            return LongNode.valueOf(value);
        }
    }
}
