package io.tributary.shaping;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dates and times from PostgreSQL's text form under {@code DateStyle=ISO} and {@code TimeZone=UTC} to ISO-8601:
 * <ul>
 *   <li>{@code date} {@code 2026-11-22}; {@code timestamp} {@code 2026-11-22T06:00:00.123456} (seconds always,
 *       fraction digits only as needed); {@code timestamptz} the same in UTC, {@code 2026-11-22T06:00:00Z}. A year
 *       after 9999 gets ISO's sign: {@code +10000-01-01}.
 *   <li>{@code time} as printed, which is already ISO-8601: {@code 13:45:00.5}, also {@code 24:00:00}.
 *       {@code timetz} keeps its own offset (it has no date to move to UTC with): {@code 13:45:00+05:30},
 *       {@code 13:45:00Z} for UTC, {@code 13:45:00-03:30:15} for an offset with seconds.
 *   <li>What ISO-8601 cannot say keeps PostgreSQL's text: {@code infinity} and {@code -infinity}, and dates before
 *       the year 1 such as {@code 0044-03-15 BC} or {@code 0044-03-15 10:00:00+00 BC}.
 * </ul>
 * Stateless.
 */
public final class TemporalValues {

    private static final String DATE = "(\\d{4,})-(\\d{2})-(\\d{2})";
    private static final String TIME = "(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,6}))?";
    private static final String OFFSET = "([+-]\\d{2}(?::\\d{2}){0,2})";
    private static final Pattern DATE_ONLY = Pattern.compile(DATE);
    private static final Pattern TIME_ONLY = Pattern.compile(TIME);
    private static final Pattern TIME_WITH_ZONE = Pattern.compile("(\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,6})?)" + OFFSET);
    private static final Pattern TIMESTAMP = Pattern.compile(DATE + " " + TIME);
    private static final Pattern TIMESTAMP_WITH_ZONE = Pattern.compile(DATE + " " + TIME + OFFSET);
    private static final String BEFORE_CHRIST = " BC";

    private TemporalValues() {
    }

    static String date(String text) {
        if (keepsItsText(text, DATE_ONLY, "a date")) {
            return text;
        }
        Matcher m = match(DATE_ONLY, text, "a date");
        try {
            return DateTimeFormatter.ISO_LOCAL_DATE.format(localDate(m));
        } catch (DateTimeException | NumberFormatException e) {
            throw new InvalidValueException("a date", text, e.getMessage(), e);
        }
    }

    static String time(String text) {
        match(TIME_ONLY, text, "a time");
        return text;
    }

    static String timeWithZone(String text) {
        Matcher m = match(TIME_WITH_ZONE, text, "a time with time zone");
        try {
            return m.group(1) + ZoneOffset.of(m.group(2)).getId();
        } catch (DateTimeException e) {
            throw new InvalidValueException("a time with time zone", text, e.getMessage(), e);
        }
    }

    static String timestamp(String text) {
        if (isIsoDateSpaceTime(text, text.length())) {
            return text.substring(0, 10) + 'T' + text.substring(11);
        }
        if (keepsItsText(text, TIMESTAMP, "a timestamp")) {
            return text;
        }
        Matcher m = match(TIMESTAMP, text, "a timestamp");
        try {
            return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(localDateTime(m));
        } catch (DateTimeException | NumberFormatException e) {
            throw new InvalidValueException("a timestamp", text, e.getMessage(), e);
        }
    }

    public static String timestampWithZone(String text) {
        // Hot path: the session runs in UTC, so almost every value is "2026-11-22 06:00:00.123456+00".
        if (text.endsWith("+00") && isIsoDateSpaceTime(text, text.length() - 3)) {
            return text.substring(0, 10) + 'T' + text.substring(11, text.length() - 3) + 'Z';
        }
        if (keepsItsText(text, TIMESTAMP_WITH_ZONE, "a timestamp with time zone")) {
            return text;
        }
        Matcher m = match(TIMESTAMP_WITH_ZONE, text, "a timestamp with time zone");
        try {
            OffsetDateTime value = OffsetDateTime.of(localDateTime(m), ZoneOffset.of(m.group(8)));
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(value.withOffsetSameInstant(ZoneOffset.UTC));
        } catch (DateTimeException | NumberFormatException e) {
            throw new InvalidValueException("a timestamp with time zone", text, e.getMessage(), e);
        }
    }

    /**
     * Whether {@code text[0, end)} is exactly {@code YYYY-MM-DD HH:MM:SS} with an optional fraction of 1 to 6 digits
     * and a four-digit year: the form that becomes ISO-8601 by replacing the space with {@code T}. Values PostgreSQL
     * prints in this form are valid dates and times, so the shape is all that needs checking.
     */
    private static boolean isIsoDateSpaceTime(String text, int end) {
        if (end != 19 && (end < 21 || end > 26)) {
            return false;
        }
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            boolean ok = switch (i) {
                case 4, 7 -> c == '-';
                case 10 -> c == ' ';
                case 13, 16 -> c == ':';
                case 19 -> c == '.';
                default -> c >= '0' && c <= '9';
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** {@code infinity}, {@code -infinity}, and a well-formed BC value keep PostgreSQL's text. */
    private static boolean keepsItsText(String text, Pattern form, String expected) {
        if (text.equals("infinity") || text.equals("-infinity")) {
            return true;
        }
        if (text.endsWith(BEFORE_CHRIST)) {
            match(form, text.substring(0, text.length() - BEFORE_CHRIST.length()), expected);
            return true;
        }
        return false;
    }

    private static Matcher match(Pattern form, String text, String expected) {
        Matcher m = form.matcher(text);
        if (!m.matches()) {
            throw new InvalidValueException(expected, text);
        }
        return m;
    }

    /** Groups 1-3 of {@link #DATE}. */
    private static LocalDate localDate(Matcher m) {
        return LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    /** Groups 1-7 of {@link #DATE} and {@link #TIME}; the fraction has up to six digits (microseconds). */
    private static LocalDateTime localDateTime(Matcher m) {
        String fraction = m.group(7) == null ? "" : m.group(7);
        int nanos = Integer.parseInt((fraction + "000000000").substring(0, 9));
        LocalTime time = LocalTime.of(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                Integer.parseInt(m.group(6)), nanos);
        return LocalDateTime.of(localDate(m), time);
    }
}
