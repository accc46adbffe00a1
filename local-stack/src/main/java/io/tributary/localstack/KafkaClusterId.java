package io.tributary.localstack;

import java.util.Base64;
import java.util.random.RandomGenerator;

/**
 * A KRaft cluster id: 16 random bytes as 22 characters of url-safe base64 without padding, never starting with
 * '-' (it would read as an option on the storage tool's command line). Immutable and thread-safe.
 *
 * @param value the 22-character id
 */
record KafkaClusterId(String value) {

    KafkaClusterId {
        if (value.length() != 22 || value.startsWith("-") || !value.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("not a Kafka cluster id: '" + value + "'");
        }
    }

    static KafkaClusterId random(RandomGenerator random) {
        while (true) {
            byte[] bytes = new byte[16];
            random.nextBytes(bytes);
            String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            if (!value.startsWith("-")) {
                return new KafkaClusterId(value);
            }
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
