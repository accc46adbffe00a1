package io.tributary.producer.stream;

/**
 * The slot is gone although this producer streamed from it before: the changes made while there was no slot are
 * not in Kafka. Fatal under {@code on-slot-loss = fail}; the message says what happened and what to do.
 */
public final class SlotLostException extends RuntimeException {

    SlotLostException(String message) {
        super(message);
    }
}
