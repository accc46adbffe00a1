package io.tributary.producer.publish;

import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
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
 * What the topic remembers of earlier streaming: the newest event of a database near the end of each partition.
 * A missing slot together with such an event means the slot was lost (e.g. a failover to a standby without a copy
 * of it), not that this is a first start. Reads at most {@value #TAIL} records per partition.
 */
public final class TopicHistory {

    static final int TAIL = 100;

    private TopicHistory() {
    }

    /** The newest event of {@code database} among the last records of each partition, if any. */
    public static Optional<ChangeEvent> lastEventOf(String bootstrapServers, Map<String, String> userProperties,
                                                    String topic, String database) {
        Map<String, Object> config = new HashMap<>(userProperties);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                return Optional.empty();
            }
            List<TopicPartition> partitions = new ArrayList<>();
            infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            consumer.assign(partitions);
            long remaining = 0;
            for (TopicPartition partition : partitions) {
                long end = ends.get(partition);
                long from = Math.max(0, end - TAIL);
                consumer.seek(partition, from);
                remaining += end - from;
            }
            ChangeEvent newest = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (remaining > 0 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    remaining--;
                    ChangeEvent event = decodeOrNull(record.value());
                    if (event != null && event.source().database().equals(database)
                            && (newest == null || event.source().commitLsn().isAfter(newest.source().commitLsn()))) {
                        newest = event;
                    }
                }
            }
            return Optional.ofNullable(newest);
        }
    }

    private static ChangeEvent decodeOrNull(byte[] value) {
        try {
            return ChangeEventJson.decode(value);
        } catch (MalformedChangeEventException e) {
            return null;
        }
    }
}
