package io.tributary.producer.publish;

import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.DebeziumEventReader;
import io.tributary.model.MalformedChangeEventException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the topics remember of earlier streaming: the event of a database with the highest {@code source.lsn} near
 * the end of each partition. A missing slot together with such an event means the slot was lost (e.g. a failover to
 * a standby without a copy of it), not that this is a first start; an LSN above the server's WAL position means the
 * server went back in time (a restore). Reads at most {@value #TAIL} records per partition, with one consumer for
 * every topic.
 */
public final class TopicHistory {

    static final int TAIL = 100;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** An event and the topic that holds it. */
    public record Found(String topic, ChangeEvent event) {
    }

    private TopicHistory() {
    }

    /** The event of {@code database} with the highest {@code source.lsn} among the last records of each partition. */
    public static Optional<Found> highestEventOf(String bootstrapServers, Map<String, String> userProperties,
                                                 List<String> topics, String database) {
        Map<String, Object> config = new HashMap<>(userProperties);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, TIMEOUT);
                if (infos != null) {
                    infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
                }
            }
            if (partitions.isEmpty()) {
                return Optional.empty();
            }
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, TIMEOUT);
            consumer.assign(partitions);
            long remaining = 0;
            for (TopicPartition partition : partitions) {
                long end = ends.get(partition);
                long from = Math.max(0, end - TAIL);
                consumer.seek(partition, from);
                remaining += end - from;
            }
            Found highest = null;
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (remaining > 0 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    remaining--;
                    ChangeEvent event = decodeOrNull(record);
                    if (event != null && event.source().database().equals(database)
                            && (highest == null || event.source().lsn().isAfter(highest.event().source().lsn()))) {
                        highest = new Found(record.topic(), event);
                    }
                }
            }
            return Optional.ofNullable(highest);
        }
    }

    /** The record's event in either envelope, or null for a record that is not one. */
    private static ChangeEvent decodeOrNull(ConsumerRecord<byte[], byte[]> record) {
        try {
            return DebeziumEventReader.read(record.key(), record.value(), record.headers(), ChangeEventJson::decode,
                    event -> event);
        } catch (MalformedChangeEventException e) {
            return null;
        }
    }
}
