package io.tributary.producer.publish;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

class SendFailuresTest {

    private static KafkaSendFailedException failed(Exception cause) {
        return new KafkaSendFailedException("the 'c' event of shop.docs key {\"id\":2} at 0/16B4E70 for changes-3"
                + " (3356112 bytes)", cause);
    }

    @Test
    void whatCanNeverPassIsFatalAndNamesTheSettingToChange() {
        KafkaSendFailedException tooLarge = failed(new RecordTooLargeException("The message is 3356112 bytes"));

        assertTrue(SendFailures.isFatal(tooLarge));
        assertTrue(SendFailures.advice(tooLarge, 1_048_576)
                .startsWith("raise tributary.kafka.max-event-bytes (now 1048576 bytes)"));
        assertTrue(SendFailures.isFatal(failed(new TopicAuthorizationException("denied"))));
        KafkaSendFailedException refusedLogin = failed(new SaslAuthenticationException("invalid credentials"));
        assertTrue(SendFailures.isFatal(refusedLogin));
        assertTrue(SendFailures.advice(refusedLogin, 1_048_576).startsWith("check the credentials"
                + " (tributary.kafka.sasl.username, tributary.kafka.sasl.password, or tributary.kafka.properties)"));
    }

    @Test
    void whatPassesByItselfIsRetried() {
        assertFalse(SendFailures.isFatal(failed(new TimeoutException("Expiring 3 record(s)"))));
        assertFalse(SendFailures.isFatal(failed(new NotLeaderOrFollowerException("moved"))));
        assertFalse(SendFailures.isFatal(failed(new IllegalStateException("producer closed"))));
    }
}
