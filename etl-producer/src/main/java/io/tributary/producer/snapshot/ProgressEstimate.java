package io.tributary.producer.snapshot;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How far one table's snapshot is, for a person watching: rows done against the planner's estimate, the rate so
 * far and the time left at that rate. Pure arithmetic.
 *
 * @param rowsDone      rows read and handed to Kafka
 * @param estimatedRows {@code pg_class.reltuples}; zero or negative when unknown (never analysed)
 * @param elapsed       time since the table's reading began
 */
record ProgressEstimate(long rowsDone, long estimatedRows, Duration elapsed) {

    /** Rows per second so far; zero before any time has passed. */
    double rowsPerSecond() {
        long millis = elapsed.toMillis();
        return millis <= 0 ? 0 : rowsDone * 1000.0 / millis;
    }

    /** Percent of the estimate done, at most 100 (the estimate may be stale); empty when unknown. */
    OptionalInt percentDone() {
        if (estimatedRows <= 0) {
            return OptionalInt.empty();
        }
        return OptionalInt.of((int) Math.min(100, rowsDone * 100 / estimatedRows));
    }

    /** Time left at the rate so far; zero once the estimate is reached; empty without an estimate or a rate. */
    Optional<Duration> timeLeft() {
        double rate = rowsPerSecond();
        if (estimatedRows <= 0 || rate <= 0) {
            return Optional.empty();
        }
        long remaining = Math.max(0, estimatedRows - rowsDone);
        return Optional.of(Duration.ofMillis(Math.round(remaining * 1000 / rate)));
    }

    /** E.g. {@code 120000 / ~500000 rows (24%), 40000 rows/s, ETA 9s}. */
    String describe() {
        StringBuilder text = new StringBuilder().append(rowsDone);
        percentDone().ifPresentOrElse(
                percent -> text.append(" / ~").append(estimatedRows).append(" rows (").append(percent).append("%)"),
                () -> text.append(" rows (total unknown)"));
        text.append(", ").append(Math.round(rowsPerSecond())).append(" rows/s");
        timeLeft().ifPresent(left -> text.append(", ETA ").append(humanDuration(left)));
        return text.toString();
    }

    /** {@code 9s}, {@code 3m05s}, {@code 2h07m}. */
    static String humanDuration(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format("%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format("%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }
}
