package io.tributary.inspector;

/**
 * The command line asks for something that cannot be done as given (a per-table topic pattern where one topic is
 * needed, a pin outside the partitions, a key that is not JSON): exit status 2, like a parse error.
 */
final class InvalidUsageException extends RuntimeException {

    InvalidUsageException(String message) {
        super(message);
    }

    InvalidUsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
