package io.tributary.shaping;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes one column's value, given in PostgreSQL's text form, straight into a JSON document being generated: the
 * streaming form of {@link ValueConverter#convert}, chosen once per column by {@link ValueConverter#writerFor}, so a
 * row is converted on its way into bytes without a tree per value. Both forms write the same JSON.
 */
@FunctionalInterface
public interface ValueWriter {

    /**
     * @param out  the generator, positioned where the value goes (after its field name)
     * @param text the value in PostgreSQL's text form (never SQL NULL)
     * @throws IllegalArgumentException naming the text when it does not fit the type, as {@link ValueConverter#convert}
     * @throws IOException              what the generator throws
     */
    void write(JsonGenerator out, String text) throws IOException;

    /**
     * The same for the text given as UTF-8 bytes (as pgoutput sends it): decoded and written by {@link #write}, unless
     * the type keeps its text, whose writer copies the bytes without decoding them.
     */
    default void writeUtf8(JsonGenerator out, byte[] utf8, int offset, int length) throws IOException {
        write(out, new String(utf8, offset, length, StandardCharsets.UTF_8));
    }

    /** Text types: a JSON string of the text, escaped as JSON needs. */
    ValueWriter STRING = new ValueWriter() {
        @Override
        public void write(JsonGenerator out, String text) throws IOException {
            out.writeString(text);
        }

        @Override
        public void writeUtf8(JsonGenerator out, byte[] utf8, int offset, int length) throws IOException {
            out.writeUTF8String(utf8, offset, length);
        }
    };

    /** {@code jsonb}: the text as it is, already JSON (see {@link ValueConverter#writerFor}). */
    ValueWriter RAW_JSON = new ValueWriter() {
        @Override
        public void write(JsonGenerator out, String text) throws IOException {
            out.writeRawValue(text);
        }

        @Override
        public void writeUtf8(JsonGenerator out, byte[] utf8, int offset, int length) throws IOException {
            out.writeRawValue(new RawUtf8(utf8, offset, length));
        }
    };
}
