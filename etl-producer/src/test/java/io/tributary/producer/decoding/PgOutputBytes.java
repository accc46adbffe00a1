package io.tributary.producer.decoding;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes pgoutput messages byte by byte as the protocol documentation lays them out, for decoder tests. Deliberately
 * independent of the decoder's code.
 */
final class PgOutputBytes {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final DataOutputStream out = new DataOutputStream(bytes);

    static PgOutputBytes message(char letter) {
        return new PgOutputBytes().int8(letter);
    }

    PgOutputBytes int8(int value) {
        return write(() -> out.writeByte(value));
    }

    PgOutputBytes int16(int value) {
        return write(() -> out.writeShort(value));
    }

    PgOutputBytes int32(int value) {
        return write(() -> out.writeInt(value));
    }

    PgOutputBytes int64(long value) {
        return write(() -> out.writeLong(value));
    }

    PgOutputBytes string(String value) {
        return write(() -> {
            out.write(value.getBytes(StandardCharsets.UTF_8));
            out.writeByte(0);
        });
    }

    /** TupleData with text values; null writes 'n', the string "\u0000toast" writes 'u'. */
    PgOutputBytes tuple(String... values) {
        int16(values.length);
        for (String value : values) {
            if (value == null) {
                int8('n');
            } else if (value.equals(UNCHANGED)) {
                int8('u');
            } else {
                byte[] text = value.getBytes(StandardCharsets.UTF_8);
                int8('t').int32(text.length);
                write(() -> out.write(text));
            }
        }
        return this;
    }

    static final String UNCHANGED = "\u0000toast";

    ByteBuffer buffer() {
        return ByteBuffer.wrap(bytes.toByteArray());
    }

    private PgOutputBytes write(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    private interface IoAction {
        void run() throws IOException;
    }
}
