package io.tributary.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InstantTextTest {

    @Test
    void writesWhatInstantToStringWrites() {
        Random random = new Random(14);
        for (int i = 0; i < 20_000; i++) {
            long second = random.nextInt(4) == 0 ? 1_796_000_000L + random.nextInt(3)
                    : random.nextLong() % 300_000_000_000L;
            int nanos = switch (random.nextInt(5)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(second, nanos);
            assertEquals(instant.toString(), InstantText.of(instant));
            assertEquals(instant.toString(), InstantText.of(instant), "again, from the cache");
        }
    }
}
