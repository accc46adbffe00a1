package io.tributary.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PostgresMajorTest {

    @Test
    void findsEachSupportedMajorByItsNumber() {
        assertEquals(PostgresMajor.V14, PostgresMajor.of(14));
        assertEquals(PostgresMajor.V17, PostgresMajor.of(17));
        assertEquals(14, PostgresMajor.V14.number());
    }

    @Test
    void defaultsToSeventeen() {
        assertEquals(PostgresMajor.V17, PostgresMajor.DEFAULT);
    }

    @Test
    void rejectsAnUnsupportedMajorNamingTheSupportedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PostgresMajor.of(16));

        assertTrue(e.getMessage().contains("PostgreSQL 16") && e.getMessage().contains("14, 17"), e.getMessage());
    }
}
