package io.tributary.model;

/** A Kafka record that is not a change event Tributary can read; the message says what is wrong with it. */
public final class MalformedChangeEventException extends RuntimeException {

    public MalformedChangeEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
