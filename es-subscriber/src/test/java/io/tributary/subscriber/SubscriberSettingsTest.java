package io.tributary.subscriber;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.config.InvalidConfigException;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SubscriberSettingsTest {

    private static Map<String, String> requiredEnvironment() {
        Map<String, String> environment = new HashMap<>();
        environment.put("TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
        environment.put("TRIBUTARY_ELASTICSEARCH_URLS", "http://es-0:9200,http://es-1:9200");
        return environment;
    }

    @Test
    void requiredKeysFromTheEnvironmentAndDocumentedDefaults() {
        SubscriberSettings settings = SubscriberSettings.load(null, requiredEnvironment());

        assertEquals(List.of(URI.create("http://es-0:9200"), URI.create("http://es-1:9200")), settings.elasticsearchUrls());
        assertEquals("tributary-es-subscriber", settings.groupId());
        assertEquals("tributary.changes", settings.topic());
        assertEquals(8081, settings.httpPort());
        assertEquals("tributary.changes.dlq", settings.deadLetterTopic());
    }

    @Test
    void aPatternTopicNeedsADeadLetterTopicItDoesNotMatch() {
        Map<String, String> environment = requiredEnvironment();
        environment.put("TRIBUTARY_KAFKA_TOPIC", "cdc.${schema}.${table}");
        InvalidConfigException unset = assertThrows(InvalidConfigException.class,
                () -> SubscriberSettings.load(null, environment));
        assertTrue(unset.getMessage().startsWith("tributary.kafka.dead-letter-topic must be set"), unset.getMessage());

        environment.put("TRIBUTARY_KAFKA_DEAD_LETTER_TOPIC", "cdc.shop.dlq");
        InvalidConfigException matched = assertThrows(InvalidConfigException.class,
                () -> SubscriberSettings.load(null, environment));
        assertTrue(matched.getMessage().contains("would read its own dead letters"), matched.getMessage());

        environment.put("TRIBUTARY_KAFKA_DEAD_LETTER_TOPIC", "cdc-dead-letters");
        assertEquals("cdc-dead-letters", SubscriberSettings.load(null, environment).deadLetterTopic());
    }

    @Test
    void missingElasticsearchUrlsAreNamed() {
        Map<String, String> environment = requiredEnvironment();
        environment.remove("TRIBUTARY_ELASTICSEARCH_URLS");

        InvalidConfigException error = assertThrows(InvalidConfigException.class,
                () -> SubscriberSettings.load(null, environment));
        assertTrue(error.getMessage().startsWith("tributary.elasticsearch.urls is required but not set"));
        assertTrue(error.getMessage().contains("TRIBUTARY_ELASTICSEARCH_URLS"));
    }

    @Test
    void malformedUrlAndInconsistentBackoffsAreNamed() {
        Map<String, String> environment = requiredEnvironment();
        environment.put("TRIBUTARY_ELASTICSEARCH_URLS", "es-0:9200");
        InvalidConfigException url = assertThrows(InvalidConfigException.class,
                () -> SubscriberSettings.load(null, environment));
        assertTrue(url.getMessage().contains("'es-0:9200' is not an http:// or https:// URL"), url.getMessage());

        Map<String, String> backoffs = requiredEnvironment();
        backoffs.put("TRIBUTARY_ELASTICSEARCH_RETRY_MAX_BACKOFF", "10ms");
        InvalidConfigException retry = assertThrows(InvalidConfigException.class,
                () -> SubscriberSettings.load(null, backoffs));
        assertTrue(retry.getMessage().startsWith("tributary.elasticsearch.retry.max-backoff must not be shorter"),
                retry.getMessage());
    }
}
