package io.tributary.config;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Builds the Kafka producer with the settings correctness depends on: idempotence and {@code acks=all} (no
 * duplicates or reordering from retries, nothing acknowledged before the in-sync replicas have it). The user's
 * {@code tributary.kafka.properties} come first, so they can tune batching and add security settings, but never
 * override these.
 */
public final class KafkaProducerFactory {

    private KafkaProducerFactory() {
    }

    /** A producer for events of Kafka's default size limit (1 MB): tools and tests that send small events. */
    public static Producer<byte[], byte[]> create(String bootstrapServers, Map<String, String> userProperties,
                                                  String clientId) {
        return create(bootstrapServers, userProperties, clientId, 1024 * 1024);
    }

    /**
     * @param maxEventBytes the largest record sent ({@code tributary.kafka.max-event-bytes}): the producer's
     *                      {@code max.request.size}, and its {@code buffer.memory} at least twice that (a record must
     *                      fit in the buffer)
     */
    public static Producer<byte[], byte[]> create(String bootstrapServers, Map<String, String> userProperties,
                                                  String clientId, int maxEventBytes) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxEventBytes);
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(32L * 1024 * 1024, 2L * maxEventBytes));
        config.putAll(userProperties);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(config);
    }
}
