package io.tributary.producer.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TopicSetupTest {

    @Test
    void minInsyncReplicasIsOneLessThanTheReplicasByDefaultSoOneBrokerMayBeDown() {
        assertEquals(1, TopicSetup.minInsyncReplicas("t", -1, 1));
        assertEquals(1, TopicSetup.minInsyncReplicas("t", -1, 2));
        assertEquals(2, TopicSetup.minInsyncReplicas("t", -1, 3));
        assertEquals(4, TopicSetup.minInsyncReplicas("t", -1, 5));
    }

    @Test
    void aConfiguredMinInsyncReplicasIsTakenAsItIs() {
        assertEquals(3, TopicSetup.minInsyncReplicas("t", 3, 3));
        assertEquals(1, TopicSetup.minInsyncReplicas("t", 1, 3));
    }

    @Test
    void moreInsyncReplicasThanReplicasIsRefusedNamingTheSettings() {
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> TopicSetup.minInsyncReplicas("changes", 3, 2));
        assertTrue(error.getMessage().contains("tributary.kafka.min-insync-replicas is 3 but topic changes has 2"
                + " replicas"), error.getMessage());
    }
}
