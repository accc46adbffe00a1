package io.tributary.pipeline.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.localstack.LocalStackExtension;
import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.RunningPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every metric the Grafana dashboard and the Prometheus alerts in deploy/monitoring read is one the services really
 * export: checked by name against the live {@code /metrics} of both, after traffic that makes every labelled
 * counter appear (they appear on their first increment): inserts, updates and deletes, a change sent again (a
 * version conflict), a record that is not a change event (a dead letter) and, last, a change for a closed index.
 */
@ExtendWith(LocalStackExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MetricsReferencedExistIT {

    /** Names the dashboard or alerts may read although no Tributary service exports them, each with the reason. */
    private static final Map<String, String> NOT_FROM_THE_SERVICES = Map.of(
            "up", "Prometheus writes it for every scrape target: 1 when the scrape succeeded, 0 when it failed");

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String INDEX_UNAVAILABLE = "tributary_subscriber_index_unavailable_total";

    private final RunningPostgres postgres;
    private final RunningKafka kafka;
    private final RunningElasticsearch elasticsearch;

    MetricsReferencedExistIT(RunningPostgres postgres, RunningKafka kafka, RunningElasticsearch elasticsearch) {
        this.postgres = postgres;
        this.kafka = kafka;
        this.elasticsearch = elasticsearch;
    }

    @Test
    void everyMetricTheDashboardAndTheAlertsReadIsExportedByTheProducerOrTheSubscriber() throws Exception {
        Set<String> referenced = new TreeSet<>(GrafanaDashboard.read(GrafanaDashboard.FILE).metricNames());
        referenced.addAll(PrometheusAlertRules.read(PrometheusAlertRules.FILE).metricNames());
        assertTrue(referenced.containsAll(NOT_FROM_THE_SERVICES.keySet()),
                "allow-list entries no longer referenced by the dashboard or alerts: remove them");
        Set<String> fromTheServices = new TreeSet<>(referenced);
        fromTheServices.removeAll(NOT_FROM_THE_SERVICES.keySet());

        try (ScrapedPipeline pipeline = ScrapedPipeline.start(postgres, kafka, elasticsearch,
                "CREATE SCHEMA shop",
                "CREATE TABLE shop.customers (id int PRIMARY KEY, name text NOT NULL)")) {
            pipeline.sql("INSERT INTO shop.customers VALUES (1, 'Ada'), (2, 'Grace')",
                    "UPDATE shop.customers SET name = 'Ada Lovelace' WHERE id = 1",
                    "DELETE FROM shop.customers WHERE id = 2");
            sendAgain(firstRecordOf(pipeline.topic()));
            sendNotAChangeEvent(pipeline.topic());
            Set<String> beforeClosing = new TreeSet<>(fromTheServices);
            beforeClosing.remove(INDEX_UNAVAILABLE);
            awaitExported(pipeline, beforeClosing);

            // A change for a closed index: retried, and counted with the index's name.
            post("/shop.customers-000001/_close");
            Set<String> exported;
            try {
                pipeline.sql("INSERT INTO shop.customers VALUES (3, 'Edsger')");
                exported = awaitExported(pipeline, fromTheServices);
            } finally {
                post("/shop.customers-000001/_open");
            }

            Set<String> missing = new TreeSet<>(fromTheServices);
            missing.removeAll(exported);
            assertEquals(Set.of(), missing, "metrics read by deploy/monitoring but exported by neither service"
                    + " (exported: " + exported + ")");
            Set<String> allowedButExported = new TreeSet<>(NOT_FROM_THE_SERVICES.keySet());
            allowedButExported.retainAll(exported);
            assertEquals(Set.of(), allowedButExported, "allow-listed names a service does export: remove them");
        }
    }

    private void post(String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(elasticsearch.url() + path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
    }

    /** The names both services export, once they include {@code expected} or when the wait is over. */
    private static Set<String> awaitExported(ScrapedPipeline pipeline, Set<String> expected) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Set<String> exported = new TreeSet<>(PrometheusScrape.sampleNames(pipeline.scrapeProducer()));
            exported.addAll(PrometheusScrape.sampleNames(pipeline.scrapeSubscriber()));
            if (exported.containsAll(expected) || System.nanoTime() > deadline) {
                return exported;
            }
            Thread.sleep(250);
        }
    }

    /** The first change the producer published; waits for it. */
    private ConsumerRecord<byte[], byte[]> firstRecordOf(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            consumer.assign(IntStream.range(0, ScrapedPipeline.PARTITIONS)
                    .mapToObj(partition -> new TopicPartition(topic, partition)).toList());
            consumer.seekToBeginning(consumer.assignment());
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (!records.isEmpty()) {
                    return records.iterator().next();
                }
            }
        }
        throw new AssertionError("the producer published nothing to " + topic + " within " + WAIT);
    }

    /** The producer's at-least-once resend: Elasticsearch already holds a newer version, a version conflict. */
    private void sendAgain(ConsumerRecord<byte[], byte[]> change) throws Exception {
        send(new ProducerRecord<>(change.topic(), change.partition(), change.key(), change.value()));
    }

    /** A record no subscriber can read, for the dead-letter topic. */
    private void sendNotAChangeEvent(String topic) throws Exception {
        send(new ProducerRecord<>(topic, 0, "no key".getBytes(StandardCharsets.UTF_8),
                "not a change event".getBytes(StandardCharsets.UTF_8)));
    }

    private void send(ProducerRecord<byte[], byte[]> record) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            producer.send(record).get(30, TimeUnit.SECONDS);
        }
    }
}
