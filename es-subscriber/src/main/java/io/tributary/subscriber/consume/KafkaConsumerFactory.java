package io.tributary.subscriber.consume;

import io.tributary.config.KafkaSecurity;
import io.tributary.subscriber.SubscriberSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Builds the Kafka consumer with the settings correctness depends on: no auto-commit (offsets are committed only
 * after Elasticsearch accepted the records), start from the earliest record for a new group. The user's
 * {@code tributary.kafka.properties} come first and cannot override these.
 */
public final class KafkaConsumerFactory {

    private KafkaConsumerFactory() {
    }

    public static Consumer<byte[], byte[]> create(SubscriberSettings.Kafka kafka) {
        Map<String, Object> config = new HashMap<>(kafka.properties());
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.groupId());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, kafka.maxPollRecords());
        config.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "tributary-es-subscriber");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new KafkaConsumer<>(config);
    }

    /**
     * @return the names of every topic on the cluster
     * @throws IllegalStateException when the brokers cannot be reached, refuse the login or the TLS handshake, or the
     *                               topic does not exist
     */
    public static Set<String> requireTopic(Consumer<byte[], byte[]> consumer, String topic, String bootstrapServers) {
        Map<String, List<PartitionInfo>> topics;
        try {
            topics = consumer.listTopics(Duration.ofSeconds(30));
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + bootstrapServers + " did not answer within 30s; check"
                    + " tributary.kafka.bootstrap-servers and that the brokers are up", e);
        } catch (AuthenticationException e) {
            throw new IllegalStateException(KafkaSecurity.describeFailure(e, bootstrapServers).orElseThrow(), e);
        }
        if (TopicNames.isPattern(topic)) {
            if (topics.keySet().stream().noneMatch(name -> TopicNames.regex(topic).matcher(name).matches())) {
                throw new IllegalStateException("no topic on " + bootstrapServers + " matches " + topic
                        + "; start etl-producer first (it creates the topics) or check tributary.kafka.topic");
            }
            return topics.keySet();
        }
        List<PartitionInfo> partitions = topics.get(topic);
        if (partitions == null || partitions.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist on " + bootstrapServers
                    + "; start etl-producer first (it creates the topic) or check tributary.kafka.topic");
        }
        return topics.keySet();
    }
}
