package io.tributary.producer.publish;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tributary.config.KafkaProducerFactory;
import io.tributary.model.ChangeRecord;
import io.tributary.model.ChangeRecordEncoder;
import io.tributary.model.Envelope;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.model.Routing;
import io.tributary.model.TableId;
import io.tributary.ops.HistogramBuckets;
import io.tributary.producer.publish.AckTracker.InFlightTransaction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Sends change events to the topic and partition {@link Routing} names (by default each table to one partition; a
 * truncate or sweep of a table spread over partitions by key to each of them), and
 * reports every acknowledgement or failure to the {@link AckTracker}, which alone decides what may be flushed.
 *
 * <p>The Kafka producer is idempotent with {@code acks=all} (see {@link KafkaProducerFactory}), so events of one
 * partition are stored in the order they were sent, retries included. Used by the replication thread only.
 */
public final class KafkaPublisher implements AutoCloseable {

    private final Producer<byte[], byte[]> producer;
    private final Routing routing;
    private final AckTracker tracker;
    private final MeterRegistry metrics;
    private final Timer sendLatency;
    private final Map<TableId, TableRoute> routes = new HashMap<>();
    private final ChangeRecordEncoder encoder;

    /** Publishes in Tributary's envelope. */
    public KafkaPublisher(Producer<byte[], byte[]> producer, Routing routing, AckTracker tracker,
                          MeterRegistry metrics) {
        this(producer, routing, tracker, metrics, Envelope.TRIBUTARY);
    }

    /** @param envelope the shape events are written in ({@code tributary.kafka.envelope}) */
    public KafkaPublisher(Producer<byte[], byte[]> producer, Routing routing, AckTracker tracker,
                          MeterRegistry metrics, Envelope envelope) {
        this.encoder = new ChangeRecordEncoder(envelope);
        this.producer = producer;
        this.routing = routing;
        this.tracker = tracker;
        this.metrics = metrics;
        this.sendLatency = Timer.builder("tributary.producer.kafka.send.latency")
                .description("Time from handing an event to Kafka until Kafka acknowledged it")
                .serviceLevelObjectives(HistogramBuckets.request())
                .register(metrics);
    }

    /**
     * Hands the event to Kafka; returns at once unless Kafka's buffer is full (then it blocks, see max.block.ms).
     *
     * @throws KafkaSendFailedException when Kafka refuses the record at once (it is then never flushed)
     */
    public void publish(ChangeRecord event, InFlightTransaction transaction) {
        TableId table = event.tableId();
        TableRoute route = routes.computeIfAbsent(table, this::route);
        // One record, or in Debezium's envelope two for a key change: same routing key, so same partition, in order.
        for (ChangeRecordEncoder.Encoded encoded : encoder.encodeAll(event)) {
            byte[] key = encoded.key();
            byte[] value = encoded.value();
            if (event.op().isRowChange()) {
                send(new ProducerRecord<>(route.topic(), route.partition(routing, table, encoded.routingKey()), key,
                        value, encoded.headers()), event, transaction);
            } else {
                for (int partition : routing.partitionsForWholeTable(table, encoded.routingKey())) {
                    send(new ProducerRecord<>(route.topic(), partition, key, value, encoded.headers()), event,
                            transaction);
                }
            }
        }
        route.count(event.op(), metrics);
    }

    /**
     * An event already encoded as {@link io.tributary.model.ChangeEventJson} writes it: the initial snapshot encodes its rows on several
     * threads and publishes them here, in order, from one.
     *
     * @param table the event's table, which routes it
     * @param op    its operation: a row change goes to its key's partition, a truncate or sweep to each of the table's
     * @param lsn   its {@code source.lsn}, to name it in a failure
     * @param routingKey Tributary's record key, which routes it (the same array as {@code key} in Tributary's envelope)
     * @param headers    the record's headers (none in Tributary's envelope)
     */
    public record EncodedEvent(TableId table, Operation op, Lsn lsn, byte[] key, byte[] value, byte[] routingKey,
                               List<Header> headers) {

        /** An event in Tributary's envelope. */
        public EncodedEvent(TableId table, Operation op, Lsn lsn, byte[] key, byte[] value) {
            this(table, op, lsn, key, value, key, List.of());
        }
    }

    /**
     * Hands an encoded event to Kafka, as {@link #publish} does.
     *
     * @throws KafkaSendFailedException when Kafka refuses the record at once (it is then never flushed)
     */
    public void publishEncoded(EncodedEvent event, InFlightTransaction transaction) {
        TableRoute route = routes.computeIfAbsent(event.table(), this::route);
        EncodedKey name = new EncodedKey(event.routingKey());
        if (event.op().isRowChange()) {
            send(new ProducerRecord<>(route.topic(), route.partition(routing, event.table(), event.routingKey()),
                    event.key(), event.value(), event.headers()), event.op(), event.table(), name, event.lsn(),
                    transaction);
        } else {
            for (int partition : routing.partitionsForWholeTable(event.table(), event.routingKey())) {
                send(new ProducerRecord<>(route.topic(), partition, event.key(), event.value(), event.headers()),
                        event.op(), event.table(), name, event.lsn(), transaction);
            }
        }
        route.count(event.op(), metrics);
    }

    /**
     * A table's topic, its partition (-1 when its rows are spread by key) and its event counters by operation, looked
     * up once per table and operation.
     */
    private record TableRoute(TableId table, String topic, int tablePartition, Map<Operation, Counter> counters) {

        int partition(Routing routing, TableId table, byte[] recordKey) {
            return tablePartition >= 0 ? tablePartition : routing.partitionFor(table, recordKey);
        }

        void count(Operation op, MeterRegistry metrics) {
            counters.computeIfAbsent(op, kind -> metrics.counter("tributary.producer.events",
                    "table", table.toString(), "op", kind.code())).increment();
        }
    }

    private TableRoute route(TableId table) {
        return new TableRoute(table, routing.topicFor(table),
                routing.spreadsByKey(table) ? -1 : routing.partitionFor(table), new EnumMap<>(Operation.class));
    }

    /** An encoded record key, as text only when it names an event in a failure. */
    private record EncodedKey(byte[] json) {
        @Override
        public String toString() {
            return new String(json, StandardCharsets.UTF_8);
        }
    }

    /**
     * Sends one record of {@code event} and reports its outcome to the tracker.
     *
     * @throws KafkaSendFailedException when Kafka refuses the record at once (it is then never flushed)
     */
    private void send(ProducerRecord<byte[], byte[]> record, ChangeRecord event, InFlightTransaction transaction) {
        send(record, event.op(), event.tableId(), event.key(), event.source().lsn(), transaction);
    }

    /** @param key what names the row: its key node, or the encoded record key */
    private void send(ProducerRecord<byte[], byte[]> record, Operation op, TableId table, Object key, Lsn lsn,
                      InFlightTransaction transaction) {
        // The callback keeps only what names the event, not its rows: up to max-unacknowledged-events wait in it.
        EventName name = new EventName(op.code(), table, key, lsn, record.topic(), record.partition(),
                (long) (record.key() == null ? 0 : record.key().length) + record.value().length);
        tracker.sent(transaction);
        long startNanos = System.nanoTime();
        try {
            producer.send(record, (metadata, exception) -> {
                if (exception == null) {
                    sendLatency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
                    tracker.acknowledged(transaction);
                } else {
                    tracker.failed(transaction, name.toString(), exception);
                }
            });
        } catch (RuntimeException e) {
            // E.g. the buffer stayed full for max.block.ms while Kafka was down: retried by a new session.
            tracker.failed(transaction, name.toString(), e);
            throw new KafkaSendFailedException(name.toString(), e);
        }
    }

    /**
     * What names an event in a failure: small, unlike the event with its rows.
     *
     * @param key the row's key node, or the {@link EncodedKey} of an encoded event (the record holds its bytes anyway)
     */
    private record EventName(String op, TableId table, Object key, Lsn lsn, String topic, int partition,
                             long bytes) {
        @Override
        public String toString() {
            return "the '" + op + "' event of " + table + " key " + key + " at " + lsn + " for " + topic + "-"
                    + partition + " (" + bytes + " bytes)";
        }
    }

    /** Waits until Kafka has acknowledged or failed every event sent so far. */
    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(30));
    }

    /**
     * Closes at once, failing whatever was not sent yet: for a producer that lost the slot's lock, so that nothing of
     * its session reaches Kafka after the new owner's events. (Never confirmed: the new owner sends it again.)
     */
    public void abort() {
        producer.close(Duration.ZERO);
    }
}
