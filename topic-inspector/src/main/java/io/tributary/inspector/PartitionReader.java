package io.tributary.inspector;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a range of one partition's records, decoded, in offset order. The range's end is fixed when the reading
 * starts (an end offset listed before), so a busy partition still ends. Gives up with an error naming the
 * partition and offset when no progress is made for the connection's timeout.
 */
final class PartitionReader {

    private static final Duration POLL = Duration.ofMillis(200);

    private final BrokerConnection connection;
    private final String topic;

    PartitionReader(BrokerConnection connection, String topic) {
        this.connection = connection;
        this.topic = topic;
    }

    /** Hands every record with {@code from <= offset < until} to {@code sink}, decoded. */
    void read(int partition, long from, long until, Consumer<TopicRecord> sink) {
        readRecords(partition, from, until, record -> sink.accept(TopicRecord.decode(record)));
    }

    /** Hands every record with {@code from <= offset < until} to {@code sink} as Kafka gave it (headers and all). */
    void readRecords(int partition, long from, long until, Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        if (from >= until) {
            return;
        }
        TopicPartition topicPartition = new TopicPartition(topic, partition);
        String what = "reading partition " + partition + " of " + topic + " from offset " + from + " to " + until;
        var consumer = connection.consumer();
        try {
            consumer.assign(List.of(topicPartition));
            consumer.seek(topicPartition, from);
            long position = from;
            long lastProgress = System.nanoTime();
            while (position < until) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (record.offset() < until) {
                        sink.accept(record);
                    }
                }
                long now = consumer.position(topicPartition);
                if (now > position) {
                    position = now;
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > connection.timeout().toNanos()) {
                    throw new InspectionFailedException(what + ": stuck at offset " + position + " for "
                            + connection.timeout().toSeconds() + " s (Kafka at " + connection.bootstrapServers()
                            + ")");
                }
            }
        } catch (KafkaException e) {
            throw connection.failure(e, what);
        }
    }
}
