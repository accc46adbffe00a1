package io.tributary.localstack;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The PostgreSQL major versions {@link LocalStack} can start, each from its own binaries jar. Every major supports
 * what the project needs: {@code wal_level=logical}, pgoutput {@code proto_version} 1 with {@code messages},
 * test_decoding and {@code pg_logical_emit_message}.
 *
 * <p>Behaviour that differs between majors and that tests may notice: before 15, pgoutput streams BEGIN and COMMIT
 * also for transactions without a change to a published table (15 and later skip such empty transactions).
 */
public enum PostgresMajor {

    /** PostgreSQL 14, the oldest major the project supports. */
    V14(14),
    /** PostgreSQL 17, the default. */
    V17(17);

    /** The major {@link LocalStack#postgres()} starts. */
    public static final PostgresMajor DEFAULT = V17;

    private final int number;

    PostgresMajor(int number) {
        this.number = number;
    }

    /** The major version number, e.g. 14. */
    public int number() {
        return number;
    }

    /** The constant for major version {@code number}; throws naming the supported ones if there is none. */
    public static PostgresMajor of(int number) {
        for (PostgresMajor major : values()) {
            if (major.number == number) {
                return major;
            }
        }
        throw new IllegalArgumentException("PostgreSQL " + number + " is not available in the local stack"
                + " (supported majors: " + supported() + ")");
    }

    /** The supported major numbers, e.g. "14, 17". */
    static String supported() {
        return Arrays.stream(values()).map(major -> Integer.toString(major.number)).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return "PostgreSQL " + number;
    }
}
