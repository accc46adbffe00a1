package io.tributary.producer.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LockTimingsTest {

    @Test
    void theActiveProducerGivesUpItsLockBeforeTheServerCanHandItToAStandby() {
        for (int seconds : new int[] {3, 4, 10, 30, 120}) {
            LockTimings timings = LockTimings.of(Duration.ofSeconds(seconds));
            assertTrue(timings.checkInterval().plus(timings.checkTimeout()).compareTo(timings.takeoverTimeout()) < 0,
                    "check + its timeout end before the takeover timeout of " + seconds + " s");
        }
        LockTimings defaults = LockTimings.of(Duration.ofSeconds(10));
        assertEquals(Duration.ofSeconds(2), defaults.checkInterval());
        assertEquals(2, defaults.checkTimeoutSeconds());
    }

    @Test
    void theServerEndsASilentSessionAboutTheTakeoverTimeoutLater() {
        assertEquals("-c tcp_keepalives_idle=5 -c tcp_keepalives_interval=1 -c tcp_keepalives_count=5"
                + " -c tcp_user_timeout=10000", LockTimings.of(Duration.ofSeconds(10)).serverSessionOptions());
        assertEquals("-c tcp_keepalives_idle=15 -c tcp_keepalives_interval=3 -c tcp_keepalives_count=5"
                + " -c tcp_user_timeout=30000", LockTimings.of(Duration.ofSeconds(30)).serverSessionOptions());
    }

    @Test
    void aTakeoverTimeoutTooShortForWholeSecondKeepalivesIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> LockTimings.of(Duration.ofSeconds(2)));
    }
}
