package io.tributary.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
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
import java.time.Instant;
import java.util.List;
import java.util.Map;

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
 *
 * <p>Writing is streamed field by field ({@link #encode(ChangeRecord)}): a record's rows go straight from its
 * values into the bytes, and an event's trees are written as Jackson would write the record (the tests hold the
 * two to the same bytes).
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

    private static final SerializableString OP = new SerializedString("op");
    private static final SerializableString SOURCE = new SerializedString("source");
    private static final SerializableString DATABASE = new SerializedString("database");
    private static final SerializableString SCHEMA = new SerializedString("schema");
    private static final SerializableString TABLE = new SerializedString("table");
    private static final SerializableString LSN = new SerializedString("lsn");
    private static final SerializableString COMMIT_LSN = new SerializedString("commitLsn");
    private static final SerializableString XID = new SerializedString("xid");
    private static final SerializableString COMMIT_TIMESTAMP = new SerializedString("commitTimestamp");
    private static final SerializableString KEY = new SerializedString("key");
    private static final SerializableString BEFORE = new SerializedString("before");
    private static final SerializableString AFTER = new SerializedString("after");
    private static final SerializableString UNCHANGED = new SerializedString("unchanged");
    private static final SerializableString TYPES = new SerializedString("types");

    public static byte[] encode(ChangeEvent event) {
        return encode((ChangeRecord) event);
    }

    /**
     * The record's value: the event's JSON, its rows written by the record itself. (A publisher that encodes many
     * records reuses one {@link ChangeRecordEncoder} instead.)
     *
     * @throws IllegalStateException naming the table and LSN when the JSON cannot be written
     * @throws RuntimeException      what the record's rows throw for a value they cannot convert
     */
    public static byte[] encode(ChangeRecord record) {
        ByteArrayBuilder bytes = new ByteArrayBuilder(512);
        try (JsonGenerator out = MAPPER.createGenerator(bytes)) {
            writeValue(out, record);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the change event of " + record.tableId() + " at "
                    + record.source().lsn() + " as JSON", e);
        }
        return bytes.toByteArray();
    }

    /** Writes the record's value, the event, as one JSON object. */
    static void writeValue(JsonGenerator out, ChangeRecord record) throws IOException {
        out.writeStartObject();
        out.writeFieldName(OP);
        out.writeString(record.op().code());
        out.writeFieldName(SOURCE);
        writeSource(out, record.source());
        out.writeFieldName(KEY);
        JsonTrees.write(out, record.key());
        out.writeFieldName(BEFORE);
        record.writeBefore(out);
        out.writeFieldName(AFTER);
        record.writeAfter(out);
        List<String> unchanged = record.unchanged();
        if (!unchanged.isEmpty()) {
            out.writeFieldName(UNCHANGED);
            out.writeStartArray();
            for (String column : unchanged) {
                out.writeString(column);
            }
            out.writeEndArray();
        }
        if (!record.types().isEmpty()) {
            out.writeFieldName(TYPES);
            record.writeTypes(out);
        }
        out.writeEndObject();
    }

    /** Writes the record's key: the table and the row's key. */
    static void writeKey(JsonGenerator out, ChangeRecord record) throws IOException {
        SourceInfo source = record.source();
        out.writeStartObject();
        out.writeFieldName(SCHEMA);
        out.writeString(source.schema());
        out.writeFieldName(TABLE);
        out.writeString(source.table());
        out.writeFieldName(KEY);
        JsonTrees.write(out, record.key());
        out.writeEndObject();
    }

    private static void writeSource(JsonGenerator out, SourceInfo source) throws IOException {
        SourceNames names = SourceNames.of(source);
        out.writeStartObject();
        out.writeFieldName(DATABASE);
        out.writeString(names.database());
        out.writeFieldName(SCHEMA);
        out.writeString(names.schema());
        out.writeFieldName(TABLE);
        out.writeString(names.table());
        out.writeFieldName(LSN);
        out.writeString(source.lsn().toString());
        out.writeFieldName(COMMIT_LSN);
        out.writeString(commitLsnText(source.commitLsn()));
        out.writeFieldName(XID);
        out.writeNumber(source.xid());
        out.writeFieldName(COMMIT_TIMESTAMP);
        Instant commitTimestamp = source.commitTimestamp();
        if (commitTimestamp == null) {
            out.writeNull();
        } else {
            out.writeString(InstantText.of(commitTimestamp));
        }
        out.writeEndObject();
    }

    /**
     * The last source's database, schema and table names, encoded for JSON once: changes come in runs of one table.
     * Immutable, replaced as a whole, so threads may share it.
     */
    private record SourceNames(String databaseText, String schemaText, String tableText, SerializableString database,
                               SerializableString schema, SerializableString table) {

        private static volatile SourceNames last = new SourceNames("", "", "", new SerializedString(""),
                new SerializedString(""), new SerializedString(""));

        static SourceNames of(SourceInfo source) {
            SourceNames names = last;
            if (names.databaseText.equals(source.database()) && names.schemaText.equals(source.schema())
                    && names.tableText.equals(source.table())) {
                return names;
            }
            names = new SourceNames(source.database(), source.schema(), source.table(),
                    new SerializedString(source.database()), new SerializedString(source.schema()),
                    new SerializedString(source.table()));
            last = names;
            return names;
        }
    }

    /**
     * A value and its text. Every change of a transaction carries the same commit LSN, so the last one formatted is
     * kept: immutable, replaced as a whole, so threads may share it. (Timestamps: {@link InstantText}.)
     */
    private record Formatted<T>(T value, String text) {
    }

    private static volatile Formatted<Lsn> lastCommitLsn = new Formatted<>(Lsn.INVALID, Lsn.INVALID.toString());

    private static String commitLsnText(Lsn lsn) {
        Formatted<Lsn> last = lastCommitLsn;
        if (last.value().equals(lsn)) {
            return last.text();
        }
        String text = lsn.toString();
        lastCommitLsn = new Formatted<>(lsn, text);
        return text;
    }


    /** Writes a row image as Jackson writes a tree: an object, or null for none. */
    static void writeRow(JsonGenerator out, ObjectNode row) throws IOException {
        if (row == null) {
            out.writeNull();
        } else {
            JsonTrees.write(out, row);
        }
    }

    /** Writes column types as an object of names to type names, in column order. */
    static void writeTypes(JsonGenerator out, Map<String, String> types) throws IOException {
        out.writeStartObject();
        for (Map.Entry<String, String> type : types.entrySet()) {
            out.writeStringField(type.getKey(), type.getValue());
        }
        out.writeEndObject();
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
    public static byte[] encodeKey(ChangeRecord record) {
        ByteArrayBuilder bytes = new ByteArrayBuilder(64);
        try (JsonGenerator out = MAPPER.createGenerator(bytes)) {
            writeKey(out, record);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the record key of " + record.tableId() + " as JSON", e);
        }
        return bytes.toByteArray();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no detail)";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
