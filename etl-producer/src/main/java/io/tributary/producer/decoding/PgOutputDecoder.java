package io.tributary.producer.decoding;

import io.tributary.model.Lsn;
import io.tributary.producer.decoding.ReplicationMessage.Begin;
import io.tributary.producer.decoding.ReplicationMessage.Column;
import io.tributary.producer.decoding.ReplicationMessage.Commit;
import io.tributary.producer.decoding.ReplicationMessage.Delete;
import io.tributary.producer.decoding.ReplicationMessage.Insert;
import io.tributary.producer.decoding.ReplicationMessage.LogicalMessage;
import io.tributary.producer.decoding.ReplicationMessage.Origin;
import io.tributary.producer.decoding.ReplicationMessage.Relation;
import io.tributary.producer.decoding.ReplicationMessage.Truncate;
import io.tributary.producer.decoding.ReplicationMessage.Type;
import io.tributary.producer.decoding.ReplicationMessage.Update;
import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the bytes of one pgoutput message (protocol version 1, as sent by PostgreSQL 10 and later) into a
 * {@link ReplicationMessage}. Pure and strict: it reads nothing but the buffer, and anything it does not understand
 * (an unknown message letter or tuple kind, a truncated buffer, bytes left over) throws
 * {@link UndecodableMessageException} with the LSN and the offending byte, never a guess. Stateless and thread-safe.
 */
public final class PgOutputDecoder implements MessageDecoder {

    /** PostgreSQL counts timestamps in microseconds from 2000-01-01 00:00:00 UTC. */
    private static final Instant POSTGRES_EPOCH = Instant.parse("2000-01-01T00:00:00Z");

    /** The one message the bytes hold: {@link #decode}. */
    @Override
    public List<ReplicationMessage> decodeMessages(ByteBuffer message, Lsn lsn) {
        return List.of(decode(message, lsn));
    }

    /**
     * @param message the message bytes, from its first byte (the letter) to its end
     * @param lsn     the WAL position the server sent with the message, for error messages
     */
    public ReplicationMessage decode(ByteBuffer message, Lsn lsn) {
        if (!message.hasRemaining()) {
            throw new UndecodableMessageException(lsn, "the message is empty");
        }
        byte letter = message.get();
        try {
            ReplicationMessage decoded = switch (letter) {
                case 'B' -> decodeBegin(message);
                case 'C' -> decodeCommit(message);
                case 'O' -> decodeOrigin(message);
                case 'R' -> decodeRelation(message);
                case 'Y' -> decodeType(message);
                case 'I' -> decodeInsert(message, lsn);
                case 'U' -> decodeUpdate(message, lsn);
                case 'D' -> decodeDelete(message, lsn);
                case 'T' -> decodeTruncate(message);
                case 'M' -> decodeLogicalMessage(message);
                default -> throw new UndecodableMessageException(lsn, "unknown message type " + describe(letter));
            };
            if (message.hasRemaining()) {
                throw new UndecodableMessageException(lsn, message.remaining() + " byte(s) left over after the '"
                        + (char) letter + "' message");
            }
            return decoded;
        } catch (BufferUnderflowException e) {
            throw new UndecodableMessageException(lsn, "the '" + (char) letter + "' message ends too early", e);
        }
    }

    /** 'B': Int64 final LSN, Int64 commit timestamp, Int32 xid. */
    private static Begin decodeBegin(ByteBuffer in) {
        Lsn finalLsn = Lsn.of(in.getLong());
        Instant commitTimestamp = timestamp(in.getLong());
        long xid = Integer.toUnsignedLong(in.getInt());
        return new Begin(finalLsn, commitTimestamp, xid);
    }

    /** 'C': Int8 flags, Int64 commit LSN, Int64 end LSN, Int64 commit timestamp. */
    private static Commit decodeCommit(ByteBuffer in) {
        int flags = in.get();
        Lsn commitLsn = Lsn.of(in.getLong());
        Lsn endLsn = Lsn.of(in.getLong());
        return new Commit(flags, commitLsn, endLsn, timestamp(in.getLong()));
    }

    /** 'O': Int64 origin LSN, String origin name. */
    private static Origin decodeOrigin(ByteBuffer in) {
        return new Origin(Lsn.of(in.getLong()), string(in));
    }

    /** 'R': Int32 id, String namespace, String name, Int8 replica identity, Int16 column count, columns. */
    private static Relation decodeRelation(ByteBuffer in) {
        int relationId = in.getInt();
        String namespace = string(in);
        String name = string(in);
        char replicaIdentity = (char) in.get();
        int columnCount = Short.toUnsignedInt(in.getShort());
        List<Column> columns = new ArrayList<>(columnCount);
        for (int i = 0; i < columnCount; i++) {
            boolean key = (in.get() & 1) != 0;
            String columnName = string(in);
            int typeOid = in.getInt();
            int typeModifier = in.getInt();
            columns.add(new Column(key, columnName, typeOid, typeModifier));
        }
        return new Relation(relationId, namespace, name, replicaIdentity, columns);
    }

    /** 'Y': Int32 type OID, String namespace, String name. */
    private static Type decodeType(ByteBuffer in) {
        return new Type(in.getInt(), string(in), string(in));
    }

    /** 'I': Int32 relation id, 'N', new tuple. */
    private static Insert decodeInsert(ByteBuffer in, Lsn lsn) {
        int relationId = in.getInt();
        expect(in, 'N', lsn, "the new tuple of an insert");
        return new Insert(relationId, tuple(in, lsn));
    }

    /** 'U': Int32 relation id, optionally 'K' or 'O' and the old tuple, then 'N' and the new tuple. */
    private static Update decodeUpdate(ByteBuffer in, Lsn lsn) {
        int relationId = in.getInt();
        byte kind = in.get();
        if (kind == 'K' || kind == 'O') {
            TupleData oldTuple = tuple(in, lsn);
            expect(in, 'N', lsn, "the new tuple of an update");
            return new Update(relationId, (char) kind, oldTuple, tuple(in, lsn));
        }
        if (kind == 'N') {
            return new Update(relationId, ' ', null, tuple(in, lsn));
        }
        throw new UndecodableMessageException(lsn, "expected 'K', 'O' or 'N' in an update, got " + describe(kind));
    }

    /** 'D': Int32 relation id, 'K' or 'O', old tuple. */
    private static Delete decodeDelete(ByteBuffer in, Lsn lsn) {
        int relationId = in.getInt();
        byte kind = in.get();
        if (kind != 'K' && kind != 'O') {
            throw new UndecodableMessageException(lsn, "expected 'K' or 'O' in a delete, got " + describe(kind));
        }
        return new Delete(relationId, (char) kind, tuple(in, lsn));
    }

    /** 'T': Int32 relation count, Int8 options, Int32 relation id per relation. */
    private static Truncate decodeTruncate(ByteBuffer in) {
        int count = in.getInt();
        int options = in.get();
        List<Integer> relationIds = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            relationIds.add(in.getInt());
        }
        return new Truncate(options, relationIds);
    }

    /** 'M': Int8 flags (1 = transactional), Int64 LSN, String prefix, Int32 length, bytes. */
    private static LogicalMessage decodeLogicalMessage(ByteBuffer in) {
        boolean transactional = (in.get() & 1) != 0;
        Lsn lsn = Lsn.of(in.getLong());
        String prefix = string(in);
        byte[] content = new byte[in.getInt()];
        in.get(content);
        return new LogicalMessage(transactional, lsn, prefix, content);
    }

    /** TupleData: Int16 column count, then per column 'n', 'u', or 't' + Int32 length + bytes. */
    private static TupleData tuple(ByteBuffer in, Lsn lsn) {
        int count = Short.toUnsignedInt(in.getShort());
        TupleData.Value[] values = new TupleData.Value[count];
        for (int i = 0; i < count; i++) {
            byte kind = in.get();
            values[i] = switch (kind) {
                case 'n' -> NULL;
                case 'u' -> UNCHANGED_TOAST;
                case 't' -> utf8(in, in.getInt());
                default -> throw new UndecodableMessageException(lsn, "unknown kind " + describe(kind)
                        + " for column " + (i + 1) + " of " + count + " (binary values are not requested)");
            };
        }
        return new TupleData(List.of(values));
    }

    private static final TupleData.Value NULL = new TupleData.Null();
    private static final TupleData.Value UNCHANGED_TOAST = new TupleData.UnchangedToast();

    /**
     * The next {@code length} bytes as a text value, kept as UTF-8: in place when the buffer has an array (pgjdbc
     * gives each message an array of its own), else copied.
     */
    private static TupleData.Text utf8(ByteBuffer in, int length) {
        if (length < 0 || length > in.remaining()) {
            throw new BufferUnderflowException();
        }
        if (in.hasArray()) {
            TupleData.Text text = TupleData.Text.ofUtf8(in.array(), in.arrayOffset() + in.position(), length);
            in.position(in.position() + length);
            return text;
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return TupleData.Text.ofUtf8(bytes, 0, length);
    }

    private static void expect(ByteBuffer in, char wanted, Lsn lsn, String what) {
        byte got = in.get();
        if (got != wanted) {
            throw new UndecodableMessageException(lsn, "expected '" + wanted + "' before " + what + ", got " + describe(got));
        }
    }

    /** A null-terminated UTF-8 string. */
    private static String string(ByteBuffer in) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte b;
        while ((b = in.get()) != 0) {
            bytes.write(b);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static Instant timestamp(long microsSince2000) {
        return POSTGRES_EPOCH.plus(microsSince2000, ChronoUnit.MICROS);
    }

    private static String describe(byte b) {
        return String.format("byte 0x%02X%s", b & 0xFF, b >= 0x20 && b < 0x7F ? " ('" + (char) b + "')" : "");
    }
}
