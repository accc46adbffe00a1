package io.tributary.bench;

import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.Operation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What a snapshot left in its topic, read back after the measurement: every record from the start to the end
 * offsets, each value decoded with {@link ChangeEventJson} and its operation counted, and the bytes of keys and
 * values (the payload, before Kafka's compression) summed.
 */
final class SnapshotTopic {

    private static final Duration POLL = Duration.ofMillis(500);

    private SnapshotTopic() {
    }

    /**
     * @param records      end offsets minus start offsets, over all partitions
     * @param readEvents   records decoded as change events with {@code op = r}
     * @param sweeps       records decoded with {@code op = s}: an incremental snapshot's end of a table
     * @param otherRecords records decoded with another operation
     * @param payloadBytes the bytes of all keys and values
     */
    record Contents(long records, long readEvents, long sweeps, long otherRecords, long payloadBytes) {
    }

    /** Records in the topic (end offsets minus start offsets over all partitions), without reading them. */
    static long records(String bootstrapServers, String topic, int partitions) {
        List<TopicPartition> all = IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties(bootstrapServers))) {
            Map<TopicPartition, Long> starts = consumer.beginningOffsets(all);
            Map<TopicPartition, Long> ends = consumer.endOffsets(all);
            return all.stream().mapToLong(p -> ends.get(p) - starts.get(p)).sum();
        }
    }

    static Contents read(String bootstrapServers, String topic, int partitions, Duration timeout) {
        List<TopicPartition> all = IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties(bootstrapServers))) {
            consumer.assign(all);
            consumer.seekToBeginning(all);
            Map<TopicPartition, Long> starts = consumer.beginningOffsets(all);
            Map<TopicPartition, Long> ends = consumer.endOffsets(all);
            long records = all.stream().mapToLong(p -> ends.get(p) - starts.get(p)).sum();
            long readEvents = 0;
            long sweeps = 0;
            long others = 0;
            long payload = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (all.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " back took longer than "
                            + timeout.toMinutes() + " min; positions " + all.stream()
                            .collect(Collectors.toMap(p -> p.partition(), consumer::position)) + ", ends " + ends);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    ChangeEvent event = ChangeEventJson.decode(record.value());
                    if (event.op() == Operation.READ) {
                        readEvents++;
                    } else if (event.op() == Operation.SWEEP) {
                        sweeps++;
                    } else {
                        others++;
                    }
                    payload += (record.key() == null ? 0 : record.key().length) + record.value().length;
                }
            }
            return new Contents(records, readEvents, sweeps, others, payload);
        }
    }

    private static Properties properties(String bootstrapServers) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "snapshot-bench-reader");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return properties;
    }
}
