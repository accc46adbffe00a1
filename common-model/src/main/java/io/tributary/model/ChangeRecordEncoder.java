package io.tributary.model;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;

/**
 * Encodes change records into record keys and values as {@link ChangeEventJson} does, with one generator and one
 * buffer for all of them: the publisher's hot path writes two small JSON documents per change, and creating a
 * generator for each costs more than writing most of them. After a failed record the generator is replaced, so a
 * half-written document never reaches the next one.
 *
 * <p>Not thread-safe: one instance belongs to one publishing thread.
 */
public final class ChangeRecordEncoder {

    /** A record's key and value bytes. */
    public record Encoded(byte[] key, byte[] value) {
    }

    private final ByteArrayBuilder bytes = new ByteArrayBuilder(1024);
    private JsonGenerator out;

    /**
     * @throws IllegalStateException naming the table and LSN when the JSON cannot be written
     * @throws RuntimeException      what the record's rows throw for a value they cannot convert
     */
    public Encoded encode(ChangeRecord record) {
        try {
            JsonGenerator generator = generator();
            ChangeEventJson.writeKey(generator, record);
            byte[] key = take(generator);
            ChangeEventJson.writeValue(generator, record);
            return new Encoded(key, take(generator));
        } catch (IOException e) {
            discardGenerator();
            throw new IllegalStateException("cannot write the change event of " + record.tableId() + " at "
                    + record.source().lsn() + " as JSON", e);
        } catch (RuntimeException e) {
            discardGenerator();
            throw e;
        }
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
