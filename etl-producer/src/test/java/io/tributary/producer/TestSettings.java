package io.tributary.producer;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tributary.model.ChangeEventJson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Producer settings for tests, as keys over etl-producer's reference.conf ({@link ProducerSettings#parse}): the
 * defaults stay where they are documented, a test names only what it needs. Immutable.
 */
final class TestSettings {

    private final Map<String, Object> keys;

    private TestSettings(Map<String, Object> keys) {
        this.keys = Map.copyOf(keys);
    }

    /**
     * A producer of the database at {@code url} through slot {@code slot}, reporting and reconnecting every 200 ms
     * (backing off up to 2 s) so tests see positions move quickly; the tables and Kafka are still to be named.
     */
    static TestSettings quick(String url, String user, String password, String slot) {
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("tributary.postgres.url", url);
        keys.put("tributary.postgres.user", user);
        keys.put("tributary.postgres.password", password);
        keys.put("tributary.postgres.slot", slot);
        keys.put("tributary.postgres.status-interval", "200ms");
        keys.put("tributary.postgres.reconnect.initial-backoff", "200ms");
        keys.put("tributary.postgres.reconnect.max-backoff", "2s");
        keys.put("tributary.http.port", 0);
        return new TestSettings(keys);
    }

    /** These settings with {@code key} set to {@code value} (a string, number, boolean or list of strings). */
    TestSettings with(String key, Object value) {
        Map<String, Object> changed = new LinkedHashMap<>(keys);
        changed.put(key, value);
        return new TestSettings(changed);
    }

    /** The tables to stream. */
    TestSettings tables(List<String> tables) {
        return with("tributary.postgres.tables", List.copyOf(tables));
    }

    /** The Kafka brokers, topic and partition count. */
    TestSettings kafka(String bootstrapServers, String topic, int partitions) {
        return with("tributary.kafka.bootstrap-servers", bootstrapServers).with("tributary.kafka.topic", topic)
                .with("tributary.kafka.partitions", partitions);
    }

    ProducerSettings build() {
        return ProducerSettings.parse(hocon());
    }

    /** The keys as HOCON, one line each. */
    private String hocon() {
        return keys.entrySet().stream().map(entry -> entry.getKey() + " = " + json(entry.getValue()))
                .collect(Collectors.joining("\n"));
    }

    private static String json(Object value) {
        try {
            return ChangeEventJson.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a settings value: " + value, e);
        }
    }
}
