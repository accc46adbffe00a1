package io.tributary.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NumericNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;

/**
 * The JSON form of {@link ChangeEvent} on the Kafka topic, and of the record key.
 *
 * <p>A value looks like
 * <pre>{@code
 * {"op":"u",
 *  "source":{"database":"app","schema":"public","table":"orders","lsn":"0/1A2B3C8","commitLsn":"0/1A2B4F0",
 *            "xid":771,"commitTimestamp":"2026-11-22T06:00:00.123456Z"},
 *  "key":{"id":42},"before":null,"after":{"id":42,"status":"shipped"}}
 * }</pre>
 * and a key {@code {"schema":"public","table":"orders","key":{"id":42}}}, so the topic works with log compaction
 * and with tools that read keys. Numbers keep their exact decimal form; whole numbers read back as longs (or big
 * integers), so an event equals itself after a round trip. Unknown fields are ignored, so a newer
 * producer can add fields before subscribers learn them. Thread-safe.
 */
public final class ChangeEventJson {

    /**
     * No limit on a value's length or a number's digits: a row PostgreSQL accepts (a text value of tens of MB, a
     * numeric of a thousand digits) is an event to carry, not one to refuse (Jackson's defaults stop at 20 M chars).
     */
    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxStringLength(Integer.MAX_VALUE)
                            .maxNumberLength(Integer.MAX_VALUE)
                            .build())
                    .build())
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(new LongIntegersNodeFactory())
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private ChangeEventJson() {
    }

    /**
     * Reads every whole number that fits 64 bits as a long node (larger ones stay big integers), so a value
     * converted from a column and the same value read back from JSON are equal nodes.
     */
    private static final class LongIntegersNodeFactory extends JsonNodeFactory {

        private static final long serialVersionUID = 1L;

        @Override
        public NumericNode numberNode(int value) {
            return LongNode.valueOf(value);
        }

        @Override
        public NumericNode numberNode(short value) {
            return LongNode.valueOf(value);
        }

        @Override
        public NumericNode numberNode(byte value) {
            return LongNode.valueOf(value);
        }
    }

    /** The mapper every Tributary component uses for change data, configured for exact numbers. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] encode(ChangeEvent event) {
        try {
            return MAPPER.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the change event of " + event.tableId() + " at "
                    + event.source().lsn() + " as JSON", e);
        }
    }

    /**
     * @throws MalformedChangeEventException saying what is wrong (not JSON, a missing or ill-typed field)
     */
    public static ChangeEvent decode(byte[] json) {
        if (json == null) {
            throw new MalformedChangeEventException("the record has no value (a tombstone?)", null);
        }
        try {
            ChangeEvent event = MAPPER.readValue(json, ChangeEvent.class);
            if (event == null) {
                throw new MalformedChangeEventException("the record's value is JSON null", null);
            }
            return event;
        } catch (IOException | IllegalArgumentException | NullPointerException e) {
            throw new MalformedChangeEventException("not a change event: " + firstLine(e.getMessage()), e);
        }
    }

    /** The record key: the table and the row's key, as JSON. */
    public static byte[] encodeKey(ChangeEvent event) {
        ObjectNode key = MAPPER.createObjectNode();
        key.put("schema", event.source().schema());
        key.put("table", event.source().table());
        key.set("key", event.key());
        try {
            return MAPPER.writeValueAsBytes(key);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the record key of " + event.tableId() + " as JSON", e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no detail)";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
