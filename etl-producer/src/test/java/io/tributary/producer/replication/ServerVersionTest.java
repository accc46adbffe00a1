package io.tributary.producer.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every choice the producer makes by the server's major, decided from a version alone. */
class ServerVersionTest {

    private static final ServerVersion V12 = new ServerVersion(12, "12.22");
    private static final ServerVersion V13 = new ServerVersion(13, "13.23");
    private static final ServerVersion V14 = new ServerVersion(14, "14.24");
    private static final ServerVersion V16 = new ServerVersion(16, "16.16");
    private static final ServerVersion V17 = new ServerVersion(17, "17.11");
    private static final ServerVersion V18 = new ServerVersion(18, "18.7 (Debian 18.7-1.pgdg13+1)");

    @Test
    void aServerOlderThanThirteenIsRefusedNamingTheVersionFoundAndTheMinimum() {
        IllegalStateException e = assertThrows(IllegalStateException.class, V12::requireSupported);

        assertEquals("PostgreSQL 12.22 is older than the producer supports: it needs PostgreSQL 13 or later (13 brought"
                + " max_slot_wal_keep_size, which bounds the WAL a slot keeps); upgrade the server, or point"
                + " tributary.postgres.url at one of version 13 or later", e.getMessage());
        assertThrows(IllegalStateException.class, () -> new ServerVersion(9, "9.6.24").requireSupported());
    }

    @Test
    void thirteenAndEveryLaterMajorAreSupported() {
        assertEquals(13, ServerVersion.OLDEST_SUPPORTED_MAJOR);
        assertSame(V13, V13.requireSupported());
        assertSame(V18, V18.requireSupported());
    }

    @Test
    void pgoutputAsksForLogicalMessagesFromFourteenOnAndAlwaysForProtocolVersionOne() {
        assertEquals(Map.of("proto_version", "1", "publication_names", "pub"),
                V13.slotOptions(OutputPlugin.PGOUTPUT, "pub"), "13 refuses an option it does not know");
        assertEquals(Map.of("proto_version", "1", "publication_names", "pub", "messages", "true"),
                V14.slotOptions(OutputPlugin.PGOUTPUT, "pub"));
        assertEquals(V14.slotOptions(OutputPlugin.PGOUTPUT, "pub"), V18.slotOptions(OutputPlugin.PGOUTPUT, "pub"),
                "no streaming of uncommitted transactions on later majors either");
        assertFalse(V13.showsLogicalMessages(OutputPlugin.PGOUTPUT));
        assertTrue(V14.showsLogicalMessages(OutputPlugin.PGOUTPUT));
    }

    @Test
    void testDecodingAlwaysShowsLogicalMessagesAndTakesTheSameOptionsOnEveryMajor() {
        assertTrue(V13.showsLogicalMessages(OutputPlugin.TEST_DECODING));
        assertEquals(Map.of("include-xids", "1", "include-timestamp", "1", "skip-empty-xacts", "1"),
                V13.slotOptions(OutputPlugin.TEST_DECODING, "ignored"));
        assertEquals(V13.slotOptions(OutputPlugin.TEST_DECODING, "x"), V18.slotOptions(OutputPlugin.TEST_DECODING, "y"));
    }

    @Test
    void slotsAreCreatedWithTheKeywordFormBeforeFifteenAndTheOptionListFromFifteenOn() {
        assertEquals("CREATE_REPLICATION_SLOT s1 LOGICAL test_decoding EXPORT_SNAPSHOT",
                V14.createSlotCommand("s1", OutputPlugin.TEST_DECODING, false));
        assertEquals("CREATE_REPLICATION_SLOT tributary LOGICAL pgoutput EXPORT_SNAPSHOT",
                V13.createSlotCommand("tributary", OutputPlugin.PGOUTPUT, false));
        assertEquals("CREATE_REPLICATION_SLOT tributary LOGICAL pgoutput (SNAPSHOT 'export')",
                V16.createSlotCommand("tributary", OutputPlugin.PGOUTPUT, false));
        assertEquals("CREATE_REPLICATION_SLOT tributary LOGICAL pgoutput (SNAPSHOT 'export', FAILOVER true)",
                V17.createSlotCommand("tributary", OutputPlugin.PGOUTPUT, true));
    }

    @Test
    void failoverSlotsAndTheInvalidationReasonComeWithSeventeen() {
        assertFalse(V16.hasFailoverSlots());
        assertTrue(V17.hasFailoverSlots());
        assertTrue(V18.hasFailoverSlots());
        assertEquals("wal_status, CAST(NULL AS text)", V13.slotInvalidationColumns());
        assertEquals("wal_status, CAST(NULL AS text)", V16.slotInvalidationColumns());
        assertEquals("wal_status, invalidation_reason", V17.slotInvalidationColumns());
    }

    @Test
    void eighteenRefusesUpdatesOfAFullIdentityWithUnpublishedGeneratedColumns() {
        assertFalse(V17.refusesFullIdentityWithUnpublishedGeneratedColumns());
        assertTrue(V18.refusesFullIdentityWithUnpublishedGeneratedColumns());
    }
}
