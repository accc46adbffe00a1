package io.tributary.producer;

import io.tributary.config.KafkaProducerFactory;
import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes events to a topic as the producer would (its record key and JSON), for tests that plant what a topic holds. */
final class TopicWriter {

    private TopicWriter() {
    }

    /** Sends {@code event} and waits for Kafka's acknowledgement. */
    static void send(String bootstrapServers, String topic, ChangeEvent event) throws Exception {
        try (Producer<byte[], byte[]> producer = KafkaProducerFactory.create(bootstrapServers, Map.of(),
                "topic-writer")) {
            producer.send(new ProducerRecord<>(topic, ChangeEventJson.encodeKey(event), ChangeEventJson.encode(event)))
                    .get(30, TimeUnit.SECONDS);
        }
    }
}
