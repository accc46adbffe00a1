package io.tributary.localstack;

/**
 * A local service could not be installed, started, stopped or used. The message names the service and the step that
 * failed and, where there is one, ends with the tail of the service's log file. Immutable.
 */
public final class LocalStackException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    LocalStackException(String message) {
        super(message);
    }

    LocalStackException(String message, Throwable cause) {
        super(message, cause);
    }
}
