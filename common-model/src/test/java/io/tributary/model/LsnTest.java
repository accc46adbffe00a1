package io.tributary.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LsnTest {

    @Test
    void parsesAndFormatsPostgresTextForm() {
        Lsn lsn = Lsn.parse("16/B374D848");
        assertEquals(0x16_B374D848L, lsn.value());
        assertEquals("16/B374D848", lsn.toString());
        assertEquals("0/0", Lsn.INVALID.toString());
        java.util.Random random = new java.util.Random(14);
        for (int i = 0; i < 10_000; i++) {
            long value = random.nextInt(3) == 0 ? random.nextInt(1 << 20) : random.nextLong();
            String expected = Long.toHexString(value >>> 32).toUpperCase(java.util.Locale.ROOT) + "/"
                    + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase(java.util.Locale.ROOT);
            assertEquals(expected, Lsn.of(value).toString());
            assertEquals(Lsn.of(value), Lsn.parse(expected));
        }
    }

    @Test
    void comparesAsUnsignedNumbers() {
        Lsn high = Lsn.parse("FFFFFFFF/FFFFFFFF");
        Lsn low = Lsn.parse("0/1");
        assertTrue(high.isAfter(low), "the largest LSN sorts after 0/1 although its signed value is negative");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "0/", "/0", "12", "G/1", "1/2/3", "123456789/0", "0/123456789", " 0/1"})
    void rejectsGarbageNamingTheText(String text) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Lsn.parse(text));
        assertTrue(error.getMessage().contains("'" + text + "'"), error.getMessage());
    }
}
