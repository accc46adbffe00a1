package io.tributary.producer.decoding;

import io.tributary.model.Lsn;
import io.tributary.producer.decoding.ReplicationMessage.LogicalMessage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A {@code pg_logical_emit_message} message as test_decoding prints it (it always does; pgoutput only with its
 * {@code messages} option): {@code message: transactional: 1 prefix: <prefix>, sz: <n> content:<n bytes>}, also
 * outside a transaction (non-transactional messages such as the producer's heartbeat, and before PostgreSQL 15 with
 * {@code skip-empty-xacts} transactional ones too). Read as bytes, since the content is any bytes. The prefix may
 * itself contain {@code , sz: }: the header ends at the first {@code , sz: <n> content:} that leaves exactly n bytes
 * (a prefix and content made to look alike can be told apart by neither test_decoding's output nor this; nothing
 * reads the content of these messages). Stateless.
 */
final class TestDecodingMessageLine {

    static final byte[] START = "message: transactional: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PREFIX = " prefix: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SIZE = ", sz: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT = " content:".getBytes(StandardCharsets.US_ASCII);

    private TestDecodingMessageLine() {
    }

    static LogicalMessage parse(ByteBuffer message, Lsn lsn) {
        byte[] bytes = new byte[message.remaining()];
        message.get(bytes);
        int at = START.length;
        if (bytes.length <= at || bytes[at] != '0' && bytes[at] != '1' || !regionEquals(bytes, at + 1, PREFIX)) {
            throw error(lsn, bytes, "expected 'transactional: 0' or '1' and ' prefix: '");
        }
        boolean transactional = bytes[at] == '1';
        int prefixStart = at + 1 + PREFIX.length;
        for (int size = prefixStart; size + SIZE.length <= bytes.length; size++) {
            if (!regionEquals(bytes, size, SIZE)) {
                continue;
            }
            int digits = size + SIZE.length;
            int end = digits;
            long length = 0;
            while (end < bytes.length && bytes[end] >= '0' && bytes[end] <= '9' && end - digits < 10) {
                length = length * 10 + bytes[end] - '0';
                end++;
            }
            if (end > digits && regionEquals(bytes, end, CONTENT) && end + CONTENT.length + length == bytes.length) {
                String prefix = new String(bytes, prefixStart, size - prefixStart, StandardCharsets.UTF_8);
                byte[] content = new byte[(int) length];
                System.arraycopy(bytes, end + CONTENT.length, content, 0, content.length);
                return new LogicalMessage(transactional, lsn, prefix, content);
            }
        }
        throw error(lsn, bytes, "no ', sz: <n> content:' followed by exactly n bytes");
    }

    private static boolean regionEquals(byte[] bytes, int from, byte[] expected) {
        if (from + expected.length > bytes.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (bytes[from + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static UndecodableMessageException error(Lsn lsn, byte[] bytes, String problem) {
        String text = new String(bytes, 0, Math.min(bytes.length, 200), StandardCharsets.UTF_8);
        return new UndecodableMessageException(lsn, "test_decoding message line: " + problem + " in '" + text
                + (bytes.length > 200 ? "…' (" + bytes.length + " bytes)" : "'"));
    }
}
