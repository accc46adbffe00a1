package io.tributary.subscriber;

import com.typesafe.config.Config;
import io.tributary.config.ConfigLoader;
import io.tributary.config.SettingsReader;
import io.tributary.ops.RetryBackoff;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything the subscriber is configured with, read and validated once at startup. The keys, their defaults and
 * descriptions are in {@code io/tributary/subscriber/reference.conf}; README.md lists them.
 */
public record SubscriberSettings(
        String kafkaBootstrapServers,
        String topic,
        String groupId,
        int maxPollRecords,
        Map<String, String> kafkaProperties,
        List<URI> elasticsearchUrls,
        String elasticsearchUsername,
        String elasticsearchPassword,
        RetryBackoff retryBackoff,
        int httpPort) {

    public static final String REFERENCE = "io/tributary/subscriber/reference.conf";

    public SubscriberSettings {
        kafkaProperties = Map.copyOf(kafkaProperties);
        elasticsearchUrls = List.copyOf(elasticsearchUrls);
    }

    /** @throws io.tributary.config.InvalidConfigException naming the key at fault */
    public static SubscriberSettings load(Path configFile, Map<String, String> environment) {
        return from(ConfigLoader.load(REFERENCE, configFile, environment));
    }

    static SubscriberSettings from(Config config) {
        SettingsReader read = new SettingsReader(config);
        Duration initial = read.durationAtLeast("tributary.elasticsearch.retry.initial-backoff", Duration.ofMillis(1));
        Duration max = read.durationAtLeast("tributary.elasticsearch.retry.max-backoff", Duration.ofMillis(1));
        if (max.compareTo(initial) < 0) {
            throw read.invalid("tributary.elasticsearch.retry.max-backoff", "must not be shorter than"
                    + " tributary.elasticsearch.retry.initial-backoff (" + initial.toMillis() + "ms)");
        }
        return new SubscriberSettings(
                read.requiredString("tributary.kafka.bootstrap-servers"),
                read.requiredString("tributary.kafka.topic"),
                read.requiredString("tributary.kafka.group-id"),
                read.intBetween("tributary.kafka.max-poll-records", 1, 100_000),
                read.flatStringMap("tributary.kafka.properties"),
                read.httpUrls("tributary.elasticsearch.urls"),
                read.optionalString("tributary.elasticsearch.username").orElse(""),
                read.optionalString("tributary.elasticsearch.password").orElse(""),
                new RetryBackoff(initial, max),
                read.intBetween("tributary.http.port", 0, 65_535));
    }
}
