package io.tributary.subscriber.events;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads the one form of instant the producer writes, {@code 2026-11-22T10:15:30.123456Z} (UTC, zero to nine
 * fraction digits), without a {@link java.time.format.DateTimeFormatter}: it is read for every event. Anything else
 * is left to the caller (null). Stateless.
 */
final class IsoInstants {

    private static final int DATE_TIME_LENGTH = "2026-11-22T10:15:30".length();

    private IsoInstants() {
    }

    /** The instant {@code text} names in the producer's form; null when it is in another form or impossible. */
    static Instant parseUtc(String text) {
        int length = text.length();
        if (length < DATE_TIME_LENGTH + 1 || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-'
                || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':'
                || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int nanos = 0;
        int fractionEnd = length - 1;
        if (fractionEnd > DATE_TIME_LENGTH) {
            int fractionDigits = fractionEnd - DATE_TIME_LENGTH - 1;
            if (text.charAt(DATE_TIME_LENGTH) != '.' || fractionDigits < 1 || fractionDigits > 9) {
                return null;
            }
            int fraction = digits(text, DATE_TIME_LENGTH + 1, fractionEnd);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction;
            for (int i = fractionDigits; i < 9; i++) {
                nanos *= 10;
            }
        }
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
                || second > 59) {
            return null;
        }
        try {
            long epochDay = LocalDate.of(year, month, day).toEpochDay();
            return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** The decimal number in {@code text[from, to)}; -1 when a character is not a digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
