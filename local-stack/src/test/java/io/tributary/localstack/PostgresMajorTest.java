package io.tributary.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostgresMajorTest {

    @Test
    void findsEachSupportedMajorByItsNumber() {
        assertEquals(PostgresMajor.V14, PostgresMajor.of(14));
        assertEquals(PostgresMajor.V17, PostgresMajor.of(17));
        assertEquals(14, PostgresMajor.V14.number());
        assertEquals(List.of(12, 13, 14, 15, 16, 17, 18),
                Arrays.stream(PostgresMajor.values()).map(PostgresMajor::number).toList(), "oldest first");
    }

    @Test
    void defaultsToSeventeen() {
        assertEquals(PostgresMajor.V17, PostgresMajor.DEFAULT);
    }

    @Test
    void theConfiguredDefaultComesFromTheSystemPropertyAndABadOneIsNamed() {
        String before = System.getProperty(PostgresMajor.DEFAULT_PROPERTY);
        try {
            System.clearProperty(PostgresMajor.DEFAULT_PROPERTY);
            assertEquals(PostgresMajor.V17, PostgresMajor.configuredDefault());
            System.setProperty(PostgresMajor.DEFAULT_PROPERTY, "13");
            assertEquals(PostgresMajor.V13, PostgresMajor.configuredDefault());
            System.setProperty(PostgresMajor.DEFAULT_PROPERTY, "eleven");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    PostgresMajor::configuredDefault);
            assertTrue(e.getMessage().contains("tributary.stack.postgres-major = 'eleven'")
                    && e.getMessage().contains("12, 13, 14, 15, 16, 17, 18"), e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(PostgresMajor.DEFAULT_PROPERTY);
            } else {
                System.setProperty(PostgresMajor.DEFAULT_PROPERTY, before);
            }
        }
    }

    @Test
    void rejectsAnUnsupportedMajorNamingTheSupportedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PostgresMajor.of(11));

        assertTrue(e.getMessage().contains("PostgreSQL 11") && e.getMessage().contains("12, 13, 14, 15, 16, 17, 18"),
                e.getMessage());
    }
}
