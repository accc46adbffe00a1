package io.tributary.producer.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CreateSlotCommandTest {

    @Test
    void postgres15AndLaterUseTheOptionListWithFailoverWhenAsked() {
        assertEquals("CREATE_REPLICATION_SLOT tributary LOGICAL pgoutput (SNAPSHOT 'export')",
                ReplicationSlots.createSlotCommand("tributary", "pgoutput", 16, false));
        assertEquals("CREATE_REPLICATION_SLOT tributary LOGICAL pgoutput (SNAPSHOT 'export', FAILOVER true)",
                ReplicationSlots.createSlotCommand("tributary", "pgoutput", 17, true));
    }

    @Test
    void postgres14UsesTheKeywordForm() {
        assertEquals("CREATE_REPLICATION_SLOT s1 LOGICAL test_decoding EXPORT_SNAPSHOT",
                ReplicationSlots.createSlotCommand("s1", "test_decoding", 14, false));
    }
}
