package io.tributary.producer.snapshot;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.model.SourceInfo;
import io.tributary.model.TableId;
import io.tributary.producer.decoding.PgOutputMessage.Column;
import io.tributary.producer.publish.KafkaPublisher.EncodedEvent;
import io.tributary.shaping.ValueConverter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a snapshot row (each column's text, or null) straight into the Kafka record key and value that
 * {@link ChangeEventJson#encodeKey} and {@link ChangeEventJson#encode} write for the row's {@code op = r} event
 * ({@link ReadEvents#eventFor}), byte for byte, without building the event: the parts every row of the table shares
 * (the operation, the source block, the type names, the field names) are encoded once, each value is converted by
 * the stream's {@link ValueConverter} and written at once (a {@code jsonb} value copied token by token, without the
 * tree the converter would build for it), and the key columns are written once for both.
 *
 * <p>Why: the initial snapshot spent most of its time and heap on per-row Jackson trees (an object node per row
 * image and key, the event record, a copy of the type map, the source's LSNs formatted again for every row), and
 * held whole chunks of them. This is the snapshot's own encoder, kept beside {@link ReadEvents} (which incremental
 * snapshots still use, as their chunks are compared with streamed changes) and checked against
 * {@link ChangeEventJson} by {@code ReadEventEncoderTest}, so it changes when that encoding changes.
 *
 * <p>Not thread-safe: each encoding thread uses its own ({@link #copy}); one holds one row's bytes at a time.
 */
final class ReadEventEncoder {

    private final SnapshotTable table;
    private final ValueConverter converter;
    /** Reads jsonb text: PostgreSQL validated it, so no length or nesting limits (as {@code EmbeddedJson}). */
    private static final JsonFactory JSONB = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNumberLength(Integer.MAX_VALUE)
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNestingDepth(Integer.MAX_VALUE)
                    .build())
            .build();

    private final List<Column> columns;
    private final boolean keyed;
    private final SerializableString[] names;
    private final byte[] keyPrefix;
    private final byte[] valuePrefix;
    private final byte[] valueMiddle;
    private final byte[] valueSuffix;
    private final Parts parts;
    private final Lsn version;
    private final Buffer out = new Buffer();
    private final JsonGenerator generator;

    ReadEventEncoder(SnapshotTable table, ValueConverter converter, SnapshotPoint point) {
        this(table, converter, parts(table, converter, point), point.version());
    }

    private ReadEventEncoder(SnapshotTable table, ValueConverter converter, Parts parts, Lsn version) {
        this.table = table;
        this.version = version;
        this.converter = converter;
        this.columns = table.relation().columns();
        this.keyed = table.hasKeyColumns();
        this.names = new SerializableString[columns.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = new SerializedString(columns.get(i).name());
        }
        this.keyPrefix = parts.keyPrefix;
        this.valuePrefix = parts.valuePrefix;
        this.valueMiddle = parts.valueMiddle;
        this.valueSuffix = parts.valueSuffix;
        try {
            this.generator = ChangeEventJson.mapper().createGenerator(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        generator.setRootValueSeparator(null); // the key and the row are written one after the other, raw around
        this.parts = parts;
    }

    TableId table() {
        return table.table();
    }

    /** A new encoder of the same table and point, for another thread. */
    ReadEventEncoder copy() {
        return new ReadEventEncoder(table, converter, parts, version);
    }

    /** The bytes of the event around the key and the row, the same for every row of the table. */
    private record Parts(byte[] keyPrefix, byte[] valuePrefix, byte[] valueMiddle, byte[] valueSuffix) {
    }

    /**
     * The parts as {@link ChangeEventJson} writes them: the value is {@code {"op":…,"source":…,"key":K,
     * "before":null,"after":A,"types":…}} ({@code unchanged} is empty, so absent; {@code types} only when not empty)
     * and the key {@code {"schema":…,"table":…,"key":K}}.
     */
    private static Parts parts(SnapshotTable table, ValueConverter converter, SnapshotPoint point) {
        ObjectMapper mapper = ChangeEventJson.mapper();
        SourceInfo source = new SourceInfo(point.database(), table.table().schema(), table.table().table(),
                point.version(), point.commitLsn(), 0, point.startedAt());
        Map<String, String> types = new LinkedHashMap<>();
        for (Column column : table.relation().columns()) {
            types.put(column.name(), converter.typeName(column.typeOid()));
        }
        try {
            String keyPrefix = "{\"schema\":" + mapper.writeValueAsString(source.schema()) + ",\"table\":"
                    + mapper.writeValueAsString(source.table()) + ",\"key\":";
            String valuePrefix = "{\"op\":" + mapper.writeValueAsString(Operation.READ) + ",\"source\":"
                    + mapper.writeValueAsString(source) + ",\"key\":";
            String valueSuffix = (types.isEmpty() ? "" : ",\"types\":" + mapper.writeValueAsString(types)) + "}";
            return new Parts(utf8(keyPrefix), utf8(valuePrefix), utf8(",\"before\":null,\"after\":"),
                    utf8(valueSuffix));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * About what {@code rows} take in memory, as text and once encoded ({@link ChunkBudget}): each value's characters,
     * a little per value, and the bytes every event of the table repeats (operation, source, type names).
     */
    long estimatedBytes(List<String[]> rows) {
        long constant = keyPrefix.length + valuePrefix.length + valueMiddle.length + valueSuffix.length + 1;
        long bytes = 0;
        for (String[] row : rows) {
            bytes += constant;
            for (String value : row) {
                bytes += value == null ? 8 : 48 + value.length();
            }
        }
        return bytes;
    }

    /**
     * @param values the relation's columns' values in order, text or null (further values are ignored)
     * @throws IllegalStateException naming the table and column when a value does not fit its type, or when the
     *                               table has no key columns
     */
    EncodedEvent encode(String[] values) {
        if (!keyed) { // refused at the first row, as the stream does: an empty table is fine
            throw new IllegalStateException("table " + table.table() + " has no primary key and no replica identity"
                    + " columns, so its rows cannot be keyed: add a primary key, ALTER TABLE " + table.table()
                    + " REPLICA IDENTITY FULL (or USING INDEX), or set tributary.postgres.replica-identity = full");
        }
        try {
            out.reset();
            out.write(valuePrefix);
            generator.writeStartObject();
            for (int i = 0; i < columns.size(); i++) {
                if (columns.get(i).key()) {
                    generator.writeFieldName(names[i]);
                    write(columns.get(i), values[i]);
                }
            }
            generator.writeEndObject();
            generator.flush();
            int keyEnd = out.size();
            byte[] key = out.copy(keyPrefix, valuePrefix.length, keyEnd);
            out.write(valueMiddle);
            generator.writeStartObject();
            for (int i = 0; i < columns.size(); i++) {
                generator.writeFieldName(names[i]);
                write(columns.get(i), values[i]);
            }
            generator.writeEndObject();
            generator.flush();
            out.write(valueSuffix);
            return new EncodedEvent(table.table(), Operation.READ, version, key, out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a snapshot row of " + table.table() + " as JSON", e);
        }
    }

    private void write(Column column, String text) throws IOException {
        if (text == null) {
            generator.writeNull();
            return;
        }
        JsonNode value;
        try {
            if (column.typeOid() == ValueConverter.JSONB) {
                copyJsonb(text);
                return;
            }
            value = converter.convert(column.typeOid(), text);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("snapshot of " + table.table() + ": column " + column.name()
                    + " (type oid " + column.typeOid() + "): " + e.getMessage(), e);
        }
        writeNode(value);
    }

    /** Writes a converted value as an object node's serializer would, without the serializer's lookups. */
    private void writeNode(JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case STRING -> generator.writeString(node.textValue());
            case NUMBER -> {
                switch (node.numberType()) {
                    case INT -> generator.writeNumber(node.intValue());
                    case LONG -> generator.writeNumber(node.longValue());
                    case BIG_INTEGER -> generator.writeNumber(node.bigIntegerValue());
                    case BIG_DECIMAL -> generator.writeNumber(node.decimalValue());
                    case DOUBLE -> generator.writeNumber(node.doubleValue());
                    default -> generator.writeTree(node);
                }
            }
            case BOOLEAN -> generator.writeBoolean(node.booleanValue());
            case NULL -> generator.writeNull();
            case ARRAY -> {
                generator.writeStartArray(node, node.size());
                for (JsonNode element : node) {
                    writeNode(element);
                }
                generator.writeEndArray();
            }
            case OBJECT -> {
                generator.writeStartObject(node);
                for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    generator.writeFieldName(field.getKey());
                    writeNode(field.getValue());
                }
                generator.writeEndObject();
            }
            default -> generator.writeTree(node);
        }
    }

    /**
     * A {@code jsonb} value token by token, as {@link ValueConverter} reads it into a tree and the tree is written:
     * decimals exact with their trailing zeros, whole numbers as they are. Only for {@code jsonb}, whose text never
     * repeats a key (a {@code json} value may, and its tree keeps the last one).
     *
     * @throws IllegalArgumentException when the text is not JSON
     */
    private void copyJsonb(String text) throws IOException {
        try (JsonParser parser = JSONB.createParser(text)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                switch (token) {
                    case START_OBJECT -> generator.writeStartObject();
                    case END_OBJECT -> generator.writeEndObject();
                    case START_ARRAY -> generator.writeStartArray();
                    case END_ARRAY -> generator.writeEndArray();
                    case FIELD_NAME -> generator.writeFieldName(parser.currentName());
                    case VALUE_STRING -> generator.writeString(parser.getTextCharacters(), parser.getTextOffset(),
                            parser.getTextLength());
                    case VALUE_NUMBER_INT -> {
                        if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                            generator.writeNumber(parser.getBigIntegerValue());
                        } else {
                            generator.writeNumber(parser.getLongValue());
                        }
                    }
                    case VALUE_NUMBER_FLOAT -> generator.writeNumber(parser.getDecimalValue());
                    case VALUE_TRUE -> generator.writeBoolean(true);
                    case VALUE_FALSE -> generator.writeBoolean(false);
                    case VALUE_NULL -> generator.writeNull();
                    default -> throw new IllegalArgumentException("unexpected " + token + " in jsonb text");
                }
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A byte stream that copies a range of what it holds between two other arrays. */
    private static final class Buffer extends ByteArrayOutputStream {

        Buffer() {
            super(4096);
        }

        @Override
        public void write(byte[] bytes) {
            write(bytes, 0, bytes.length);
        }

        /** {@code prefix}, this stream's bytes {@code from} up to {@code to}, then a closing brace. */
        byte[] copy(byte[] prefix, int from, int to) {
            byte[] copy = new byte[prefix.length + (to - from) + 1];
            System.arraycopy(prefix, 0, copy, 0, prefix.length);
            System.arraycopy(buf, from, copy, prefix.length, to - from);
            copy[copy.length - 1] = '}';
            return copy;
        }
    }
}
