package io.tributary.subscriber.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.DebeziumEventReader;
import io.tributary.model.Lsn;
import io.tributary.model.MalformedChangeEventException;
import io.tributary.model.Operation;
import io.tributary.model.SourceInfo;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Headers;

/**
 * Reads the value of a Kafka record — a change event in its JSON form ({@link ChangeEventJson}) — into a
 * {@link ReceivedChange}, in one pass of a streaming parser: {@code after} is kept as the bytes it was written in,
 * only the small key and before-image become trees, and the {@code types} of a table (the same in every event until
 * its columns change) are read once and shared. The {@code types} of the event before are compared first, in place:
 * a partition mostly holds one table's events, so most events cost neither a copy nor a hash of them.
 *
 * <p>Accepts what {@link ChangeEventJson#decode} accepts (unknown fields are skipped) and rejects what it rejects,
 * with {@link MalformedChangeEventException} saying what is wrong. Not thread-safe: one per consumer thread.
 */
public final class ChangeEventReader {

    /** Distinct {@code types} objects kept; more are read afresh after the cache is emptied (memory stays bounded). */
    private static final int MAX_CACHED_TYPES = 512;

    private static final ObjectMapper MAPPER = ChangeEventJson.mapper();
    private static final ObjectReader LSN_READER = MAPPER.readerFor(Lsn.class);
    private static final ObjectReader XID_READER = MAPPER.readerFor(Long.class);
    private static final ObjectReader TIMESTAMP_READER = MAPPER.readerFor(Instant.class);
    private static final ObjectReader TYPES_READER =
            MAPPER.readerFor(new TypeReference<LinkedHashMap<String, String>>() { });

    /** The {@code types} maps read so far, by their JSON bytes. */
    private final Map<TypesJson, Map<String, String>> typesByJson = new HashMap<>();
    /** The {@code types} of the last event that had any: its JSON bytes and the map read from them. */
    private TypesJson lastTypesJson;
    private Map<String, String> lastTypes;

    /** The JSON bytes of a {@code types} object, compared by content. */
    private record TypesJson(byte[] json) {
        @Override
        public boolean equals(Object other) {
            return other instanceof TypesJson that && Arrays.equals(json, that.json);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(json);
        }
    }

    /**
     * A record in either envelope ({@link DebeziumEventReader#read}): Tributary's read here in one pass, Debezium's
     * shape read into the same change, so both are applied alike.
     *
     * @throws MalformedChangeEventException saying what is wrong, for a record of neither shape
     */
    public ReceivedChange read(byte[] key, byte[] value, Headers headers) {
        return DebeziumEventReader.read(key, value, headers, this::read, ReceivedChange::of);
    }

    /**
     * @throws MalformedChangeEventException saying what is wrong (not JSON, a missing or ill-typed field)
     */
    public ReceivedChange read(byte[] json) {
        if (json == null) {
            throw new MalformedChangeEventException("the record has no value (a tombstone?)", null);
        }
        try (JsonParser parser = MAPPER.createParser(json)) {
            JsonToken first = parser.nextToken();
            if (first == JsonToken.VALUE_NULL) {
                throw new MalformedChangeEventException("the record's value is JSON null", null);
            }
            if (first != JsonToken.START_OBJECT) {
                throw new MalformedChangeEventException("not a change event: expected a JSON object, found " + first,
                        null);
            }
            return readFields(parser, json);
        } catch (IOException | IllegalArgumentException | NullPointerException e) {
            throw new MalformedChangeEventException("not a change event: " + firstLine(e.getMessage()), e);
        }
    }

    private ReceivedChange readFields(JsonParser parser, byte[] json) throws IOException {
        Operation op = null;
        SourceInfo source = null;
        ObjectNode key = null;
        ObjectNode before = null;
        RowJson after = null;
        List<String> unchanged = List.of();
        Map<String, String> types = Map.of();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            boolean isNull = value == JsonToken.VALUE_NULL;
            switch (field) {
                case "op" -> op = isNull ? null : Operation.fromCode(text(parser, field));
                case "source" -> source = isNull ? null : source(parser);
                case "key" -> key = isNull ? null : object(parser, field);
                case "before" -> before = isNull ? null : object(parser, field);
                case "after" -> after = isNull ? null : row(parser, json);
                case "unchanged" -> unchanged = isNull ? List.of() : strings(parser, field);
                case "types" -> types = isNull ? Map.of() : types(parser, json);
                default -> parser.skipChildren();
            }
        }
        return new ReceivedChange(op, source, key, before, after, unchanged, types);
    }

    /**
     * The {@code source} object. The usual forms (strings, an LSN string, a whole number, an ISO-8601 instant) are read
     * directly; any other form of a value is left to the shared mapper, so what it accepts is accepted here too.
     */
    private static SourceInfo source(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException("'source' must be an object, found " + parser.currentToken());
        }
        String database = null;
        String schema = null;
        String table = null;
        Lsn lsn = null;
        Lsn commitLsn = null;
        long xid = 0;
        Instant commitTimestamp = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            boolean isNull = value == JsonToken.VALUE_NULL;
            boolean isString = value == JsonToken.VALUE_STRING;
            switch (field) {
                case "database" -> database = isNull ? null : scalarText(parser, "source.database");
                case "schema" -> schema = isNull ? null : scalarText(parser, "source.schema");
                case "table" -> table = isNull ? null : scalarText(parser, "source.table");
                case "lsn" -> lsn = isNull ? null
                        : isString ? Lsn.parse(parser.getText()) : LSN_READER.readValue(parser);
                case "commitLsn" -> commitLsn = isNull ? null
                        : isString ? Lsn.parse(parser.getText()) : LSN_READER.readValue(parser);
                case "xid" -> xid = value == JsonToken.VALUE_NUMBER_INT ? parser.getLongValue()
                        : isNull ? 0 : (Long) XID_READER.readValue(parser);
                case "commitTimestamp" -> commitTimestamp = isNull ? null : timestamp(parser, isString);
                default -> parser.skipChildren();
            }
        }
        return new SourceInfo(database, schema, table, lsn, commitLsn, xid, commitTimestamp);
    }

    private static Instant timestamp(JsonParser parser, boolean isString) throws IOException {
        if (isString) {
            Instant instant = IsoInstants.parseUtc(parser.getText());
            if (instant != null) {
                return instant;
            }
        }
        return TIMESTAMP_READER.readValue(parser);
    }

    private static String text(JsonParser parser, String field) throws IOException {
        if (parser.currentToken() != JsonToken.VALUE_STRING) {
            throw new IllegalArgumentException("'" + field + "' must be a string, found " + parser.currentToken());
        }
        return parser.getText();
    }

    private static ObjectNode object(JsonParser parser, String field) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException("'" + field + "' must be an object, found " + parser.currentToken());
        }
        return parser.readValueAsTree();
    }

    private static RowJson row(JsonParser parser, byte[] json) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException("'after' must be an object, found " + parser.currentToken());
        }
        int from = Math.toIntExact(parser.currentTokenLocation().getByteOffset());
        parser.skipChildren();
        int to = Math.toIntExact(parser.currentLocation().getByteOffset());
        return RowJson.ofWellFormed(json, from, to);
    }

    private static List<String> strings(JsonParser parser, String field) throws IOException {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            throw new IllegalArgumentException("'" + field + "' must be an array, found " + parser.currentToken());
        }
        List<String> values = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            values.add(scalarText(parser, field));
        }
        return List.copyOf(values);
    }

    private Map<String, String> types(JsonParser parser, byte[] json) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException("'types' must be an object, found " + parser.currentToken());
        }
        int from = Math.toIntExact(parser.currentTokenLocation().getByteOffset());
        parser.skipChildren();
        int to = Math.toIntExact(parser.currentLocation().getByteOffset());
        if (lastTypesJson != null && Arrays.equals(json, from, to, lastTypesJson.json(), 0,
                lastTypesJson.json().length)) {
            return lastTypes;
        }
        TypesJson seen = new TypesJson(Arrays.copyOfRange(json, from, to));
        Map<String, String> types = typesByJson.get(seen);
        if (types == null) {
            types = Collections.unmodifiableMap(TYPES_READER.readValue(seen.json()));
            if (typesByJson.size() >= MAX_CACHED_TYPES) {
                typesByJson.clear();
            }
            typesByJson.put(seen, types);
        }
        lastTypesJson = seen;
        lastTypes = types;
        return types;
    }

    private static String scalarText(JsonParser parser, String field) throws IOException {
        if (!parser.currentToken().isScalarValue()) {
            throw new IllegalArgumentException("'" + field + "' must hold strings, found " + parser.currentToken());
        }
        return parser.getValueAsString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no detail)";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
