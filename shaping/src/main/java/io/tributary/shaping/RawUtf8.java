package io.tributary.shaping;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 bytes written into a JSON document as they are ({@link ValueWriter#RAW_JSON}): what Jackson's byte generator
 * asks of a raw value is its unquoted UTF-8 ({@link #appendUnquotedUTF8}, {@link #asUnquotedUTF8}), which this gives
 * without decoding; anything else goes through the decoded text. Immutable; the bytes are not copied and never
 * modified.
 */
final class RawUtf8 implements SerializableString {

    private final byte[] utf8;
    private final int offset;
    private final int length;

    RawUtf8(byte[] utf8, int offset, int length) {
        this.utf8 = utf8;
        this.offset = offset;
        this.length = length;
    }

    @Override
    public int appendUnquotedUTF8(byte[] buffer, int at) {
        if (at + length > buffer.length) {
            return -1;
        }
        System.arraycopy(utf8, offset, buffer, at, length);
        return length;
    }

    @Override
    public byte[] asUnquotedUTF8() {
        byte[] copy = new byte[length];
        System.arraycopy(utf8, offset, copy, 0, length);
        return copy;
    }

    @Override
    public int writeUnquotedUTF8(OutputStream out) throws IOException {
        out.write(utf8, offset, length);
        return length;
    }

    @Override
    public int putUnquotedUTF8(ByteBuffer buffer) {
        if (length > buffer.remaining()) {
            return -1;
        }
        buffer.put(utf8, offset, length);
        return length;
    }

    @Override
    public String getValue() {
        return new String(utf8, offset, length, StandardCharsets.UTF_8);
    }

    @Override
    public int charLength() {
        return getValue().length();
    }

    @Override
    public char[] asQuotedChars() {
        return text().asQuotedChars();
    }

    @Override
    public byte[] asQuotedUTF8() {
        return text().asQuotedUTF8();
    }

    @Override
    public int appendQuotedUTF8(byte[] buffer, int at) {
        return text().appendQuotedUTF8(buffer, at);
    }

    @Override
    public int appendQuoted(char[] buffer, int at) {
        return text().appendQuoted(buffer, at);
    }

    @Override
    public int appendUnquoted(char[] buffer, int at) {
        return text().appendUnquoted(buffer, at);
    }

    @Override
    public int writeQuotedUTF8(OutputStream out) throws IOException {
        return text().writeQuotedUTF8(out);
    }

    @Override
    public int putQuotedUTF8(ByteBuffer buffer) throws IOException {
        return text().putQuotedUTF8(buffer);
    }

    private SerializedString text() {
        return new SerializedString(getValue());
    }

    @Override
    public String toString() {
        return getValue();
    }
}
