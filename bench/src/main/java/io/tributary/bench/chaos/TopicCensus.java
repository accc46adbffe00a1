package io.tributary.bench.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.model.ChangeEventJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the whole topic once after the run and counts its records and, among them, the duplicates: records with the
 * partition, key, {@code op} and {@code source.lsn} of an earlier record, which is what a producer sends again after
 * a kill, a PostgreSQL restart or a Kafka outage (at-least-once: it resends from the slot's last confirmed position).
 * Stateless.
 */
final class TopicCensus {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private TopicCensus() {
    }

    record Counts(long records, long duplicates) {
    }

    static Counts count(String bootstrapServers) throws IOException {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties)) {
            List<TopicPartition> partitions = consumer.partitionsFor(ChaosPipeline.TOPIC).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Set<String> seen = new HashSet<>();
            long records = 0;
            long duplicates = 0;
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("could not read " + ChaosPipeline.TOPIC + " to its end within "
                            + TIMEOUT.toMinutes() + " min");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                    records++;
                    if (!seen.add(identity(record))) {
                        duplicates++;
                    }
                }
            }
            return new Counts(records, duplicates);
        }
    }

    private static String identity(ConsumerRecord<byte[], byte[]> record) throws IOException {
        JsonNode event = record.value() == null ? null : ChangeEventJson.mapper().readTree(record.value());
        String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
        return record.partition() + "\u0000" + key + "\u0000" + (event == null ? "null"
                : event.path("op").asText() + "\u0000" + event.path("source").path("lsn").asText()
                + (event.path("op").asText().isEmpty() ? Arrays.hashCode(record.value()) : ""));
    }
}
