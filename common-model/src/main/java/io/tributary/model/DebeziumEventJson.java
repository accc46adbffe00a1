package io.tributary.model;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * A change record in the shape of Debezium's PostgreSQL connector with JSON schemas disabled
 * ({@code value.converter.schemas.enable = false}), so Debezium consumers and Kafka Connect sinks read Tributary's
 * topic unchanged. A value looks like
 * <pre>{@code
 * {"before":null,"after":{"id":42,"status":"shipped"},
 *  "source":{"version":"tributary","connector":"postgresql","name":"app","ts_ms":1795327200123,"snapshot":"false",
 *            "db":"app","sequence":"[\"27440368\",\"27440072\"]","ts_us":1795327200123456,"ts_ns":1795327200123456000,
 *            "schema":"public","table":"orders","txId":771,"lsn":27440072,"xmin":null},
 *  "op":"u","ts_ms":1795327200123,"ts_us":1795327200123456,"ts_ns":1795327200123456000,"transaction":null}
 * }</pre>
 * and a key the row's key columns as a flat object ({@code {"id":42}}); a truncate has no key (as Debezium's), and an
 * update that changed the key is a delete of the old key followed by a create of the new one (as Debezium's).
 * Rows are written by the record as in Tributary's envelope, so values are converted once, on the hot path; the
 * choices that make them Debezium's (numeric as strings, ISO-8601 times, json as strings) are the producer's value
 * converter's. What Debezium's value does not carry travels in headers the subscriber reads: {@link #TYPES_HEADER},
 * {@link #UNCHANGED_HEADER}. docs/design.md, "Debezium envelope", has every field and what differs. Thread-safe.
 */
public final class DebeziumEventJson {

    /** Names the envelope of a record on a topic written with {@code envelope = debezium}: its {@link Envelope#setting()}. */
    public static final String ENVELOPE_HEADER = "tributary.envelope";
    /** The column types of an insert, update or read (JSON object, as Tributary's {@code types}). */
    public static final String TYPES_HEADER = "tributary.types";
    /** Columns of an update PostgreSQL did not send (JSON array, as Tributary's {@code unchanged}); absent if none. */
    public static final String UNCHANGED_HEADER = "tributary.unchanged";
    /**
     * Marks a Tributary control record among Debezium-shaped ones (value {@code sweep}): it keeps Tributary's envelope,
     * and a Debezium consumer skips it (Kafka Connect: the {@code Filter} SMT with a {@code HasHeaderKey} predicate).
     */
    public static final String CONTROL_HEADER = "tributary.control";

    /** What {@code source.version} says: not a Debezium version, since Tributary wrote the event. */
    public static final String VERSION = "tributary";

    private static final SerializableString BEFORE = new SerializedString("before");
    private static final SerializableString AFTER = new SerializedString("after");
    private static final SerializableString SOURCE = new SerializedString("source");
    private static final SerializableString OP = new SerializedString("op");
    private static final SerializableString TS_MS = new SerializedString("ts_ms");
    private static final SerializableString TS_US = new SerializedString("ts_us");
    private static final SerializableString TS_NS = new SerializedString("ts_ns");
    private static final SerializableString TRANSACTION = new SerializedString("transaction");
    private static final SerializableString VERSION_FIELD = new SerializedString("version");
    private static final SerializableString CONNECTOR = new SerializedString("connector");
    private static final SerializableString NAME = new SerializedString("name");
    private static final SerializableString SNAPSHOT = new SerializedString("snapshot");
    private static final SerializableString DB = new SerializedString("db");
    private static final SerializableString SEQUENCE = new SerializedString("sequence");
    private static final SerializableString SCHEMA = new SerializedString("schema");
    private static final SerializableString TABLE = new SerializedString("table");
    private static final SerializableString TX_ID = new SerializedString("txId");
    private static final SerializableString LSN = new SerializedString("lsn");
    private static final SerializableString XMIN = new SerializedString("xmin");

    private DebeziumEventJson() {
    }

    /** Whether records of {@code op} take Debezium's shape: row changes and truncates; a sweep keeps Tributary's. */
    public static boolean shapes(Operation op) {
        return op != Operation.SWEEP;
    }

    /**
     * Which Debezium event of a record is written: the record's own, or — for an update that changed the row's key,
     * which Debezium sends as two events — the delete of the old key or the create of the new one.
     */
    enum Part {
        /** The record as it is: its operation, both rows. */
        WHOLE,
        /** A key change's first event: {@code op} d, the old key, {@code before} only. */
        OLD_KEY_DELETED,
        /** A key change's second event: {@code op} c, the new key, {@code after} only. */
        NEW_KEY_CREATED;

        Operation op(ChangeRecord record) {
            return switch (this) {
                case WHOLE -> record.op();
                case OLD_KEY_DELETED -> Operation.DELETE;
                case NEW_KEY_CREATED -> Operation.CREATE;
            };
        }
    }

    /**
     * Writes the value of the record's {@code part}. The commit time stands for Debezium's processing time in the
     * envelope's {@code ts_ms}, so the same change is always the same bytes (replays, the tree and the streamed form).
     */
    static void writeValue(JsonGenerator out, ChangeRecord record, Part part) throws IOException {
        SourceInfo source = record.source();
        Instant committed = source.commitTimestamp();
        Operation op = part.op(record);
        out.writeStartObject();
        out.writeFieldName(BEFORE);
        if (part == Part.NEW_KEY_CREATED) {
            out.writeNull();
        } else {
            record.writeBefore(out);
        }
        out.writeFieldName(AFTER);
        if (part == Part.OLD_KEY_DELETED) {
            out.writeNull();
        } else {
            record.writeAfter(out);
        }
        out.writeFieldName(SOURCE);
        writeSource(out, op, source, committed);
        out.writeFieldName(OP);
        out.writeString(op.code());
        writeTimes(out, committed);
        out.writeFieldName(TRANSACTION);
        out.writeNull();
        out.writeEndObject();
    }

    /** Writes the key of the record's {@code part}: the row's (old) key columns as one flat object. */
    static void writeKey(JsonGenerator out, ChangeRecord record, Part part, ObjectNode oldKey) throws IOException {
        JsonTrees.write(out, part == Part.OLD_KEY_DELETED ? oldKey : record.key());
    }

    private static void writeSource(JsonGenerator out, Operation op, SourceInfo source, Instant committed)
            throws IOException {
        out.writeStartObject();
        out.writeFieldName(VERSION_FIELD);
        out.writeString(VERSION);
        out.writeFieldName(CONNECTOR);
        out.writeString("postgresql");
        out.writeFieldName(NAME);
        out.writeString(source.database());
        out.writeFieldName(TS_MS);
        writeMillis(out, committed);
        out.writeFieldName(SNAPSHOT);
        out.writeString(op == Operation.READ ? "true" : "false");
        out.writeFieldName(DB);
        out.writeString(source.database());
        out.writeFieldName(SEQUENCE);
        out.writeString(sequence(source));
        out.writeFieldName(TS_US);
        writeMicros(out, committed);
        out.writeFieldName(TS_NS);
        writeNanos(out, committed);
        out.writeFieldName(SCHEMA);
        out.writeString(source.schema());
        out.writeFieldName(TABLE);
        out.writeString(source.table());
        out.writeFieldName(TX_ID);
        out.writeNumber(source.xid());
        out.writeFieldName(LSN);
        out.writeNumber(source.lsn().value());
        out.writeFieldName(XMIN);
        out.writeNull();
        out.writeEndObject();
    }

    private static void writeTimes(JsonGenerator out, Instant committed) throws IOException {
        out.writeFieldName(TS_MS);
        writeMillis(out, committed);
        out.writeFieldName(TS_US);
        writeMicros(out, committed);
        out.writeFieldName(TS_NS);
        writeNanos(out, committed);
    }

    /**
     * Debezium's {@code sequence}: a JSON array, as a string, of two LSNs in decimal — the commit LSN of the change's
     * transaction (null when unknown, with test_decoding) and the change's own LSN.
     */
    static String sequence(SourceInfo source) {
        String commit = source.commitLsn().isValid() ? "\"" + Long.toUnsignedString(source.commitLsn().value()) + "\""
                : "null";
        return "[" + commit + ",\"" + Long.toUnsignedString(source.lsn().value()) + "\"]";
    }

    private static void writeMillis(JsonGenerator out, Instant at) throws IOException {
        if (at == null) {
            out.writeNull();
        } else {
            out.writeNumber(at.toEpochMilli());
        }
    }

    private static void writeMicros(JsonGenerator out, Instant at) throws IOException {
        if (at == null) {
            out.writeNull();
        } else {
            out.writeNumber(micros(at));
        }
    }

    private static void writeNanos(JsonGenerator out, Instant at) throws IOException {
        if (at == null) {
            out.writeNull();
        } else {
            out.writeNumber(micros(at) * 1000);
        }
    }

    /** Microseconds since the epoch: PostgreSQL's precision. */
    public static long micros(Instant at) {
        return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1000);
    }

    /** A header's value as UTF-8 bytes. */
    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The {@link #UNCHANGED_HEADER} value of {@code columns}: a JSON array of their names. */
    static byte[] unchangedJson(List<String> columns) throws IOException {
        return ChangeEventJson.mapper().writeValueAsBytes(columns);
    }
}
