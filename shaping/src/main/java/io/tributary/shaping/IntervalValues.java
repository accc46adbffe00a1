package io.tributary.shaping;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@code interval} from its text form under {@code IntervalStyle=postgres} ({@code 1 year 2 mons -3 days
 * -04:05:06.789}) to an ISO-8601 duration, exactly the text PostgreSQL itself prints under
 * {@code IntervalStyle=iso_8601}: {@code P1Y2M-3DT-4H-5M-6.789S}.
 *
 * <p>The form: {@code P}, then years, months and days, then {@code T} and hours, minutes and seconds (with up to six
 * fraction digits); every part that is zero is left out, and the zero interval is {@code PT0S}. An interval is
 * three independent amounts (months, days, microseconds) that may have different signs, so each part carries its own
 * sign ({@code P-1Y-2M3D}, {@code PT-1.5S}); months become years and months, microseconds hours, minutes and seconds,
 * each with the sign of its amount. Nothing is rounded: a month is never turned into days nor a day into hours,
 * because their lengths vary. {@code infinity} and {@code -infinity} (PostgreSQL 17) keep their text. Stateless.
 */
public final class IntervalValues {

    private static final Pattern TIME = Pattern.compile("([+-]?)(\\d{2,}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,6}))?");
    private static final long MICROS_PER_SECOND = 1_000_000L;
    private static final long MICROS_PER_MINUTE = 60 * MICROS_PER_SECOND;
    private static final long MICROS_PER_HOUR = 60 * MICROS_PER_MINUTE;

    private IntervalValues() {
    }

    public static String toIso8601(String text) {
        if (text.equals("infinity") || text.equals("-infinity")) {
            return text;
        }
        try {
            return parse(text).toIso8601();
        } catch (ArithmeticException | NumberFormatException e) {
            throw new InvalidValueException("an interval", text, "out of range", e);
        }
    }

    /** The three amounts of an interval, as PostgreSQL stores it. */
    private record Amounts(long months, long days, long micros) {

        String toIso8601() {
            if (months == 0 && days == 0 && micros == 0) {
                return "PT0S";
            }
            StringBuilder iso = new StringBuilder("P");
            appendPart(iso, months / 12, 'Y');
            appendPart(iso, months % 12, 'M');
            appendPart(iso, days, 'D');
            if (micros != 0) {
                iso.append('T');
                long hours = micros / MICROS_PER_HOUR;
                long minutes = micros % MICROS_PER_HOUR / MICROS_PER_MINUTE;
                long secondMicros = micros % MICROS_PER_MINUTE;
                appendPart(iso, hours, 'H');
                appendPart(iso, minutes, 'M');
                if (secondMicros != 0) {
                    appendSeconds(iso, secondMicros);
                }
            }
            return iso.toString();
        }

        private static void appendPart(StringBuilder iso, long amount, char unit) {
            if (amount != 0) {
                iso.append(amount).append(unit);
            }
        }

        /** {@code 6S}, {@code -6.789S}: the sign once, then whole seconds and the fraction without trailing zeros. */
        private static void appendSeconds(StringBuilder iso, long micros) {
            if (micros < 0) {
                iso.append('-');
            }
            long magnitude = Math.abs(micros);
            iso.append(magnitude / MICROS_PER_SECOND);
            long fraction = magnitude % MICROS_PER_SECOND;
            if (fraction != 0) {
                String digits = String.format("%06d", fraction);
                iso.append('.').append(digits.replaceFirst("0+$", ""));
            }
            iso.append('S');
        }
    }

    /**
     * Reads {@code [N year(s)] [N mon(s)] [N day(s)] [[+-]HH:MM:SS[.ffffff]]}, the parts separated by one space, each
     * number with its own sign ({@code +} after a negative part); hours may have more than two digits.
     */
    private static Amounts parse(String text) {
        String[] tokens = text.split(" ", -1);
        long months = 0;
        long days = 0;
        long micros = 0;
        int i = 0;
        while (i < tokens.length) {
            String token = tokens[i];
            if (i == tokens.length - 1 && token.indexOf(':') >= 0) {
                micros = micros(token, text);
                i++;
                continue;
            }
            if (i + 1 >= tokens.length || !token.matches("[+-]?\\d+")) {
                throw new InvalidValueException("an interval", text,
                        "unexpected " + InvalidValueException.quote(token));
            }
            long amount = Long.parseLong(token);
            switch (tokens[i + 1]) {
                case "year", "years" -> months = Math.addExact(months, Math.multiplyExact(amount, 12));
                case "mon", "mons" -> months = Math.addExact(months, amount);
                case "day", "days" -> days = Math.addExact(days, amount);
                default -> throw new InvalidValueException("an interval", text,
                        "unknown unit " + InvalidValueException.quote(tokens[i + 1]));
            }
            i += 2;
        }
        return new Amounts(months, days, micros);
    }

    private static long micros(String token, String text) {
        Matcher m = TIME.matcher(token);
        if (!m.matches()) {
            throw new InvalidValueException("an interval", text, "bad time part " + InvalidValueException.quote(token));
        }
        String fraction = m.group(5) == null ? "" : m.group(5);
        // Summed with the sign applied, so that the most negative interval does not overflow on the way.
        long sign = m.group(1).equals("-") ? -1 : 1;
        long micros = Math.multiplyExact(sign, Math.multiplyExact(Long.parseLong(m.group(2)), MICROS_PER_HOUR));
        micros = Math.addExact(micros, sign * Long.parseLong(m.group(3)) * MICROS_PER_MINUTE);
        micros = Math.addExact(micros, sign * Long.parseLong(m.group(4)) * MICROS_PER_SECOND);
        return Math.addExact(micros, sign * Long.parseLong((fraction + "000000").substring(0, 6)));
    }
}
