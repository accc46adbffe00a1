package io.tributary.producer;

import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads a whole topic from the beginning, for assertions: every partition, in offset order. */
final class TopicReader {

    /** One record: where it is and what it holds. */
    record Received(int partition, long offset, ChangeEvent event) {
    }

    private TopicReader() {
    }

    /** Reads until at least {@code expected} records arrived or {@code timeout} passed; returns what arrived. */
    static List<Received> readAtLeast(String bootstrapServers, String topic, int expected, Duration timeout) {
        List<Received> received = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = fromTheBeginning(bootstrapServers, topic)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (received.size() < expected && System.nanoTime() < deadline) {
                pollInto(consumer, Duration.ofMillis(200), received);
            }
            // Anything beyond the expected count (duplicates, strays) should show in the assertions too.
            pollInto(consumer, Duration.ofMillis(500), received);
        }
        return received;
    }

    /**
     * Reads from the beginning until what arrived satisfies {@code done} (checked whenever a poll brought records)
     * or {@code timeout} passed; returns what arrived.
     */
    static List<Received> readUntil(String bootstrapServers, String topic, Predicate<List<Received>> done,
                                    Duration timeout) {
        List<Received> received = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = fromTheBeginning(bootstrapServers, topic)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            boolean satisfied = false;
            while (!satisfied && System.nanoTime() < deadline) {
                int before = received.size();
                pollInto(consumer, Duration.ofMillis(200), received);
                satisfied = received.size() > before && done.test(received);
            }
        }
        return received;
    }

    /** A consumer assigned every partition of {@code topic}, at its beginning. */
    private static KafkaConsumer<byte[], byte[]> fromTheBeginning(String bootstrapServers, String topic) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config);
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    private static void pollInto(KafkaConsumer<byte[], byte[]> consumer, Duration wait, List<Received> received) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(wait)) {
            received.add(new Received(record.partition(), record.offset(), ChangeEventJson.decode(record.value())));
        }
    }
}
