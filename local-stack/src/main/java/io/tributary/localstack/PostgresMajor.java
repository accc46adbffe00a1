package io.tributary.localstack;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The PostgreSQL major versions {@link LocalStack} can start, each from its own binaries jar. Each one has what the
 * project's tests use: {@code wal_level=logical}, pgoutput {@code proto_version} 1, test_decoding and
 * {@code pg_logical_emit_message}. The producer supports 13 and later (its startup check refuses older servers);
 * 12 is here so that a test can see it refused.
 *
 * <p>Behaviour that differs between majors and that tests may notice: before 15, pgoutput streams BEGIN and COMMIT
 * also for transactions without a change to a published table (15 and later skip such empty transactions); before
 * 14, pgoutput has no {@code messages} option, so logical messages never reach a pgoutput stream.
 *
 * <p>The major an unannotated {@link RunningPostgres} gets is {@link #configuredDefault()}: {@link #DEFAULT}, or the
 * one the system property {@value #DEFAULT_PROPERTY} names (the {@code pg-matrix} profile runs the producer's ITs
 * once per major that way).
 */
public enum PostgresMajor {

    /** PostgreSQL 12: older than the producer supports; tests check that it is refused. */
    V12(12),
    /** PostgreSQL 13, the oldest major the producer supports. */
    V13(13),
    /** PostgreSQL 14. */
    V14(14),
    /** PostgreSQL 15. */
    V15(15),
    /** PostgreSQL 16. */
    V16(16),
    /** PostgreSQL 17, the default. */
    V17(17),
    /** PostgreSQL 18. */
    V18(18);

    /** The major {@link LocalStack#postgres()} starts unless {@value #DEFAULT_PROPERTY} names another. */
    public static final PostgresMajor DEFAULT = V17;

    /** System property naming the major of an unannotated {@link RunningPostgres}, e.g. {@code 13}. */
    public static final String DEFAULT_PROPERTY = "tributary.stack.postgres-major";

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

    /**
     * The major {@link LocalStack#postgres()} and an unannotated {@link RunningPostgres} parameter get: the one the
     * system property {@value #DEFAULT_PROPERTY} names, else {@link #DEFAULT}.
     *
     * @throws IllegalArgumentException naming the property and the available majors when its value is not one
     */
    public static PostgresMajor configuredDefault() {
        String configured = System.getProperty(DEFAULT_PROPERTY, "").trim();
        if (configured.isEmpty()) {
            return DEFAULT;
        }
        try {
            return of(Integer.parseInt(configured));
        } catch (IllegalArgumentException e) { // NumberFormatException too
            throw new IllegalArgumentException("system property " + DEFAULT_PROPERTY + " = '" + configured
                    + "' is not a PostgreSQL major the local stack has (one of: " + supported() + ")", e);
        }
    }

    /** The available major numbers, e.g. "12, 13, 14". */
    static String supported() {
        return Arrays.stream(values()).map(major -> Integer.toString(major.number)).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return "PostgreSQL " + number;
    }
}
