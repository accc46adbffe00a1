package io.tributary.producer.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ProgressEstimateTest {

    @Test
    void rateAndTimeLeftFollowFromRowsDoneAndElapsedTime() {
        ProgressEstimate estimate = new ProgressEstimate(120_000, 500_000, Duration.ofSeconds(3));

        assertEquals(40_000.0, estimate.rowsPerSecond(), 0.001);
        assertEquals(OptionalInt.of(24), estimate.percentDone());
        assertEquals(Optional.of(Duration.ofMillis(9_500)), estimate.timeLeft());
        assertEquals("120000 / ~500000 rows (24%), 40000 rows/s, ETA 9s", estimate.describe());
    }

    @Test
    void aStaleEstimateThatIsExceededShowsFullAndNoTimeLeft() {
        ProgressEstimate estimate = new ProgressEstimate(1_500, 1_000, Duration.ofSeconds(1));

        assertEquals(OptionalInt.of(100), estimate.percentDone());
        assertEquals(Optional.of(Duration.ZERO), estimate.timeLeft());
    }

    @Test
    void withoutAnEstimateOrElapsedTimeNothingIsGuessed() {
        ProgressEstimate neverAnalysed = new ProgressEstimate(700, -1, Duration.ofSeconds(2));
        ProgressEstimate justStarted = new ProgressEstimate(0, 1_000, Duration.ZERO);

        assertEquals(OptionalInt.empty(), neverAnalysed.percentDone());
        assertEquals(Optional.empty(), neverAnalysed.timeLeft());
        assertEquals("700 rows (total unknown), 350 rows/s", neverAnalysed.describe());
        assertEquals(0.0, justStarted.rowsPerSecond());
        assertEquals(Optional.empty(), justStarted.timeLeft());
    }

    @Test
    void durationsReadAsSecondsMinutesOrHours() {
        assertEquals("9s", ProgressEstimate.humanDuration(Duration.ofMillis(9_900)));
        assertEquals("3m05s", ProgressEstimate.humanDuration(Duration.ofSeconds(185)));
        assertEquals("2h07m", ProgressEstimate.humanDuration(Duration.ofMinutes(127).plusSeconds(30)));
    }
}
