package io.tributary.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A PostgreSQL log sequence number: a 64-bit position in the write-ahead log, written {@code XXXXXXXX/XXXXXXXX}
 * (the high and low 32 bits in hexadecimal), as PostgreSQL prints it.
 *
 * <p>LSNs compare as <em>unsigned</em> 64-bit numbers. {@link #parse} rejects anything that is not an LSN, rather
 * than answering a sentinel: an LSN read from the wrong place must never silently become "the beginning".
 *
 * @param value the position as an unsigned 64-bit number
 */
public record Lsn(long value) implements Comparable<Lsn> {

    /** The invalid LSN {@code 0/0}, which PostgreSQL uses for "none". */
    public static final Lsn INVALID = new Lsn(0L);

    public static Lsn of(long value) {
        return new Lsn(value);
    }

    /**
     * Parses {@code XXXXXXXX/XXXXXXXX}.
     *
     * @throws IllegalArgumentException naming the text, when it is not an LSN
     */
    @JsonCreator
    public static Lsn parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("LSN is missing (null)");
        }
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1 || slash > 8 || text.length() - slash - 1 > 8) {
            throw new IllegalArgumentException("not an LSN (expected XXXXXXXX/XXXXXXXX in hexadecimal): '" + text + "'");
        }
        try {
            long high = Long.parseLong(text.substring(0, slash), 16);
            long low = Long.parseLong(text.substring(slash + 1), 16);
            return new Lsn((high << 32) | low);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an LSN (expected XXXXXXXX/XXXXXXXX in hexadecimal): '" + text + "'", e);
        }
    }

    public boolean isValid() {
        return value != 0L;
    }

    public boolean isAfter(Lsn other) {
        return compareTo(other) > 0;
    }

    @Override
    public int compareTo(Lsn other) {
        return Long.compareUnsigned(value, other.value);
    }

    /** The PostgreSQL text form, e.g. {@code 16/B374D848}. */
    @JsonValue
    @Override
    public String toString() {
        // On the hot path (every event's JSON): digits written straight into one array.
        char[] text = new char[17];
        int length = hex(text, 0, value >>> 32);
        text[length++] = '/';
        length = hex(text, length, value & 0xFFFFFFFFL);
        return new String(text, 0, length);
    }

    private static final char[] HEX_DIGITS = "0123456789ABCDEF".toCharArray();

    /** Writes {@code half} (32 bits) in upper-case hex without leading zeros at {@code at}; returns the next index. */
    private static int hex(char[] text, int at, long half) {
        int digits = Math.max(1, (67 - Long.numberOfLeadingZeros(half)) / 4);
        for (int i = digits - 1; i >= 0; i--) {
            text[at + i] = HEX_DIGITS[(int) (half & 0xF)];
            half >>>= 4;
        }
        return at + digits;
    }
}
