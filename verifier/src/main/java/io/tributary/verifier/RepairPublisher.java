package io.tributary.verifier;

import io.tributary.config.KafkaSecurity;
import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.ChangeRecordEncoder;
import io.tributary.model.Routing;
import io.tributary.producer.ProducerSettings.Target;
import io.tributary.producer.publish.KafkaProducerFactory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * Sends repair events where the producer sends a change of the same row, in the producer's envelope
 * ({@link ChangeRecordEncoder}): the topic and partition of the producer's {@link Routing} (chosen by the record key of
 * {@link ChangeEventJson#encodeKey}, whatever the envelope), a Kafka producer set up as the producer's
 * ({@link KafkaProducerFactory}: idempotent, {@code acks=all}, the configured properties). The subscriber applies
 * them like any other change. Sends are asynchronous; {@link #flush} waits for all and fails if Kafka refused any.
 * Used by the verifying thread only.
 */
final class RepairPublisher implements AutoCloseable {

    private final Producer<byte[], byte[]> producer;
    private final Routing routing;
    private final ChangeRecordEncoder encoder;
    private final String bootstrapServers;
    private final AtomicReference<String> firstFailure = new AtomicReference<>();
    private long sent;

    RepairPublisher(Target target) {
        this.routing = target.routing();
        this.encoder = new ChangeRecordEncoder(target.envelope());
        this.bootstrapServers = target.bootstrapServers();
        try {
            this.producer = KafkaProducerFactory.create(target.bootstrapServers(), target.properties(),
                    "tributary-verifier-repair", target.limits().maxEventBytes());
        } catch (KafkaException e) {
            throw new VerificationFailedException("cannot create a Kafka producer for " + bootstrapServers + ": "
                    + e.getMessage(), e);
        }
    }

    /** Hands the event to Kafka. */
    void send(ChangeEvent event) {
        String topic = routing.topicFor(event.tableId());
        for (ChangeRecordEncoder.Encoded encoded : encoder.encodeAll(event)) {
            int partition = routing.partitionFor(event.tableId(), encoded.routingKey());
            String what = "the repair event ('" + event.op().code() + "') of " + event.tableId() + " key "
                    + event.key() + " for " + topic + "-" + partition;
            try {
                producer.send(new ProducerRecord<>(topic, partition, encoded.key(), encoded.value(),
                        encoded.headers()), (metadata, exception) -> {
                            if (exception != null) {
                                firstFailure.compareAndSet(null, what + ": " + KafkaSecurity.describeFailure(
                                        exception, bootstrapServers).orElse(String.valueOf(exception)));
                            }
                        });
            } catch (KafkaException e) {
                throw new VerificationFailedException("Kafka at " + bootstrapServers + " refused " + what + ": "
                        + KafkaSecurity.describeFailure(e, bootstrapServers).orElse(e.getMessage()), e);
            }
        }
        sent++;
    }

    /**
     * Waits until Kafka acknowledged every event sent.
     *
     * @throws VerificationFailedException naming the first event Kafka refused
     */
    void flush() {
        producer.flush();
        String failure = firstFailure.get();
        if (failure != null) {
            throw new VerificationFailedException("Kafka at " + bootstrapServers + " did not take " + failure);
        }
    }

    long sent() {
        return sent;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(30));
    }
}
