package io.tributary.model;

import java.time.Instant;

/**
 * {@link Instant#toString()} (ISO-8601 in UTC, the fraction in groups of three digits, as Jackson writes instants)
 * for commit timestamps, which come in runs: every change of a transaction has the same one, and transactions of the
 * same second share all but the fraction. The last instant's text and the last second's are kept: immutable,
 * replaced as a whole, so threads may share them.
 */
final class InstantText {

    private record Formatted<T>(T value, String text) {
    }

    private static volatile Formatted<Instant> lastInstant = new Formatted<>(Instant.EPOCH, Instant.EPOCH.toString());
    /** The last second's text without its closing {@code Z}, e.g. {@code 2026-12-02T17:02:22}. */
    private static volatile Formatted<Long> lastSecond = new Formatted<>(0L, "1970-01-01T00:00:00");

    private InstantText() {
    }

    static String of(Instant instant) {
        Formatted<Instant> last = lastInstant;
        if (last.value().equals(instant)) {
            return last.text();
        }
        String text = secondText(instant.getEpochSecond()) + fraction(instant.getNano()) + 'Z';
        lastInstant = new Formatted<>(instant, text);
        return text;
    }

    private static String secondText(long epochSecond) {
        Formatted<Long> last = lastSecond;
        if (last.value() == epochSecond) {
            return last.text();
        }
        String whole = Instant.ofEpochSecond(epochSecond).toString();
        String text = whole.substring(0, whole.length() - 1);
        lastSecond = new Formatted<>(epochSecond, text);
        return text;
    }

    /** Nothing for a whole second, else a point and 3, 6 or 9 digits, as few as the value needs. */
    private static String fraction(int nanos) {
        if (nanos == 0) {
            return "";
        }
        if (nanos % 1_000_000 == 0) {
            return "." + digits(nanos / 1_000_000, 3);
        }
        if (nanos % 1_000 == 0) {
            return "." + digits(nanos / 1_000, 6);
        }
        return "." + digits(nanos, 9);
    }

    private static String digits(int value, int width) {
        String text = Integer.toString(value);
        return "0".repeat(width - text.length()) + text;
    }
}
