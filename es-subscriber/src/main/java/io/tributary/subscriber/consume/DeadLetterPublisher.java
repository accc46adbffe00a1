package io.tributary.subscriber.consume;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes records that can never be applied to the dead-letter topic: the original key, value and headers, plus
 * headers saying why ({@value #REASON}, {@value #KIND}) and where from ({@value #TOPIC}, {@value #PARTITION},
 * {@value #OFFSET}, {@value #INDEX}, {@value #ID}; the latter two when known).
 *
 * <p>{@link #publish} returns only when Kafka acknowledged every letter, so the caller may then commit their
 * offsets. Each letter is logged once, with its table and key, and counted in
 * {@code tributary.subscriber.dead.letters{index,reason}}. Used by the consumer thread only.
 */
public final class DeadLetterPublisher {

    public static final String REASON = "tributary.dlq.reason";
    public static final String KIND = "tributary.dlq.kind";
    public static final String TOPIC = "tributary.dlq.topic";
    public static final String PARTITION = "tributary.dlq.partition";
    public static final String OFFSET = "tributary.dlq.offset";
    public static final String INDEX = "tributary.dlq.index";
    public static final String ID = "tributary.dlq.id";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterPublisher.class);

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final MeterRegistry metrics;
    private final int maxEventBytes;

    /** @param maxEventBytes {@code tributary.kafka.max-event-bytes}, named when a letter is too large for Kafka */
    public DeadLetterPublisher(Producer<byte[], byte[]> producer, String topic, MeterRegistry metrics,
                               int maxEventBytes) {
        this.producer = producer;
        this.topic = topic;
        this.metrics = metrics;
        this.maxEventBytes = maxEventBytes;
    }

    /**
     * Sends every letter and waits for Kafka's acknowledgements.
     *
     * @throws KafkaException naming the record when Kafka did not take a letter (after the producer's own retries):
     *                        its offset must not be committed
     */
    void publish(List<DeadLetter> letters) throws InterruptedException {
        if (letters.isEmpty()) {
            return;
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>(letters.size());
        for (DeadLetter letter : letters) {
            try {
                sent.add(producer.send(toRecord(letter)));
            } catch (KafkaException e) {
                throw notWritten(letter, e);
            }
        }
        producer.flush();
        for (int i = 0; i < letters.size(); i++) {
            DeadLetter letter = letters.get(i);
            try {
                sent.get(i).get();
            } catch (ExecutionException e) {
                throw notWritten(letter, e.getCause());
            }
            metrics.counter("tributary.subscriber.dead.letters", "index", letter.index().isEmpty() ? "unknown"
                    : letter.index(), "reason", letter.kind()).increment();
            LOG.warn("record {} ({}{}) went to the dead-letter topic {}: {}", letter.source(), letter.row(),
                    letter.index().isEmpty() ? "" : ", document " + letter.index() + "/" + letter.id(), topic,
                    letter.reason());
        }
    }

    private KafkaException notWritten(DeadLetter letter, Throwable cause) {
        String advice = cause instanceof RecordTooLargeException
                ? "; " + DeadLetterTopic.raiseTheLimit(topic, maxEventBytes) : "";
        int bytes = size(letter.record().key()) + size(letter.record().value());
        return new KafkaException("could not write record " + letter.source() + " (" + letter.row() + ", " + bytes
                + " bytes of key and value) to the dead-letter topic " + topic + ": " + cause.getMessage()
                + "; its offset stays uncommitted" + advice, cause);
    }

    private static int size(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private ProducerRecord<byte[], byte[]> toRecord(DeadLetter letter) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : letter.record().headers()) {
            headers.add(header);
        }
        add(headers, REASON, letter.reason());
        add(headers, KIND, letter.kind());
        add(headers, TOPIC, letter.record().topic());
        add(headers, PARTITION, Integer.toString(letter.record().partition()));
        add(headers, OFFSET, Long.toString(letter.record().offset()));
        if (!letter.index().isEmpty()) {
            add(headers, INDEX, letter.index());
        }
        if (!letter.id().isEmpty()) {
            add(headers, ID, letter.id());
        }
        return new ProducerRecord<>(topic, null, letter.record().key(), letter.record().value(), headers);
    }

    private static void add(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
