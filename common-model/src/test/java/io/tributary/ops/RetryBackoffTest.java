package io.tributary.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {

    @Test
    void doublesUpToTheMaximum() {
        RetryBackoff backoff = new RetryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
        assertEquals(100, backoff.delayAfter(0).toMillis());
        assertEquals(400, backoff.delayAfter(2).toMillis());
        assertEquals(1000, backoff.delayAfter(10).toMillis());
        assertEquals(1000, backoff.delayAfter(500).toMillis());
    }

    @Test
    void rejectsAMaximumBelowTheStart() {
        assertThrows(IllegalArgumentException.class, () -> new RetryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    }
}
