package io.tributary.subscriber.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.index.ElasticsearchClientFactory;
import io.tributary.localstack.LocalStackExtension;
import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.SecuredElasticsearch;
import io.tributary.localstack.TestCertificates;
import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import io.tributary.subscriber.EsSubscriber;
import io.tributary.subscriber.SubscriberSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The subscriber against a secured Elasticsearch node (security on, HTTPS with a CA of its own, a file-realm user),
 * configured as a user would: a config file and {@code TRIBUTARY_*} variables, secrets from files. API keys and
 * bearer tokens go through an {@link AuthGateway} with the node's certificate, since the test node cannot issue
 * them. One secured node for the whole class.
 */
@ExtendWith(LocalStackExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SecuredElasticsearchIT {

    private static AuthGateway gateway;

    @TempDir
    Path dir;

    private final RunningKafka kafka;
    private final SecuredElasticsearch node;

    SecuredElasticsearchIT(RunningKafka kafka, SecuredElasticsearch node) {
        this.kafka = kafka;
        this.node = node;
    }

    @BeforeAll
    static void startGateway(SecuredElasticsearch node) throws Exception {
        gateway = new AuthGateway(node);
    }

    @AfterAll
    static void stopGateway() {
        gateway.close();
    }

    @Test
    void appliesAChangeOverHttpsTrustingTheCaFileWithThePasswordFromAFile() throws Exception {
        Path password = Files.writeString(dir.resolve("password"), node.password() + "\n");

        assertApplied("ca_file", node.url(), Map.of(
                "TRIBUTARY_ELASTICSEARCH_USERNAME", node.username(),
                "TRIBUTARY_ELASTICSEARCH_PASSWORD_FILE", password.toString(),
                "TRIBUTARY_ELASTICSEARCH_TLS_CA_FILE", node.certificates().caCertificate().toString()));
    }

    @Test
    void appliesAChangeTrustingTheCaFingerprint() throws Exception {
        assertApplied("fingerprint", node.url(), Map.of(
                "TRIBUTARY_ELASTICSEARCH_USERNAME", node.username(),
                "TRIBUTARY_ELASTICSEARCH_PASSWORD", node.password(),
                "TRIBUTARY_ELASTICSEARCH_TLS_FINGERPRINT", colonSeparated(node.caFingerprint())));
    }

    @Test
    void appliesAChangeWithAnApiKeyAndWithABearerToken() throws Exception {
        Path apiKey = Files.writeString(dir.resolve("api-key"), gateway.apiKey());
        String ca = node.certificates().caCertificate().toString();

        assertApplied("api_key", gateway.url(), Map.of("TRIBUTARY_ELASTICSEARCH_API_KEY_FILE", apiKey.toString(),
                "TRIBUTARY_ELASTICSEARCH_TLS_CA_FILE", ca));
        assertApplied("bearer", gateway.url(), Map.of("TRIBUTARY_ELASTICSEARCH_BEARER_TOKEN", gateway.bearerToken(),
                "TRIBUTARY_ELASTICSEARCH_TLS_CA_FILE", ca));
    }

    @Test
    void anotherCaFailsSayingTlsAndTheCaFileSetting() throws Exception {
        TestCertificates other = TestCertificates.generate(dir, "other");

        String message = startFailure(node.url(), Map.of(
                "TRIBUTARY_ELASTICSEARCH_USERNAME", node.username(),
                "TRIBUTARY_ELASTICSEARCH_PASSWORD", node.password(),
                "TRIBUTARY_ELASTICSEARCH_TLS_CA_FILE", other.caCertificate().toString()));

        assertTrue(message.startsWith("TLS with Elasticsearch at [" + node.url() + "] failed (")
                && message.contains("not signed by a CA of tributary.elasticsearch.tls.ca-file ("
                + other.caCertificate() + ")"), message);
    }

    @Test
    void anotherFingerprintFailsSayingTlsAndTheFingerprintSetting() {
        String message = startFailure(node.url(), Map.of(
                "TRIBUTARY_ELASTICSEARCH_USERNAME", node.username(),
                "TRIBUTARY_ELASTICSEARCH_PASSWORD", node.password(),
                "TRIBUTARY_ELASTICSEARCH_TLS_FINGERPRINT", "ab".repeat(32)));

        assertTrue(message.startsWith("TLS with Elasticsearch at [" + node.url() + "] failed (")
                && message.contains("tributary.elasticsearch.tls.fingerprint"), message);
    }

    @Test
    void aWrongPasswordAndAWrongApiKeyFailNamingTheirSettings() {
        String ca = node.certificates().caCertificate().toString();

        String password = startFailure(node.url(), Map.of("TRIBUTARY_ELASTICSEARCH_USERNAME", node.username(),
                "TRIBUTARY_ELASTICSEARCH_PASSWORD", "not-" + node.password(), "TRIBUTARY_ELASTICSEARCH_TLS_CA_FILE", ca));
        String apiKey = startFailure(gateway.url(), Map.of("TRIBUTARY_ELASTICSEARCH_API_KEY", "bm90OmFrZXk=",
                "TRIBUTARY_ELASTICSEARCH_TLS_CA_FILE", ca));

        assertEquals("Elasticsearch at [" + node.url() + "] refused the credentials of user " + node.username()
                + " (HTTP 401); check tributary.elasticsearch.username and password (or password-file)", password);
        assertEquals("Elasticsearch at [" + gateway.url() + "] refused the credentials of the API key (HTTP 401);"
                + " check tributary.elasticsearch.api-key (or api-key-file): the key may be wrong, expired or"
                + " invalidated", apiKey);
    }

    /** Starts a subscriber on a topic of its own, sends one change and waits until it is searchable-by-id. */
    private void assertApplied(String table, String url, Map<String, String> environment) throws Exception {
        String topic = "secured-" + table + "-" + System.nanoTime();
        kafka.createTopic(topic, 1);
        SubscriberSettings settings = settings(topic, url, environment);
        ChangeEvent event = SubscriberHarness.upsert(table, 100, "{\"id\":1,\"name\":\"over https\"}");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.send(new ProducerRecord<>(topic, ChangeEventJson.encodeKey(event), ChangeEventJson.encode(event)))
                    .get(30, TimeUnit.SECONDS);
        }
        EsSubscriber subscriber = new EsSubscriber(settings, new SimpleMeterRegistry());
        subscriber.start();
        try {
            awaitDocument(SubscriberHarness.SCHEMA + "." + table, "1");
        } finally {
            subscriber.close();
        }
    }

    private String startFailure(String url, Map<String, String> environment) {
        SubscriberSettings settings = settings("never-reached", url, environment);
        return assertThrows(IllegalStateException.class,
                () -> new EsSubscriber(settings, new SimpleMeterRegistry()).start()).getMessage();
    }

    private SubscriberSettings settings(String topic, String url, Map<String, String> environment) {
        Map<String, String> variables = new HashMap<>(environment);
        variables.put("TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        variables.put("TRIBUTARY_KAFKA_TOPIC", topic);
        variables.put("TRIBUTARY_KAFKA_GROUP_ID", "group-" + topic);
        variables.put("TRIBUTARY_ELASTICSEARCH_URLS", url);
        variables.put("TRIBUTARY_HTTP_PORT", "0");
        return SubscriberSettings.load(null, variables);
    }

    /** Reads the document back from the node itself, trusting its CA, as its superuser. */
    private void awaitDocument(String index, String id) throws Exception {
        ElasticsearchClient client = ElasticsearchClientFactory.create(SubscriberSettings.load(null, Map.of(
                "TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", "unused:9092",
                "TRIBUTARY_ELASTICSEARCH_URLS", node.url(),
                "TRIBUTARY_ELASTICSEARCH_USERNAME", node.username(),
                "TRIBUTARY_ELASTICSEARCH_PASSWORD", node.password(),
                "TRIBUTARY_ELASTICSEARCH_TLS_CA_FILE", node.certificates().caCertificate().toString()))
                .elasticsearch().connection());
        RestClient rest = ((RestClientTransport) client._transport()).restClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try {
            while (true) {
                try {
                    rest.performRequest(new Request("GET", "/" + index + "/_doc/" + id));
                    return;
                } catch (ResponseException e) {
                    int status = e.getResponse().getStatusLine().getStatusCode();
                    if (status != 404 && status != 503 || System.nanoTime() > deadline) {
                        throw e;
                    }
                }
                Thread.sleep(200);
            }
        } finally {
            client._transport().close();
        }
    }

    private static String colonSeparated(String hex) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 2) {
            text.append(i == 0 ? "" : ":").append(hex, i, i + 2);
        }
        return text.toString().toUpperCase(java.util.Locale.ROOT);
    }
}
