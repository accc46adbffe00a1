package io.tributary.model;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Reads a Debezium-shaped record ({@link DebeziumEventJson}: Tributary's with {@code envelope = debezium}, or
 * Debezium's PostgreSQL connector's with JSON schemas disabled) into the {@link ChangeEvent} it stands for, so it is
 * applied exactly as the same change in Tributary's envelope: the version is {@code source.lsn}, the key the record
 * key's columns, {@code json}/{@code jsonb} columns (strings in Debezium's shape) embedded again when the
 * {@link DebeziumEventJson#TYPES_HEADER} names their type, unchanged columns from
 * {@link DebeziumEventJson#UNCHANGED_HEADER}. Thread-safe.
 */
public final class DebeziumEventReader {

    private static final ObjectMapper MAPPER = ChangeEventJson.mapper();
    private static final TypeReference<LinkedHashMap<String, String>> TYPES = new TypeReference<>() { };
    private static final TypeReference<List<String>> NAMES = new TypeReference<>() { };

    private DebeziumEventReader() {
    }

    /**
     * Reads a record of either envelope, the one rule every reader of the topic follows: a record marked
     * {@code tributary.envelope = debezium} is Debezium's shape; any other is read as Tributary's, and one that is
     * not (a record without the header) is read as Debezium's if it has that shape. A record of neither shape throws
     * what Tributary's reader said.
     *
     * @param tributary    reads a value in Tributary's envelope ({@link ChangeEventJson#decode} or a faster one)
     * @param fromDebezium turns a Debezium-shaped record's event into the reader's form
     * @throws MalformedChangeEventException saying why the record is neither
     */
    public static <T> T read(byte[] key, byte[] value, Headers headers, Function<byte[], T> tributary,
                             Function<ChangeEvent, T> fromDebezium) {
        if (markedDebezium(headers)) {
            return fromDebezium.apply(decode(key, value, headers));
        }
        try {
            return tributary.apply(value);
        } catch (MalformedChangeEventException e) {
            boolean unmarked = headers == null || headers.lastHeader(DebeziumEventJson.ENVELOPE_HEADER) == null;
            if (unmarked && looksDebezium(value)) {
                return fromDebezium.apply(decode(key, value, headers));
            }
            throw e;
        }
    }

    /** Whether the record's headers say it was written in Debezium's shape. */
    public static boolean markedDebezium(Headers headers) {
        Header header = headers == null ? null : headers.lastHeader(DebeziumEventJson.ENVELOPE_HEADER);
        return header != null && Envelope.DEBEZIUM.setting().equals(utf8(header.value()));
    }

    /**
     * Whether an unmarked value has Debezium's shape (a {@code source} naming its {@code connector}): how records a
     * Debezium connector wrote are told from Tributary's, which have no such field. Cheap enough for a record that
     * already failed to read as Tributary's.
     */
    public static boolean looksDebezium(byte[] value) {
        if (value == null) {
            return false;
        }
        try {
            JsonNode tree = MAPPER.readTree(value);
            return tree != null && tree.path("source").has("connector") && tree.has("op");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * @param key     the record key (the row's key columns as one object; null for a truncate)
     * @param headers the record's headers, for column types and unchanged columns; may be null
     * @throws MalformedChangeEventException saying what is wrong (not JSON, a missing or ill-typed field, an
     *                                       operation Tributary does not apply)
     */
    public static ChangeEvent decode(byte[] key, byte[] value, Headers headers) {
        if (value == null) {
            throw new MalformedChangeEventException("the record has no value (a tombstone: a Debezium consumer's"
                    + " cue for log compaction; the delete event before it was applied)", null);
        }
        try {
            if (!(MAPPER.readTree(value) instanceof ObjectNode event)) {
                throw new IllegalArgumentException("expected a JSON object");
            }
            Operation op = Operation.fromCode(requiredText(event, "op"));
            if (op == Operation.SWEEP) {
                throw new IllegalArgumentException("op 's' is Tributary's sweep, which keeps Tributary's envelope");
            }
            SourceInfo source = source(object(event, "source"));
            Map<String, String> types = types(headers);
            ObjectNode rowKey = op.isRowChange() ? recordKey(key) : MAPPER.createObjectNode();
            return new ChangeEvent(op, source, rowKey, row(event, "before", types), row(event, "after", types),
                    unchanged(headers), op == Operation.DELETE ? Map.of() : types);
        } catch (IOException | IllegalArgumentException | NullPointerException | ArithmeticException e) {
            throw new MalformedChangeEventException("not a Debezium change event: " + e.getMessage(), e);
        }
    }

    private static SourceInfo source(ObjectNode source) {
        JsonNode lsn = source.get("lsn");
        if (lsn == null || !lsn.canConvertToLong()) {
            throw new IllegalArgumentException("'source.lsn' must be a whole number, found " + lsn);
        }
        return new SourceInfo(requiredText(source, "db"), requiredText(source, "schema"),
                requiredText(source, "table"), Lsn.of(lsn.longValue()), commitLsn(source.get("sequence")),
                source.path("txId").asLong(0), committed(source));
    }

    /** The first LSN of {@code sequence} (a JSON array in a string), or 0/0 when there is none. */
    private static Lsn commitLsn(JsonNode sequence) {
        if (sequence == null || !sequence.isTextual()) {
            return Lsn.INVALID;
        }
        try {
            JsonNode first = MAPPER.readTree(sequence.textValue()).path(0);
            return first.isTextual() ? Lsn.of(Long.parseUnsignedLong(first.textValue())) : Lsn.INVALID;
        } catch (IOException | NumberFormatException e) {
            throw new IllegalArgumentException("'source.sequence' must be a JSON array of two decimal LSNs, found "
                    + sequence, e);
        }
    }

    /** The commit time: {@code ts_us} (PostgreSQL's precision) if present, else {@code ts_ms}; null when neither. */
    private static Instant committed(ObjectNode source) {
        JsonNode micros = source.get("ts_us");
        if (micros != null && micros.canConvertToLong()) {
            long value = micros.longValue();
            return Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000L), Math.floorMod(value, 1_000_000L) * 1000);
        }
        JsonNode millis = source.get("ts_ms");
        return millis != null && millis.canConvertToLong() ? Instant.ofEpochMilli(millis.longValue()) : null;
    }

    private static ObjectNode recordKey(byte[] key) throws IOException {
        if (key == null) {
            throw new IllegalArgumentException("a row change needs a record key (its key columns), found none");
        }
        if (!(MAPPER.readTree(key) instanceof ObjectNode columns)) {
            throw new IllegalArgumentException("the record key must be a JSON object of key columns, found "
                    + utf8(key));
        }
        return columns;
    }

    /** A row, its {@code json}/{@code jsonb} strings (and arrays of them) embedded again as Tributary embeds them. */
    private static ObjectNode row(ObjectNode event, String field, Map<String, String> types) throws IOException {
        JsonNode row = event.get(field);
        if (row == null || row.isNull()) {
            return null;
        }
        if (!(row instanceof ObjectNode columns)) {
            throw new IllegalArgumentException("'" + field + "' must be an object or null, found " + row.getNodeType());
        }
        for (Map.Entry<String, String> type : types.entrySet()) {
            JsonNode column = columns.get(type.getKey());
            if (column == null) {
                continue;
            }
            switch (type.getValue()) {
                case "json", "jsonb" -> columns.set(type.getKey(), embedded(column));
                case "_json", "_jsonb" -> columns.set(type.getKey(), embeddedElements(column));
                default -> { }
            }
        }
        return columns;
    }

    private static JsonNode embedded(JsonNode value) throws IOException {
        return value.isTextual() ? MAPPER.readTree(value.textValue()) : value;
    }

    private static JsonNode embeddedElements(JsonNode value) throws IOException {
        if (value instanceof ArrayNode elements) {
            for (int i = 0; i < elements.size(); i++) {
                elements.set(i, elements.get(i).isArray() ? embeddedElements(elements.get(i))
                        : embedded(elements.get(i)));
            }
        }
        return value;
    }

    private static Map<String, String> types(Headers headers) throws IOException {
        Header header = headers == null ? null : headers.lastHeader(DebeziumEventJson.TYPES_HEADER);
        return header == null ? Map.of() : MAPPER.readValue(header.value(), TYPES);
    }

    private static List<String> unchanged(Headers headers) throws IOException {
        Header header = headers == null ? null : headers.lastHeader(DebeziumEventJson.UNCHANGED_HEADER);
        return header == null ? List.of() : MAPPER.readValue(header.value(), NAMES);
    }

    private static ObjectNode object(ObjectNode parent, String field) {
        if (!(parent.get(field) instanceof ObjectNode child)) {
            throw new IllegalArgumentException("'" + field + "' must be an object, found " + parent.get(field));
        }
        return child;
    }

    private static String requiredText(ObjectNode parent, String field) {
        JsonNode value = parent.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("'" + field + "' must be a string, found " + value);
        }
        return value.textValue();
    }

    private static String utf8(byte[] bytes) {
        return bytes == null ? "null" : new String(bytes, StandardCharsets.UTF_8);
    }
}
