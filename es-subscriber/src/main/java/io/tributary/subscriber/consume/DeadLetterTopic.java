package io.tributary.subscriber.consume;

import io.tributary.config.KafkaProducerFactory;
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
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter topic's Kafka clients: creates the topic at startup when it is missing, and builds the producer
 * that writes to it (idempotent, {@code acks=all}). Of {@code tributary.kafka.properties} each client takes the
 * settings it knows (security, say), and cannot override these.
 *
 * <p><b>Size:</b> any record of the change topic must fit in a dead letter, or a poison record could stop its
 * partition. Both the producer's {@code max.request.size} and a created topic's {@code max.message.bytes} are
 * {@link #maxLetterBytes} of {@code tributary.kafka.max-event-bytes} (the producer's limit for a change event) — the
 * record plus room for the headers saying why. An existing topic that takes less is warned about at startup, with
 * the command that raises it.
 */
public final class DeadLetterTopic {

    static final String CLIENT_ID = "tributary-es-subscriber-dlq";
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterTopic.class);
    private static final long TIMEOUT_SECONDS = 30;
    /** Room for the headers a dead letter gets (reason, source, index, id) and the batch's framing. */
    static final int HEADER_ROOM_BYTES = 1024 * 1024;

    private DeadLetterTopic() {
    }

    /**
     * Creates the topic when it is missing, taking records of {@link #maxLetterBytes}; warns when an existing one
     * takes less (when its configuration cannot be read, says so and goes on).
     *
     * @throws IllegalStateException naming the topic and the key when it is missing and cannot be created
     */
    public static void createIfMissing(SubscriberSettings.Kafka kafka, Set<String> existingTopics) {
        String topic = kafka.deadLetterTopic();
        Map<String, Object> config = known(kafka.properties(), AdminClientConfig.configNames());
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        int maxLetterBytes = maxLetterBytes(kafka.maxEventBytes());
        try (Admin admin = Admin.create(config)) {
            if (existingTopics.contains(topic)) {
                warnWhenSmaller(admin, kafka);
                return;
            }
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty()).configs(Map.of(
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxLetterBytes))))).all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            LOG.info("created the dead-letter topic {} (max.message.bytes {})", topic, maxLetterBytes);
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

    /** The producer of dead letters: records of up to {@link #maxLetterBytes}. */
    public static Producer<byte[], byte[]> createProducer(SubscriberSettings.Kafka kafka) {
        Map<String, String> properties = new HashMap<>();
        known(kafka.properties(), ProducerConfig.configNames()).forEach((name, value) -> properties.put(name,
                String.valueOf(value)));
        return KafkaProducerFactory.create(kafka.bootstrapServers(), properties, CLIENT_ID,
                maxLetterBytes(kafka.maxEventBytes()));
    }

    /** The largest dead letter: a change event of {@code maxEventBytes} and its headers. */
    public static int maxLetterBytes(int maxEventBytes) {
        return (int) Math.min(Integer.MAX_VALUE, (long) maxEventBytes + HEADER_ROOM_BYTES);
    }

    /** What to do when a letter was too large for Kafka. */
    static String raiseTheLimit(String topic, int maxEventBytes) {
        return "raise tributary.kafka.max-event-bytes (now " + maxEventBytes + " bytes) above the record's size,"
                + " and the max.message.bytes of " + topic + " too if it existed before (kafka-configs --alter"
                + " --entity-type topics --entity-name " + topic + " --add-config max.message.bytes=…); then restart"
                + " the subscriber";
    }

    private static void warnWhenSmaller(Admin admin, SubscriberSettings.Kafka kafka) throws InterruptedException {
        String topic = kafka.deadLetterTopic();
        int wanted = maxLetterBytes(kafka.maxEventBytes());
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        ConfigEntry entry;
        try {
            entry = admin.describeConfigs(Set.of(resource)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .get(resource).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        } catch (ExecutionException | TimeoutException e) {
            LOG.info("could not read max.message.bytes of the dead-letter topic {} ({}); make sure it takes records"
                    + " of {} bytes", topic, e.getCause() != null ? e.getCause().getMessage() : e.getMessage(), wanted);
            return;
        }
        if (entry != null && entry.value() != null && Long.parseLong(entry.value()) < wanted) {
            LOG.warn("the dead-letter topic {} takes records of at most {} bytes (max.message.bytes), less than"
                    + " tributary.kafka.max-event-bytes ({}) and room for the headers: a larger poison record would"
                    + " stop its partition. Raise it with kafka-configs --alter --entity-type topics --entity-name {}"
                    + " --add-config max.message.bytes={}", topic, entry.value(), kafka.maxEventBytes(), topic,
                    wanted);
        }
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
