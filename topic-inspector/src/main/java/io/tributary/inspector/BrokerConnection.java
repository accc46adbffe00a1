package io.tributary.inspector;

import io.tributary.config.KafkaSecurity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The tool's clients of one Kafka cluster: an admin client, an unsubscribed consumer (no group: it never
 * commits) and a producer (only {@code dead-letters resend} writes), each created on first use, every call bounded
 * by the timeout so an unreachable cluster gives an {@link InspectionFailedException} naming the brokers instead of
 * a hang. Not thread-safe, except {@link #wakeUp()}.
 */
final class BrokerConnection implements AutoCloseable {

    private static final String CLIENT_ID = "tributary-topic-inspector";
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);
    /** The largest change event the producer may write ({@code tributary.kafka.max-event-bytes} at most 1GiB). */
    private static final int MAX_RECORD_BYTES = 1 << 30;

    private final String bootstrapServers;
    private final Map<String, String> clientProperties;
    private final Duration timeout;
    private Admin admin;
    private Consumer<byte[], byte[]> consumer;
    private Producer<byte[], byte[]> producer;

    /** To the brokers of {@code settings}, with its client (security) properties and timeout. */
    BrokerConnection(TopicSettings settings) {
        this(settings.bootstrapServers(), settings.clientProperties(), settings.timeout());
    }

    /** To {@code bootstrapServers}, with these client (security) properties. */
    BrokerConnection(String bootstrapServers, Map<String, String> clientProperties, Duration timeout) {
        this.bootstrapServers = bootstrapServers;
        this.clientProperties = clientProperties;
        this.timeout = timeout;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    Duration timeout() {
        return timeout;
    }

    Admin admin() {
        if (admin == null) {
            admin = create(() -> Admin.create(commonConfig()));
        }
        return admin;
    }

    Consumer<byte[], byte[]> consumer() {
        if (consumer == null) {
            Map<String, Object> config = commonConfig();
            config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            consumer = create(() -> new KafkaConsumer<>(config));
        }
        return consumer;
    }

    /**
     * An idempotent producer with {@code acks=all}: a record it reports sent is on every in-sync replica, and
     * retries never write it twice. Takes records as large as a change event may be (the topic's
     * {@code max.message.bytes} still applies); blocks at most the timeout for metadata.
     */
    Producer<byte[], byte[]> producer() {
        if (producer == null) {
            int millis = (int) timeout.toMillis();
            Map<String, Object> config = commonConfig();
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (long) millis);
            config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 3 * millis);
            config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_RECORD_BYTES);
            config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            producer = create(() -> new KafkaProducer<>(config));
        }
        return producer;
    }

    /**
     * Every partition of {@code topic} with its start and end offsets, by partition number.
     *
     * @throws InspectionFailedException when the topic does not exist or Kafka does not answer
     */
    List<PartitionOffsets> partitionOffsets(String topic) {
        TopicDescription description = await(admin().describeTopics(List.of(topic)).allTopicNames(),
                "describing topic " + topic).get(topic);
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        description.partitions().forEach(info -> {
            TopicPartition partition = new TopicPartition(topic, info.partition());
            earliest.put(partition, OffsetSpec.earliest());
            latest.put(partition, OffsetSpec.latest());
        });
        Map<TopicPartition, ListOffsetsResultInfo> starts = await(admin().listOffsets(earliest).all(),
                "listing the start offsets of topic " + topic);
        Map<TopicPartition, ListOffsetsResultInfo> ends = await(admin().listOffsets(latest).all(),
                "listing the end offsets of topic " + topic);
        List<PartitionOffsets> offsets = new ArrayList<>();
        for (TopicPartition partition : starts.keySet()) {
            offsets.add(new PartitionOffsets(partition.partition(), starts.get(partition).offset(),
                    ends.get(partition).offset()));
        }
        offsets.sort(Comparator.comparingInt(PartitionOffsets::partition));
        return offsets;
    }

    /**
     * The configuration of {@code topic} (its {@code retention.ms}, say).
     *
     * @throws InspectionFailedException when the topic does not exist, Kafka does not answer or refuses
     */
    Config topicConfig(String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return await(admin().describeConfigs(List.of(resource)).all(), "describing the configuration of topic "
                + topic).get(resource);
    }

    /**
     * Waits for an admin call, at most the timeout (plus a second for the client's own timeout to fire first).
     *
     * @param what what the call does, for the message ("describing topic x")
     * @throws InspectionFailedException saying what failed and where
     */
    <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw failure(e.getCause(), what);
        } catch (java.util.concurrent.TimeoutException e) {
            throw unreachable(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InspectionFailedException("interrupted while " + what + " on " + bootstrapServers, e);
        }
    }

    /** Turns an exception of a Kafka client call into one naming what failed and where. */
    InspectionFailedException failure(Throwable cause, String what) {
        Optional<String> refused = KafkaSecurity.describeFailure(cause, bootstrapServers);
        if (refused.isPresent()) {
            return new InspectionFailedException(what + " failed: " + refused.get(), cause);
        }
        if (cause instanceof TimeoutException) {
            return unreachable(what, cause);
        }
        if (cause instanceof UnknownTopicOrPartitionException) {
            return new InspectionFailedException(what + " failed: the topic does not exist on " + bootstrapServers
                    + " (etl-producer creates it at startup; check --topic)", cause);
        }
        if (cause instanceof GroupIdNotFoundException) {
            return new InspectionFailedException(what + " failed: the consumer group does not exist on "
                    + bootstrapServers + " (check --group)", cause);
        }
        return new InspectionFailedException(what + " failed on Kafka at " + bootstrapServers + ": " + cause, cause);
    }

    private InspectionFailedException unreachable(String what, Throwable cause) {
        return new InspectionFailedException("Kafka at " + bootstrapServers + " did not answer within "
                + timeout.toSeconds() + " s while " + what + "; check --bootstrap-servers (or "
                + TopicOptions.BOOTSTRAP_VARIABLE + ") and that the brokers are up", cause);
    }

    /** Makes a consumer poll in progress return with a wake-up; safe from any thread. */
    void wakeUp() {
        Consumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    private Map<String, Object> commonConfig() {
        int millis = (int) timeout.toMillis();
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(CommonClientConfigs.CLIENT_ID_CONFIG, CLIENT_ID);
        config.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, millis);
        config.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        config.put(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, (long) Math.min(millis, 2_000));
        config.put(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, (long) millis);
        return config;
    }

    private <C> C create(Supplier<C> client) {
        try {
            return client.get();
        } catch (KafkaException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new InspectionFailedException("cannot connect to Kafka at " + bootstrapServers + ": "
                    + cause.getMessage(), e);
        }
    }

    /** Closes the clients; an interrupt (a stopped {@code tail --follow}) is set aside while they close. */
    @Override
    public void close() {
        boolean interrupted = Thread.interrupted();
        try {
            if (consumer != null) {
                consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
            }
            if (producer != null) {
                producer.close(CLOSE_TIMEOUT);
            }
            if (admin != null) {
                admin.close(CLOSE_TIMEOUT);
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
