package io.tributary.bench.debezium;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DebeziumStreamingMainTest {

    /** A change value as the engine's JSON converter writes it without schemas (an update, jsonb as a string). */
    private static final String UPDATE = "{\"before\":{\"id\":7,\"attributes\":\"{\\\"lsn\\\": 1, \\\"note\\\": \\\"\\\\\\\"lsn\\\\\\\":9\\\"}\"},"
            + "\"after\":{\"id\":7,\"attributes\":\"{\\\"lsn\\\": 2}\"},"
            + "\"source\":{\"version\":\"3.6.1.Final\",\"connector\":\"postgresql\",\"name\":\"bench\",\"db\":\"bench\","
            + "\"sequence\":\"[\\\"49457096\\\",\\\"49458336\\\"]\",\"schema\":\"bench\",\"table\":\"orders\","
            + "\"txId\":751,\"lsn\":49458336,\"xmin\":null},\"transaction\":null,\"op\":\"u\",\"ts_ms\":1}";

    @Test
    void findsTheSourceLsnAndNotTheNameInsideColumnValues() {
        assertEquals(49_458_336L, DebeziumStreamingMain.sourceLsn(UPDATE.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aValueWithoutPositionHasNone() {
        assertEquals(-1, DebeziumStreamingMain.sourceLsn(null));
        assertEquals(-1, DebeziumStreamingMain.sourceLsn("{\"source\":{\"lsn\":null}}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsAndWritesPositionsAsPostgresqlDoes() {
        long lsn = DebeziumStreamingMain.parseLsn("1/3A633F0");
        assertEquals((1L << 32) | 0x3A633F0L, lsn);
        assertEquals("1/3A633F0", DebeziumStreamingMain.formatLsn(lsn));
    }

    @Test
    void rejectsAPositionThatIsNotOne() {
        assertThrows(IllegalArgumentException.class, () -> DebeziumStreamingMain.parseLsn("-1/0"));
        assertThrows(IllegalArgumentException.class, () -> DebeziumStreamingMain.parseLsn("3A633F0"));
    }
}
