package io.tributary.subscriber.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class IsoInstantsTest {

    @Test
    void theProducersFormReadsAsInstantParseReadsIt() {
        for (String text : new String[] {"2026-11-22T10:15:30Z", "2026-11-22T10:15:30.1Z",
                "2026-11-22T10:15:30.123456Z", "2026-11-22T10:15:30.123456789Z", "1970-01-01T00:00:00Z",
                "2024-02-29T23:59:59.999Z", "1969-12-31T23:59:59.5Z"}) {
            assertEquals(Instant.parse(text), IsoInstants.parseUtc(text), text);
        }
    }

    @Test
    void otherFormsAndImpossibleDatesAreLeftToTheCaller() {
        for (String text : new String[] {"2026-11-22T10:15:30+01:00", "2026-11-22 10:15:30Z", "2026-11-22T10:15Z",
                "2026-02-30T10:15:30Z", "2026-11-22T24:00:00Z", "2026-11-22T10:15:30.Z",
                "2026-11-22T10:15:30.1234567890Z", "+12026-11-22T10:15:30Z", "2026-1a-22T10:15:30Z", ""}) {
            assertNull(IsoInstants.parseUtc(text), text);
        }
    }
}
