package io.tributary.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class KafkaClusterIdTest {

    @Test
    void randomIdIs22UrlSafeBase64CharactersOf16Bytes() {
        for (int i = 0; i < 1000; i++) {
            String id = KafkaClusterId.random(new SecureRandom()).value();
            assertEquals(22, id.length(), id);
            assertTrue(id.matches("[A-Za-z0-9_-]{22}"), id);
            assertFalse(id.startsWith("-"), id);
            assertEquals(16, Base64.getUrlDecoder().decode(id).length, id);
        }
    }

    @Test
    void idThatWouldStartWithDashIsDrawnAgain() {
        // nextBytes fills from nextLong, lowest byte first: 0xF8 encodes to a leading '-', 0x00 to a leading 'A'.
        RandomGenerator leadingDashFirst = new RandomGenerator() {
            private int calls;

            @Override
            public long nextLong() {
                return calls++ < 2 ? 0xF8L : 0L;
            }
        };
        assertEquals("AAAAAAAAAAAAAAAAAAAAAA", KafkaClusterId.random(leadingDashFirst).value());
    }

    @Test
    void rejectsValuesThatAreNotClusterIds() {
        assertThrows(IllegalArgumentException.class, () -> new KafkaClusterId("short"));
        assertThrows(IllegalArgumentException.class, () -> new KafkaClusterId("-AAAAAAAAAAAAAAAAAAAAA"));
        assertThrows(IllegalArgumentException.class, () -> new KafkaClusterId("AAAAAAAAAAAAAAAAAAAAA="));
    }
}
