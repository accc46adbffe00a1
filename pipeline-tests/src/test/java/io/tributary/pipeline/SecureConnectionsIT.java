package io.tributary.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.localstack.LocalCertificates;
import io.tributary.localstack.LocalStack;
import io.tributary.localstack.LocalStackExtension;
import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.RunningPostgres;
import io.tributary.localstack.SaslSslListener;
import io.tributary.localstack.testkit.DocumentReader;
import io.tributary.localstack.testkit.TestDatabase;
import io.tributary.model.ChangeEventJson;
import io.tributary.producer.EtlProducer;
import io.tributary.producer.ProducerSettings;
import io.tributary.producer.replication.ServerChecks;
import io.tributary.subscriber.EsSubscriber;
import io.tributary.subscriber.SubscriberSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both services over secured connections, configured as users configure them (HOCON files and TRIBUTARY_*
 * variables): PostgreSQL with {@code ssl = on} and a CA made at startup ({@link LocalStack#postgresWithTls()}),
 * Kafka's SASL_SSL listener with a SCRAM user ({@link RunningKafka#saslSsl()}). A wrong CA or password stops a
 * service at startup with a message that says what failed and which setting to check.
 */
@ExtendWith(LocalStackExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SecureConnectionsIT {

    private static final Duration STARTUP_FAILURE_BOUND = Duration.ofSeconds(60);

    private final RunningPostgres postgres = LocalStack.postgresWithTls();
    private final LocalCertificates postgresCertificates = postgres.certificates();
    private final SaslSslListener kafka;
    private final RunningElasticsearch elasticsearch;
    private final DocumentReader documents;
    @TempDir
    Path directory;
    private TestDatabase database;
    private EtlProducer producer;
    private EsSubscriber subscriber;

    SecureConnectionsIT(RunningKafka kafka, RunningElasticsearch elasticsearch) {
        this.kafka = kafka.saslSsl();
        this.elasticsearch = elasticsearch;
        this.documents = new DocumentReader(elasticsearch, ChangeEventJson.mapper());
    }

    @BeforeEach
    void createDatabase() throws Exception {
        database = TestDatabase.createUnique(postgres, "secure");
        database.createSchema("shop", "CREATE TABLE shop.items (id int PRIMARY KEY, name text NOT NULL)",
                "INSERT INTO shop.items VALUES (1, 'read by the snapshot')");
    }

    @AfterEach
    void stopServices() throws Exception {
        if (subscriber != null) {
            subscriber.close();
        }
        if (producer != null) {
            producer.close();
        }
    }

    @Test
    void rowsStreamFromVerifyFullPostgresThroughSaslSslKafkaIntoElasticsearch() throws Exception {
        documents.deleteIndices("shop.items-000001,items_joined-000001");
        producer = new EtlProducer(producerSettings(postgresCertificates.caCertificate(), kafka.password()),
                new SimpleMeterRegistry());
        producer.start();
        subscriber = new EsSubscriber(subscriberSettings(kafka.password()), new SimpleMeterRegistry());
        subscriber.start();
        database.sql("INSERT INTO shop.items VALUES (2, 'streamed')");

        assertEquals("read by the snapshot", awaitDocument("shop.items", 1).get("name").asText());
        assertEquals("streamed", awaitDocument("shop.items", 2).get("name").asText());
        assertEquals("streamed", awaitDocument("items_joined", 2).get("name").asText(),
                "the subscriber's joined documents are read from PostgreSQL over verify-full");
        assertEquals(Map.of("tributary-etl-producer-stream", true), tlsOfSessions("tributary-etl-producer-stream"),
                "the replication connection is TLS");
    }

    @Test
    void aCaThatDidNotSignPostgresCertificateStopsTheProducerAtStartupSayingItIsTls() {
        producer = new EtlProducer(producerSettings(postgresCertificates.unrelatedCaCertificate(), kafka.password()),
                new SimpleMeterRegistry());

        IllegalStateException error = assertTimeoutPreemptively(STARTUP_FAILURE_BOUND,
                () -> assertThrows(IllegalStateException.class, producer::start));

        assertTrue(error.getMessage().startsWith("the TLS handshake with PostgreSQL at " + postgresUrl()
                + " failed"), error.getMessage());
        assertTrue(error.getMessage().contains("check tributary.postgres.ssl.root-cert"), error.getMessage());
    }

    @Test
    void requireWithoutACaFileConnectsOverTlsAndDisableWithout() throws Exception {
        assertTrue(sessionIsTls("require"), "a require session is TLS");
        assertFalse(sessionIsTls("disable"), "a disable session is not TLS (the server offers it)");
    }

    /** Whether a producer connection with {@code ssl.mode = mode} (and no CA file) is TLS, as the server sees it. */
    private boolean sessionIsTls(String mode) throws Exception {
        ProducerSettings settings = load("producer-" + mode + ".conf", """
                tributary.postgres { url = "%s", user = postgres, tables = "shop.items", ssl.mode = %s }
                tributary.kafka.bootstrap-servers = "%s"
                """.formatted(postgresUrl(), mode, kafka.bootstrapServers()), Map.of(), ProducerSettings::load);
        try (Connection connection = ServerChecks.connect(settings.source().endpoint());
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(
                     "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            assertTrue(result.next());
            return result.getBoolean(1);
        }
    }

    @Test
    void aWrongKafkaPasswordStopsBothServicesAtStartupNamingTheSettings() {
        producer = new EtlProducer(producerSettings(postgresCertificates.caCertificate(), "not-the-password"),
                new SimpleMeterRegistry());
        subscriber = new EsSubscriber(subscriberSettings("not-the-password"), new SimpleMeterRegistry());

        for (ThrowingStart service : new ThrowingStart[] {producer::start, subscriber::start}) {
            IllegalStateException error = assertTimeoutPreemptively(STARTUP_FAILURE_BOUND,
                    () -> assertThrows(IllegalStateException.class, service::start));
            assertTrue(error.getMessage().contains("Kafka at " + kafka.bootstrapServers() + " refused the login"),
                    error.getMessage());
            assertTrue(error.getMessage().contains("check tributary.kafka.sasl.username,"
                    + " tributary.kafka.sasl.password"), error.getMessage());
            assertFalse(error.getMessage().contains("not-the-password"), error.getMessage());
        }
    }

    @Test
    void aCaThatDidNotSignTheBrokersCertificateStopsTheProducerSayingItIsTls() throws Exception {
        ProducerSettings wrongCa = load("producer-wrong-ca.conf", producerConfig(postgresCertificates.caCertificate())
                        + "tributary.kafka.ssl.ca-file = \"" + kafka.certificates().unrelatedCaCertificate() + "\"\n",
                Map.of("TRIBUTARY_KAFKA_SASL_PASSWORD", kafka.password()), ProducerSettings::load);
        producer = new EtlProducer(wrongCa, new SimpleMeterRegistry());

        IllegalStateException error = assertTimeoutPreemptively(STARTUP_FAILURE_BOUND,
                () -> assertThrows(IllegalStateException.class, producer::start));

        assertTrue(error.getMessage().contains("the TLS handshake with Kafka at " + kafka.bootstrapServers()
                + " failed"), error.getMessage());
        assertTrue(error.getMessage().contains("check tributary.kafka.ssl.ca-file"), error.getMessage());
    }

    /** A service's start, which may throw. */
    private interface ThrowingStart {
        void start() throws Exception;
    }

    private String postgresUrl() {
        return database.jdbcUrl();
    }

    private String producerConfig(Path postgresCa) {
        return """
                tributary {
                  postgres {
                    url = "%s"
                    user = postgres
                    slot = "slot_%s"
                    publication = "pub_%s"
                    tables = "shop.items"
                    ssl { mode = verify-full, root-cert = "%s" }
                  }
                  kafka {
                    bootstrap-servers = "%s"
                    topic = "secure-%s"
                    partitions = 1
                    security-protocol = SASL_SSL
                    sasl { mechanism = SCRAM-SHA-512, username = "%s" }
                    ssl.ca-file = "%s"
                  }
                  http.port = 0
                }
                """.formatted(postgresUrl(), database.name(), database.name(), postgresCa, kafka.bootstrapServers(),
                database.name(),
                kafka.username(), kafka.certificates().caCertificate());
    }

    /** The producer's settings as loaded from a file, the SASL password from the environment. */
    private ProducerSettings producerSettings(Path postgresCa, String kafkaPassword) {
        return load("producer.conf", producerConfig(postgresCa),
                Map.of("TRIBUTARY_KAFKA_SASL_PASSWORD", kafkaPassword), ProducerSettings::load);
    }

    private SubscriberSettings subscriberSettings(String kafkaPassword) {
        return load("subscriber.conf", """
                tributary {
                  kafka {
                    bootstrap-servers = "%s"
                    topic = "secure-%s"
                    group-id = "group-%s"
                    security-protocol = SASL_SSL
                    sasl { mechanism = SCRAM-SHA-256, username = "%s" }
                    ssl.ca-file = "%s"
                  }
                  elasticsearch.urls = "%s"
                  postgres {
                    url = "%s"
                    user = postgres
                    publication = "pub_%s"
                    ssl { mode = verify-full, root-cert = "%s" }
                  }
                  documents.items_joined.root = "shop.items"
                  http.port = 0
                }
                """.formatted(kafka.bootstrapServers(), database.name(), database.name(), kafka.username(),
                kafka.certificates().caCertificate(), elasticsearch.url(), postgresUrl(), database.name(),
                postgresCertificates.caCertificate()),
                Map.of("TRIBUTARY_KAFKA_SASL_PASSWORD", kafkaPassword), SubscriberSettings::load);
    }

    private interface Loader<S> {
        S load(Path file, Map<String, String> environment);
    }

    private <S> S load(String name, String hocon, Map<String, String> environment, Loader<S> loader) {
        try {
            return loader.load(Files.writeString(directory.resolve(name), hocon), environment);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private JsonNode awaitDocument(String index, int id) {
        return documents.awaitSource(index, String.valueOf(id), source -> source.has("name"), Duration.ofSeconds(60));
    }

    /** Whether each session of {@code applicationName} on the server is TLS, by application name. */
    private Map<String, Boolean> tlsOfSessions(String applicationName) throws Exception {
        try (Connection connection = plainConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT a.application_name, bool_and(s.ssl)"
                     + " FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid)"
                     + " WHERE a.application_name = '" + applicationName + "' GROUP BY 1")) {
            Map<String, Boolean> tls = new java.util.TreeMap<>();
            while (result.next()) {
                tls.put(result.getString(1), result.getBoolean(2));
            }
            return tls;
        }
    }

    private Connection plainConnection() throws Exception {
        Properties properties = new Properties();
        properties.setProperty("user", postgres.user());
        properties.setProperty("password", postgres.password());
        properties.setProperty("sslmode", "disable");
        return DriverManager.getConnection(postgresUrl(), properties);
    }
}
