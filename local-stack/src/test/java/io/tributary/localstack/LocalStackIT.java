package io.tributary.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;

@ExtendWith(LocalStackExtension.class)
class LocalStackIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void postgresAcceptsJdbcAndStreamsFromAPgoutputSlot(RunningPostgres postgres) throws Exception {
        String url = postgres.createDatabase("logical_it");
        assertEquals(17, postgres.majorVersion());
        assertTrue(Files.exists(postgres.logFile()), postgres.logFile().toString());

        try (Connection connection = DriverManager.getConnection(url, postgres.user(), postgres.password());
                Statement statement = connection.createStatement()) {
            assertEquals("logical", singleValue(statement, "SHOW wal_level"));
            statement.execute("CREATE TABLE orders (id bigint PRIMARY KEY, note text)");
            statement.execute("CREATE PUBLICATION orders_pub FOR TABLE orders");
        }

        try (Connection replication = DriverManager.getConnection(url, replicationProperties(postgres))) {
            PGConnection pg = replication.unwrap(PGConnection.class);
            pg.getReplicationAPI().createReplicationSlot().logical()
                    .withSlotName("it_slot").withOutputPlugin("pgoutput").make();
            try (PGReplicationStream stream = pg.getReplicationAPI().replicationStream().logical()
                    .withSlotName("it_slot")
                    .withSlotOption("proto_version", 1)
                    .withSlotOption("publication_names", "orders_pub")
                    .start()) {
                ByteBuffer message = stream.readPending();
                assertNull(message, "nothing was written, so nothing is streamed");
            }
        }
        try (Connection connection = DriverManager.getConnection(url, postgres.user(), postgres.password());
                Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_drop_replication_slot('it_slot')");
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void postgresKeepsItsDataAcrossStopAndStart(RunningPostgres postgres) throws SQLException {
        String url = postgres.createDatabase("restart_it");
        int port = postgres.port();
        try (Connection connection = DriverManager.getConnection(url, postgres.user(), postgres.password());
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE kept (id int)");
            statement.execute("INSERT INTO kept VALUES (42)");
        }

        postgres.stop();
        postgres.start();

        assertEquals(port, postgres.port());
        try (Connection connection = DriverManager.getConnection(url, postgres.user(), "any password");
                Statement statement = connection.createStatement()) {
            assertEquals("42", singleValue(statement, "SELECT id FROM kept"));
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void kafkaProducesAndConsumesOnAThreePartitionTopic(RunningKafka kafka) throws Exception {
        kafka.createTopic("local-stack-it", 3);

        RecordMetadata sent = produce(kafka, "local-stack-it", 2, "key", "value");
        List<ConsumerRecord<String, String>> received = consumeAll(kafka, "local-stack-it", 3, 1);

        assertEquals(2, sent.partition());
        assertEquals(1, received.size());
        assertEquals("value", received.get(0).value());
        assertEquals(2, received.get(0).partition());
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void kafkaKeepsItsRecordsWhenKilledAndStartedAgain(RunningKafka kafka) throws Exception {
        kafka.createTopic("local-stack-kill-it", 1);
        produce(kafka, "local-stack-kill-it", 0, "before", "kill");

        kafka.kill();
        kafka.start();

        produce(kafka, "local-stack-kill-it", 0, "after", "restart");
        List<ConsumerRecord<String, String>> received = consumeAll(kafka, "local-stack-kill-it", 1, 2);
        assertEquals(List.of("kill", "restart"), received.stream().map(ConsumerRecord::value).toList());
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void elasticsearchIndexesWithExternalVersionsAndKeepsThemAcrossRestart(RunningElasticsearch elasticsearch)
            throws Exception {
        String doc = elasticsearch.url() + "/local-stack-it/_doc/1";

        assertEquals(201, send("PUT", doc + "?version=5&version_type=external&refresh=true", "{\"n\":1}").statusCode());
        assertEquals(409, send("PUT", doc + "?version=4&version_type=external", "{\"n\":0}").statusCode());
        HttpResponse<String> read = send("GET", doc, null);
        assertEquals(200, read.statusCode());
        assertTrue(read.body().contains("\"_version\":5"), read.body());

        elasticsearch.stop();
        elasticsearch.start();

        HttpResponse<String> afterRestart = send("GET", doc, null);
        assertEquals(200, afterRestart.statusCode(), afterRestart.body());
        assertTrue(afterRestart.body().contains("\"n\":1"), afterRestart.body());
    }

    private static String singleValue(Statement statement, String sql) throws SQLException {
        try (ResultSet result = statement.executeQuery(sql)) {
            assertTrue(result.next(), sql);
            return result.getString(1);
        }
    }

    private static Properties replicationProperties(RunningPostgres postgres) {
        Properties properties = new Properties();
        PGProperty.USER.set(properties, postgres.user());
        PGProperty.PASSWORD.set(properties, postgres.password());
        PGProperty.REPLICATION.set(properties, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "10");
        PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
        return properties;
    }

    private static RecordMetadata produce(RunningKafka kafka, String topic, int partition, String key, String value)
            throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            return producer.send(new ProducerRecord<>(topic, partition, key, value)).get(60, TimeUnit.SECONDS);
        }
    }

    /** Reads every partition of {@code topic} from the beginning until {@code expected} records arrived. */
    private static List<ConsumerRecord<String, String>> consumeAll(RunningKafka kafka, String topic, int partitions,
            int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> all = new ArrayList<>();
            for (int partition = 0; partition < partitions; partition++) {
                all.add(new TopicPartition(topic, partition));
            }
            consumer.assign(all);
            consumer.seekToBeginning(all);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (received.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(received::add);
            }
        }
        return received;
    }

    private static HttpResponse<String> send(String method, String url, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
