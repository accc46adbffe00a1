package io.tributary.model;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.DebeziumEventJson.Part;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Encodes change records into record keys, values and headers in the configured {@link Envelope}: as
 * {@link ChangeEventJson} does (Tributary's, no headers), or as {@link DebeziumEventJson} does, with one generator
 * and one buffer for all of them: the publisher's hot path writes two small JSON documents per change, and creating a
 * generator for each costs more than writing most of them. After a failed record the generator is replaced, so a
 * half-written document never reaches the next one.
 *
 * <p>With the Debezium envelope every record carries {@link DebeziumEventJson#ENVELOPE_HEADER} naming the shape it
 * was written in (a sweep keeps Tributary's, with {@link DebeziumEventJson#CONTROL_HEADER}), and rows their types
 * and unchanged columns in headers. The routing key is always Tributary's record key, so a row's partition does not
 * depend on the envelope (tools such as the verifier route repairs with it).
 *
 * <p>Not thread-safe: one instance belongs to one publishing thread.
 */
public final class ChangeRecordEncoder {

    /**
     * A record's key, value and headers.
     *
     * @param key        the record key (null for a Debezium-shaped truncate, which Debezium sends without one)
     * @param routingKey Tributary's record key, which {@link Routing} hashes; the same array as {@code key} with
     *                   Tributary's envelope
     * @param headers    empty with Tributary's envelope
     */
    public record Encoded(byte[] key, byte[] value, byte[] routingKey, List<Header> headers) {

        /** Tributary's envelope: no headers, routed by the key itself. */
        public Encoded(byte[] key, byte[] value) {
            this(key, value, key, List.of());
        }
    }

    private static final List<Header> SWEEP_HEADERS = List.of(
            new RecordHeader(DebeziumEventJson.ENVELOPE_HEADER, DebeziumEventJson.utf8(Envelope.TRIBUTARY.setting())),
            new RecordHeader(DebeziumEventJson.CONTROL_HEADER, DebeziumEventJson.utf8("sweep")));
    private static final Header DEBEZIUM_HEADER =
            new RecordHeader(DebeziumEventJson.ENVELOPE_HEADER, DebeziumEventJson.utf8(Envelope.DEBEZIUM.setting()));

    private final Envelope envelope;
    private final ByteArrayBuilder bytes = new ByteArrayBuilder(1024);
    private JsonGenerator out;

    /** Tributary's envelope. */
    public ChangeRecordEncoder() {
        this(Envelope.TRIBUTARY);
    }

    public ChangeRecordEncoder(Envelope envelope) {
        this.envelope = Objects.requireNonNull(envelope, "envelope");
    }

    /**
     * The record of a change that is one record in either envelope: any but an update that changed the row's key.
     *
     * @throws IllegalArgumentException when the change is two records ({@link #encodeAll})
     * @throws IllegalStateException    naming the table and LSN when the JSON cannot be written
     * @throws RuntimeException         what the record's rows throw for a value they cannot convert
     */
    public Encoded encode(ChangeRecord record) {
        List<Encoded> encoded = encodeAll(record);
        if (encoded.size() != 1) {
            throw new IllegalArgumentException("the '" + record.op().code() + "' event of " + record.tableId()
                    + " at " + record.source().lsn() + " is " + encoded.size() + " records in the " + envelope.setting()
                    + " envelope (a key change): encode it with encodeAll");
        }
        return encoded.get(0);
    }

    /**
     * The records of a change, in the order they are sent: one, or in Debezium's envelope two for an update that
     * changed the row's key (the delete of the old key, then the create of the new), both routed by the change's
     * Tributary key so they share a partition and stay in order.
     *
     * @throws IllegalStateException naming the table and LSN when the JSON cannot be written
     * @throws RuntimeException      what the record's rows throw for a value they cannot convert
     */
    public List<Encoded> encodeAll(ChangeRecord record) {
        try {
            JsonGenerator generator = generator();
            ChangeEventJson.writeKey(generator, record);
            byte[] key = take(generator);
            if (envelope == Envelope.TRIBUTARY) {
                ChangeEventJson.writeValue(generator, record);
                return List.of(new Encoded(key, take(generator)));
            }
            if (!DebeziumEventJson.shapes(record.op())) {
                ChangeEventJson.writeValue(generator, record);
                return List.of(new Encoded(key, take(generator), key, SWEEP_HEADERS));
            }
            ObjectNode oldKey = record.oldKey();
            if (oldKey == null) {
                return List.of(encodeDebezium(generator, record, Part.WHOLE, null, key));
            }
            return List.of(encodeDebezium(generator, record, Part.OLD_KEY_DELETED, oldKey, key),
                    encodeDebezium(generator, record, Part.NEW_KEY_CREATED, oldKey, key));
        } catch (IOException e) {
            discardGenerator();
            throw new IllegalStateException("cannot write the change event of " + record.tableId() + " at "
                    + record.source().lsn() + " as JSON", e);
        } catch (RuntimeException e) {
            discardGenerator();
            throw e;
        }
    }

    /** One Debezium-shaped record of {@code record}: its {@code part}, with the headers that part needs. */
    private Encoded encodeDebezium(JsonGenerator generator, ChangeRecord record, Part part, ObjectNode oldKey,
                                   byte[] routingKey) throws IOException {
        byte[] key = null;
        if (record.op().isRowChange()) {
            DebeziumEventJson.writeKey(generator, record, part, oldKey);
            key = take(generator);
        }
        DebeziumEventJson.writeValue(generator, record, part);
        byte[] value = take(generator);
        if (part == Part.OLD_KEY_DELETED) { // a delete, which carries no types, as Tributary's
            return new Encoded(key, value, routingKey, List.of(DEBEZIUM_HEADER));
        }
        List<Header> headers = new ArrayList<>(3);
        headers.add(DEBEZIUM_HEADER);
        if (!record.types().isEmpty()) {
            record.writeTypes(generator);
            headers.add(new RecordHeader(DebeziumEventJson.TYPES_HEADER, take(generator)));
        }
        if (!record.unchanged().isEmpty()) {
            headers.add(new RecordHeader(DebeziumEventJson.UNCHANGED_HEADER,
                    DebeziumEventJson.unchangedJson(record.unchanged())));
        }
        return new Encoded(key, value, routingKey, headers);
    }

    private JsonGenerator generator() throws IOException {
        if (out == null) {
            bytes.reset();
            out = ChangeEventJson.mapper().createGenerator(bytes);
            out.setRootValueSeparator(null); // documents follow each other without a separator in the buffer
        }
        return out;
    }

    /** The document just written, with the buffer emptied for the next one. */
    private byte[] take(JsonGenerator generator) throws IOException {
        generator.flush();
        byte[] document = bytes.toByteArray();
        bytes.reset();
        return document;
    }

    private void discardGenerator() {
        JsonGenerator broken = out;
        out = null;
        if (broken != null) {
            try {
                broken.close();
            } catch (IOException | RuntimeException ignored) {
                // it wrote into memory only; nothing to release but the buffers, which close tried to
            }
        }
    }
}
