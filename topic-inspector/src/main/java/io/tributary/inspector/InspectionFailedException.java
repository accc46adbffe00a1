package io.tributary.inspector;

/**
 * The inspection could not be done: Kafka did not answer, the topic or group does not exist, a partition could not
 * be read to its end. The message names the brokers, topic, group or partition at fault. Exit status 1.
 */
final class InspectionFailedException extends RuntimeException {

    InspectionFailedException(String message) {
        super(message);
    }

    InspectionFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
