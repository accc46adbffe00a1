package io.tributary.subscriber.consume;

import io.tributary.subscriber.SubscriberSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter topic's Kafka clients: creates the topic at startup when it is missing, and builds the producer
 * that writes to it (idempotent, {@code acks=all}). Of {@code tributary.kafka.properties} each client takes the
 * settings it knows (security, say), and cannot override these.
 */
public final class DeadLetterTopic {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterTopic.class);
    private static final long TIMEOUT_SECONDS = 30;

    private DeadLetterTopic() {
    }

    /** @throws IllegalStateException naming the topic and the key when it is missing and cannot be created */
    public static void createIfMissing(SubscriberSettings.Kafka kafka, Set<String> existingTopics) {
        String topic = kafka.deadLetterTopic();
        if (existingTopics.contains(topic)) {
            return;
        }
        Map<String, Object> config = known(kafka.properties(), AdminClientConfig.configNames());
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin admin = Admin.create(config)) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty()))).all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            LOG.info("created the dead-letter topic {}", topic);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw cannotCreate(kafka, e.getCause().getMessage(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw cannotCreate(kafka, "no answer within " + TIMEOUT_SECONDS + "s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw cannotCreate(kafka, "interrupted", e);
        }
    }

    public static Producer<byte[], byte[]> createProducer(SubscriberSettings.Kafka kafka) {
        Map<String, Object> config = known(kafka.properties(), ProducerConfig.configNames());
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "tributary-es-subscriber-dlq");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(config);
    }

    private static Map<String, Object> known(Map<String, String> properties, Set<String> names) {
        Map<String, Object> config = new HashMap<>();
        properties.forEach((name, value) -> {
            if (names.contains(name)) {
                config.put(name, value);
            }
        });
        return config;
    }

    private static IllegalStateException cannotCreate(SubscriberSettings.Kafka kafka, String why, Throwable cause) {
        return new IllegalStateException("the dead-letter topic " + kafka.deadLetterTopic() + " does not exist"
                + " and could not be created on " + kafka.bootstrapServers() + " (" + why + "); create it"
                + " or check tributary.kafka.dead-letter-topic", cause);
    }
}
