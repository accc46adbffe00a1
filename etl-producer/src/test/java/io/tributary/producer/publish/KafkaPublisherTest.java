package io.tributary.producer.publish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.Envelope;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.model.Routing;
import io.tributary.model.SourceInfo;
import io.tributary.model.TableId;
import io.tributary.model.TablePartitioner;
import io.tributary.ops.ServiceMetrics;
import io.tributary.producer.publish.AckTracker.InFlightTransaction;
import java.time.Instant;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class KafkaPublisherTest {

    private final MockProducer<byte[], byte[]> kafka =
            new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final AckTracker tracker = new AckTracker(Lsn.of(1));
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final KafkaPublisher publisher = new KafkaPublisher(kafka, Routing.byTable("changes", 12), tracker, metrics);

    private static ChangeEvent insert(String table, long id) {
        ObjectNode row = ChangeEventJson.mapper().createObjectNode().put("id", id);
        return new ChangeEvent(Operation.CREATE, new SourceInfo("app", "public", table, Lsn.of(10 + id), Lsn.of(50),
                7, Instant.EPOCH), row, null, row);
    }

    @Test
    void sendsEachTableToItsPartitionWithTableAndKeyAsRecordKey() throws Exception {
        InFlightTransaction transaction = tracker.begin();
        publisher.publish(insert("orders", 1), transaction);

        ProducerRecord<byte[], byte[]> record = kafka.history().get(0);
        assertEquals("changes", record.topic());
        assertEquals(TablePartitioner.partitionFor(TableId.parse("public.orders"), 12), record.partition());
        assertEquals("{\"schema\":\"public\",\"table\":\"orders\",\"key\":{\"id\":1}}", new String(record.key()));
        assertEquals(insert("orders", 1), ChangeEventJson.decode(record.value()));
    }

    @Test
    void underKeyRoutingATruncateGoesToEveryPartitionAndIsFlushedOnceEachCopyIsAcknowledged() {
        KafkaPublisher byKey = new KafkaPublisher(kafka, new Routing("changes", 3, Routing.PartitionBy.KEY,
                java.util.Map.of()), tracker, metrics);
        InFlightTransaction transaction = tracker.begin();
        ChangeEvent truncate = new ChangeEvent(Operation.TRUNCATE, new SourceInfo("app", "public", "orders",
                Lsn.of(40), Lsn.of(50), 7, Instant.EPOCH), ChangeEventJson.mapper().createObjectNode(), null, null);
        byKey.publish(truncate, transaction);
        tracker.committed(transaction, Lsn.of(60));

        assertEquals(java.util.List.of(0, 1, 2), kafka.history().stream().map(ProducerRecord::partition).toList());
        kafka.completeNext();
        kafka.completeNext();
        assertEquals(Lsn.of(1), tracker.flushableLsn(), "one copy is not yet in Kafka");
        kafka.completeNext();
        assertEquals(Lsn.of(60), tracker.flushableLsn());
        assertEquals(1.0, metrics.counter("tributary.producer.events", "table", "public.orders", "op", "t").count(),
                "one event, however many copies");
    }

    @Test
    void inDebeziumsEnvelopeAKeyChangeIsTwoRecordsOnTheRowsPartitionAndFlushedOnceBothAreAcknowledged() {
        KafkaPublisher byKey = new KafkaPublisher(kafka, new Routing("changes", 12, Routing.PartitionBy.KEY,
                java.util.Map.of()), tracker, metrics, Envelope.DEBEZIUM);
        ObjectNode oldKey = ChangeEventJson.mapper().createObjectNode().put("id", 5);
        ObjectNode row = ChangeEventJson.mapper().createObjectNode().put("id", 50);
        ChangeEvent keyChange = new ChangeEvent(Operation.UPDATE, new SourceInfo("app", "public", "orders", Lsn.of(40),
                Lsn.of(50), 7, Instant.EPOCH), row, oldKey, row);
        InFlightTransaction transaction = tracker.begin();
        byKey.publish(keyChange, transaction);
        tracker.committed(transaction, Lsn.of(60));

        assertEquals(java.util.List.of("{\"id\":5}", "{\"id\":50}"),
                kafka.history().stream().map(record -> new String(record.key())).toList(), "old key deleted, new created");
        int partition = new Routing("changes", 12, Routing.PartitionBy.KEY, java.util.Map.of())
                .partitionFor(TableId.parse("public.orders"), ChangeEventJson.encodeKey(keyChange));
        assertEquals(java.util.List.of(partition, partition),
                kafka.history().stream().map(ProducerRecord::partition).toList(), "routed by Tributary's key");
        kafka.completeNext();
        assertEquals(Lsn.of(1), tracker.flushableLsn(), "the create is not yet in Kafka");
        kafka.completeNext();
        assertEquals(Lsn.of(60), tracker.flushableLsn());
    }

    @Test
    void anEncodedEventGoesWhereAndAsItsEventWouldAndCountsTheSame() {
        ChangeEvent event = insert("orders", 3);
        InFlightTransaction transaction = tracker.begin();
        publisher.publish(event, transaction);
        publisher.publishEncoded(new KafkaPublisher.EncodedEvent(event.tableId(), event.op(), event.source().lsn(),
                ChangeEventJson.encodeKey(event), ChangeEventJson.encode(event)), transaction);

        ProducerRecord<byte[], byte[]> published = kafka.history().get(0);
        ProducerRecord<byte[], byte[]> encoded = kafka.history().get(1);
        assertEquals(published.topic(), encoded.topic());
        assertEquals(published.partition(), encoded.partition());
        assertArrayEquals(published.key(), encoded.key());
        assertArrayEquals(published.value(), encoded.value());
        assertEquals(2, tracker.unacknowledgedEvents());
        assertEquals(2.0, metrics.get("tributary.producer.events").tags("table", "public.orders", "op", "c")
                .counter().count());
    }

    @Test
    void aRejectedEncodedEventIsNeverFlushedAndNamesTheRowByItsRecordKey() {
        ChangeEvent event = insert("orders", 4);
        InFlightTransaction transaction = tracker.begin();
        publisher.publishEncoded(new KafkaPublisher.EncodedEvent(event.tableId(), event.op(), event.source().lsn(),
                ChangeEventJson.encodeKey(event), ChangeEventJson.encode(event)), transaction);
        tracker.committed(transaction, Lsn.of(60));
        kafka.errorNext(new RuntimeException("broker says no"));

        KafkaSendFailedException e = assertThrows(KafkaSendFailedException.class, tracker::flushableLsn);
        assertTrue(e.getMessage().contains("\"key\":{\"id\":4}") && e.getMessage().contains("public.orders"),
                e.getMessage());
    }

    @Test
    void flushableLsnFollowsKafkaAcknowledgements() {
        InFlightTransaction transaction = tracker.begin();
        publisher.publish(insert("orders", 1), transaction);
        publisher.publish(insert("customers", 2), transaction);
        tracker.committed(transaction, Lsn.of(60));

        kafka.completeNext();
        assertEquals(Lsn.of(1), tracker.flushableLsn());
        kafka.completeNext();
        assertEquals(Lsn.of(60), tracker.flushableLsn());
        assertEquals(1.0, metrics.counter("tributary.producer.events", "table", "public.orders", "op", "c").count());
    }

    @Test
    void aRejectedSendIsNeverFlushed() {
        InFlightTransaction transaction = tracker.begin();
        publisher.publish(insert("orders", 1), transaction);
        tracker.committed(transaction, Lsn.of(60));

        kafka.errorNext(new org.apache.kafka.common.errors.TimeoutException("no broker"));

        assertThrows(KafkaSendFailedException.class, tracker::flushableLsn);
    }

    @Test
    void sendLatencyIsAPrometheusHistogramWithoutClientSideQuantiles() {
        PrometheusMeterRegistry registry = ServiceMetrics.newRegistry("etl-producer");
        KafkaPublisher scraped = new KafkaPublisher(kafka, Routing.byTable("changes", 12), tracker, registry);
        scraped.publish(insert("orders", 1), tracker.begin());
        kafka.completeNext();

        String scrape = registry.scrape();
        assertTrue(scrape.contains(
                "tributary_producer_kafka_send_latency_seconds_bucket{service=\"etl-producer\",le=\"+Inf\"} 1"),
                scrape);
        assertFalse(scrape.contains("quantile="), scrape);
    }
}
