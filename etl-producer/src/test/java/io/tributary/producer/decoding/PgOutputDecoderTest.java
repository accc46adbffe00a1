package io.tributary.producer.decoding;

import static io.tributary.producer.decoding.PgOutputBytes.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PgOutputDecoderTest {

    private static final Lsn AT = Lsn.parse("0/16B3748");
    private final PgOutputDecoder decoder = new PgOutputDecoder();

    private ReplicationMessage decode(PgOutputBytes bytes) {
        return decoder.decode(bytes.buffer(), AT);
    }

    @Test
    void beginCarriesFinalLsnCommitTimeAndXid() {
        // 2026-01-01T00:00:00Z is 820540800 s after PostgreSQL's epoch 2000-01-01.
        Begin begin = (Begin) decode(message('B').int64(0x16B37A0L).int64(820_540_800_000_000L + 123_456).int32(771));

        assertEquals(new Begin(Lsn.parse("0/16B37A0"), Instant.parse("2026-01-01T00:00:00.123456Z"), 771), begin);
    }

    @Test
    void xidAboveTwoToThe31IsReadUnsigned() {
        Begin begin = (Begin) decode(message('B').int64(1).int64(0).int32(0xF0000000));
        assertEquals(0xF0000000L, begin.xid());
    }

    @Test
    void commitCarriesCommitAndEndLsn() {
        Commit commit = (Commit) decode(message('C').int8(0).int64(0x100).int64(0x130).int64(0));

        assertEquals(Lsn.of(0x100), commit.commitLsn());
        assertEquals(Lsn.of(0x130), commit.endLsn());
        assertEquals(Instant.parse("2000-01-01T00:00:00Z"), commit.commitTimestamp());
    }

    @Test
    void relationListsColumnsWithKeyFlagsAndTypes() {
        Relation relation = (Relation) decode(message('R').int32(16385).string("sales").string("Order Lines")
                .int8('d').int16(3)
                .int8(1).string("order_id").int32(20).int32(-1)
                .int8(1).string("line").int32(23).int32(-1)
                .int8(0).string("note ü").int32(1043).int32(104));

        assertEquals(new Relation(16385, "sales", "Order Lines", 'd', List.of(
                new Column(true, "order_id", 20, -1),
                new Column(true, "line", 23, -1),
                new Column(false, "note ü", 1043, 104))), relation);
    }

    @Test
    void insertUpdateAndDeleteCarryTheirTuples() {
        Insert insert = (Insert) decode(message('I').int32(7).int8('N').tuple("1", null, "it's \"quoted\""));
        assertEquals(new Insert(7, tuple(text("1"), nul(), text("it's \"quoted\""))), insert);

        Update plain = (Update) decode(message('U').int32(7).int8('N').tuple("1", PgOutputBytes.UNCHANGED));
        assertEquals(new Update(7, ' ', null, tuple(text("1"), new TupleData.UnchangedToast())), plain);

        Update keyChange = (Update) decode(message('U').int32(7).int8('K').tuple("1", null).int8('N').tuple("2", "x"));
        assertEquals(new Update(7, 'K', tuple(text("1"), nul()), tuple(text("2"), text("x"))), keyChange);

        Update full = (Update) decode(message('U').int32(7).int8('O').tuple("1", "old").int8('N').tuple("1", "new"));
        assertEquals('O', full.oldKind());

        Delete delete = (Delete) decode(message('D').int32(7).int8('K').tuple("1", null));
        assertEquals(new Delete(7, 'K', tuple(text("1"), nul())), delete);
    }

    @Test
    void truncateTypeOriginAndMessageAreDecoded() {
        assertEquals(new Truncate(1, List.of(7, 8)), decode(message('T').int32(2).int8(1).int32(7).int32(8)));
        assertEquals(new Type(90001, "public", "mood"), decode(message('Y').int32(90001).string("public").string("mood")));
        assertEquals(new Origin(Lsn.of(5), "node_b"), decode(message('O').int64(5).string("node_b")));

        LogicalMessage logical = (LogicalMessage) decode(message('M').int8(1).int64(9).string("tributary")
                .int32(2).int8('h').int8('i'));
        assertTrue(logical.transactional());
        assertEquals("tributary", logical.prefix());
        assertEquals("hi", new String(logical.content()));
    }

    @Test
    void unknownMessageLetterFailsNamingTheByteAndLsn() {
        UndecodableMessageException error = assertThrows(UndecodableMessageException.class,
                () -> decode(message('Z').int32(1)));
        assertEquals("cannot decode the pgoutput message at 0/16B3748: unknown message type byte 0x5A ('Z')",
                error.getMessage());
    }

    @Test
    void unknownTupleKindFailsInsteadOfMisaligningTheBuffer() {
        PgOutputBytes binary = message('I').int32(7).int8('N').int16(1).int8('b').int32(1).int8(1);
        UndecodableMessageException error = assertThrows(UndecodableMessageException.class, () -> decode(binary));
        assertTrue(error.getMessage().contains("unknown kind byte 0x62 ('b') for column 1 of 1"), error.getMessage());
    }

    @Test
    void truncatedAndOverlongMessagesFail() {
        assertThrows(UndecodableMessageException.class, () -> decode(message('B').int64(1)));
        UndecodableMessageException trailing = assertThrows(UndecodableMessageException.class,
                () -> decode(message('C').int8(0).int64(1).int64(2).int64(3).int8(9)));
        assertTrue(trailing.getMessage().contains("1 byte(s) left over"), trailing.getMessage());
        assertThrows(UndecodableMessageException.class, () -> decoder.decode(ByteBuffer.allocate(0), AT));
    }

    private static TupleData tuple(TupleData.Value... values) {
        return new TupleData(List.of(values));
    }

    private static TupleData.Value text(String value) {
        return new TupleData.Text(value);
    }

    private static TupleData.Value nul() {
        return new TupleData.Null();
    }
}
