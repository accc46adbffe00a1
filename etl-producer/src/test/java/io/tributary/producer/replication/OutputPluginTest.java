package io.tributary.producer.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputPluginTest {

    @Test
    void pgoutputAsksForLogicalMessagesFromPostgres14OnOnly() {
        assertEquals(Map.of("proto_version", "1", "publication_names", "pub", "messages", "true"),
                OutputPlugin.PGOUTPUT.slotOptions("pub", 14));
        assertEquals(Map.of("proto_version", "1", "publication_names", "pub"),
                OutputPlugin.PGOUTPUT.slotOptions("pub", 13), "13 refuses an option it does not know");
        assertTrue(OutputPlugin.PGOUTPUT.showsLogicalMessages(17));
        assertFalse(OutputPlugin.PGOUTPUT.showsLogicalMessages(13));
    }

    @Test
    void testDecodingAlwaysShowsLogicalMessages() {
        assertTrue(OutputPlugin.TEST_DECODING.showsLogicalMessages(12));
        assertFalse(OutputPlugin.TEST_DECODING.slotOptions("ignored", 17).containsKey("messages"));
    }
}
