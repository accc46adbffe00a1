package io.tributary.producer.publish;

import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * Sorts what Kafka answered to a send that failed: most failures pass (a broker down, a leader moving, a timeout),
 * and a new session sends the events again; these never pass by themselves, and sending again would loop for ever
 * while the slot holds WAL, so the producer stops and says what to change. Pure.
 *
 * <table>
 *   <tr><th>cause</th><th>what to change</th></tr>
 *   <tr><td>{@link RecordTooLargeException}, {@link RecordBatchTooLargeException}</td>
 *       <td>{@code tributary.kafka.max-event-bytes}, and an existing topic's {@code max.message.bytes}</td></tr>
 *   <tr><td>{@link AuthorizationException}, {@link AuthenticationException}</td>
 *       <td>the principal's ACLs (Write, Describe on the topic; IdempotentWrite on the cluster) or credentials</td></tr>
 *   <tr><td>{@link InvalidTopicException}</td><td>{@code tributary.kafka.topic}</td></tr>
 * </table>
 */
public final class SendFailures {

    private SendFailures() {
    }

    /** True when sending the same event again cannot succeed until the setup changes. */
    public static boolean isFatal(KafkaSendFailedException failure) {
        Throwable cause = failure.getCause();
        return cause instanceof RecordTooLargeException || cause instanceof RecordBatchTooLargeException
                || cause instanceof AuthorizationException || cause instanceof AuthenticationException
                || cause instanceof InvalidTopicException;
    }

    /** What an operator must change for a {@linkplain #isFatal fatal} failure to pass. */
    public static String advice(KafkaSendFailedException failure, int maxEventBytes) {
        Throwable cause = failure.getCause();
        if (cause instanceof RecordTooLargeException || cause instanceof RecordBatchTooLargeException) {
            return "raise tributary.kafka.max-event-bytes (now " + maxEventBytes + " bytes) above the event's size,"
                    + " and the topic's max.message.bytes too if the topic already existed"
                    + " (kafka-configs --alter --entity-type topics --add-config max.message.bytes=…)";
        }
        if (cause instanceof AuthorizationException || cause instanceof AuthenticationException) {
            return "check the credentials (tributary.kafka.sasl.username, tributary.kafka.sasl.password, or"
                    + " tributary.kafka.properties) and the principal's ACLs (Write and Describe on the topic,"
                    + " IdempotentWrite on the cluster)";
        }
        return "check tributary.kafka.topic";
    }
}
