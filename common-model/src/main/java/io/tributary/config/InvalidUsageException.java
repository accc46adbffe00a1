package io.tributary.config;

/**
 * A command-line tool is asked for something that cannot be done as given (an invalid configuration file, a table
 * name that is not {@code schema.table}, a value out of range, a per-table topic pattern where one topic is needed):
 * the tool exits with status 2, like a parse error.
 */
public final class InvalidUsageException extends RuntimeException {

    public InvalidUsageException(String message) {
        super(message);
    }

    public InvalidUsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
