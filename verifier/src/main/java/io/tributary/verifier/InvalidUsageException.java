package io.tributary.verifier;

/**
 * The command line asks for something that cannot be done as given (an invalid configuration file, a table name
 * that is not {@code schema.table}, a chunk size out of range): exit status 2, like a parse error.
 */
final class InvalidUsageException extends RuntimeException {

    InvalidUsageException(String message) {
        super(message);
    }

    InvalidUsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
