package io.tributary.documents;

/** Limits of what one statement sent to PostgreSQL may carry. */
final class SourceLimits {

    /** PostgreSQL takes at most 65535 parameters per statement; a slice of keys stays well below. */
    static final int MAX_PARAMETERS = 30_000;

    private SourceLimits() {
    }
}
