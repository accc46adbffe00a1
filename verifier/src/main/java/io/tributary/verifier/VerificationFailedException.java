package io.tributary.verifier;

/**
 * The verification could not be done: a service did not answer, a table does not exist, a row could not be
 * converted, a repair event was refused by Kafka. The message names the service, table or key at fault. Exit
 * status 1.
 */
final class VerificationFailedException extends RuntimeException {

    VerificationFailedException(String message) {
        super(message);
    }

    VerificationFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
