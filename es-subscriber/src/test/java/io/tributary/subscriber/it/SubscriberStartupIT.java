package io.tributary.subscriber.it;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.config.InvalidConfigException;
import io.tributary.index.SearchEngine;
import io.tributary.localstack.LocalStackExtension;
import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.SearchEngineDistribution;
import io.tributary.subscriber.EsSubscriber;
import io.tributary.subscriber.SubscriberSettings;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The subscriber's startup checks: each failure says what is wrong and which setting to look at. */
@ExtendWith(LocalStackExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SubscriberStartupIT {

    /** Settings with {@code hocon} (lines of HOCON) over them. */
    private static SubscriberSettings settings(String bootstrap, String topic, String elasticsearch, String user,
                                               String... hocon) {
        return SubscriberSettings.of(ConfigFactory.parseString(String.join("\n", hocon)).withFallback(
                ConfigFactory.parseString("""
                        tributary.kafka { bootstrap-servers = "%s", topic = "%s", group-id = "startup-%d" }
                        tributary.elasticsearch { urls = "%s", username = "%s", password = "%s" }
                        tributary.elasticsearch.retry { initial-backoff = 100ms, max-backoff = 1s }
                        tributary.http.port = 0
                        """.formatted(bootstrap, topic, System.nanoTime(), elasticsearch, user,
                        user.isEmpty() ? "" : "wrong"))));
    }

    private static String startFailure(SubscriberSettings settings) {
        EsSubscriber subscriber = new EsSubscriber(settings, new SimpleMeterRegistry());
        return assertThrows(IllegalStateException.class, subscriber::start).getMessage();
    }

    @Test
    void unreachableElasticsearchNamesTheUrlsSetting(RunningKafka kafka) {
        String message = startFailure(settings(kafka.bootstrapServers(), "t", "http://127.0.0.1:1", ""));
        assertTrue(message.contains("Elasticsearch at [http://127.0.0.1:1] does not answer")
                && message.contains("tributary.elasticsearch.urls"), message);
    }

    @Test
    void refusedCredentialsNameTheUserAndTheSettings(RunningKafka kafka) throws Exception {
        HttpServer secured = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        secured.createContext("/", exchange -> {
            byte[] body = ("{\"error\":{\"root_cause\":[],\"type\":\"security_exception\","
                    + "\"reason\":\"unable to authenticate user [ingest]\"},\"status\":401}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("X-elastic-product", "Elasticsearch");
            exchange.sendResponseHeaders(401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        secured.start();
        try {
            String message = startFailure(settings(kafka.bootstrapServers(), "t",
                    "http://127.0.0.1:" + secured.getAddress().getPort(), "ingest"));
            assertTrue(message.contains("refused the credentials of user ingest (HTTP 401)")
                    && message.contains("tributary.elasticsearch.username and password"), message);
        } finally {
            secured.stop(0);
        }
    }

    @Test
    void missingTopicSaysToStartTheProducerFirst(RunningKafka kafka, RunningElasticsearch elasticsearch) {
        String topic = "no-such-topic-" + System.nanoTime();
        String message = startFailure(settings(kafka.bootstrapServers(), topic, elasticsearch.url(), ""));
        assertTrue(message.contains("topic " + topic + " does not exist") && message.contains("etl-producer"), message);
    }

    @Test
    void aConfiguredEngineTheClusterContradictsStopsStartupNamingTheKey(RunningKafka kafka,
                                                                       RunningElasticsearch elasticsearch) {
        boolean openSearch = elasticsearch.distribution() == SearchEngineDistribution.OPENSEARCH_2;
        SubscriberSettings wrongEngine = settings(kafka.bootstrapServers(), "t", elasticsearch.url(), "",
                "tributary.elasticsearch.engine = " + (openSearch ? "elasticsearch" : "opensearch"));

        String message = assertThrows(InvalidConfigException.class,
                () -> new EsSubscriber(wrongEngine, new SimpleMeterRegistry()).start()).getMessage();

        assertTrue(message.contains("tributary.elasticsearch.engine is " + (openSearch ? "elasticsearch" : "opensearch")
                + ", but the cluster at [" + elasticsearch.url() + "] is "
                + (openSearch ? "OpenSearch" : "Elasticsearch")), message);
    }

    @Test
    void unreachableKafkaNamesTheBootstrapSetting(RunningElasticsearch elasticsearch) {
        String message = startFailure(settings("127.0.0.1:1", "t", elasticsearch.url(), ""));
        assertTrue(message.contains("Kafka at 127.0.0.1:1 did not answer")
                && message.contains("tributary.kafka.bootstrap-servers"), message);
    }
}
