package io.tributary.producer.publish;

/** Kafka did not accept a change after its own retries; the stream stops and resumes from the last flushed LSN. */
public final class KafkaSendFailedException extends RuntimeException {

    public KafkaSendFailedException(String what, Throwable cause) {
        super("Kafka did not accept " + what + ": " + cause.getMessage()
                + "; nothing after the last flushed LSN is acknowledged to PostgreSQL, so a restart resends it", cause);
    }
}
