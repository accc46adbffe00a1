package io.tributary.subscriber;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Elasticsearch is checked before anything else at startup: an answer of 401 (who are you?) and one of 403 (you may
 * not) need different fixes, so they get different messages. Elasticsearch's answers are played by a local HTTP
 * server; Kafka is never reached.
 */
class ElasticsearchStartupCheckTest {

    private HttpServer server;

    /** Answers every request with {@code status} and a security_exception body. */
    private String answering(int status, String reason) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = ("{\"error\":{\"root_cause\":[],\"type\":\"security_exception\",\"reason\":\"" + reason
                    + "\"},\"status\":" + status + "}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("X-elastic-product", "Elasticsearch");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static String startFailure(String url, String user) {
        SubscriberSettings settings = SubscriberSettings.of(ConfigFactory.parseString("""
                tributary.kafka { bootstrap-servers = "127.0.0.1:1", topic = t, group-id = startup }
                tributary.elasticsearch { urls = "%s", username = "%s", password = "%s" }
                tributary.elasticsearch.retry { initial-backoff = 100ms, max-backoff = 1s }
                tributary.http.port = 0
                """.formatted(url, user, user.isEmpty() ? "" : "secret")));
        return assertThrows(IllegalStateException.class,
                () -> new EsSubscriber(settings, new SimpleMeterRegistry()).start()).getMessage();
    }

    @Test
    void aUserWithoutTheMonitorPrivilegeIsToldWhichPrivilegeNotToCheckItsPassword() throws IOException {
        String url = answering(403, "action [cluster:monitor/health] is unauthorized for user [ingest]");

        assertEquals("Elasticsearch at [" + url + "] denied user ingest GET /_cluster/health (HTTP 403): grant a"
                + " role of user ingest the monitor cluster privilege, or check tributary.elasticsearch.username",
                startFailure(url, "ingest"));
    }

    @Test
    void wrongCredentialsNameTheUserAndTheSettings() throws IOException {
        String url = answering(401, "unable to authenticate user [ingest]");

        assertEquals("Elasticsearch at [" + url + "] refused the credentials of user ingest (HTTP 401); check"
                + " tributary.elasticsearch.username and password (or password-file)", startFailure(url, "ingest"));
        assertEquals("Elasticsearch at [" + url + "] refused requests without credentials (HTTP 401); check"
                + " tributary.elasticsearch.username and password, tributary.elasticsearch.api-key or"
                + " tributary.elasticsearch.bearer-token (or their -file settings)", startFailure(url, ""));
    }
}
