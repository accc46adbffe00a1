package io.tributary.producer;

import com.typesafe.config.Config;
import io.tributary.config.ConfigLoader;
import io.tributary.config.SettingsReader;
import io.tributary.model.TableId;
import io.tributary.producer.replication.PostgresEndpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything the producer is configured with, read and validated once at startup. The keys, their defaults and
 * descriptions are in {@code io/tributary/producer/reference.conf}; README.md lists them.
 */
public record ProducerSettings(
        PostgresEndpoint postgres,
        String slot,
        String publication,
        List<TableId> tables,
        Duration statusInterval,
        String kafkaBootstrapServers,
        String topic,
        int partitions,
        int replicationFactor,
        long maxUnacknowledgedEvents,
        Map<String, String> kafkaProperties,
        int httpPort) {

    public static final String REFERENCE = "io/tributary/producer/reference.conf";

    public ProducerSettings {
        tables = List.copyOf(tables);
        kafkaProperties = Map.copyOf(kafkaProperties);
    }

    /** @throws io.tributary.config.InvalidConfigException naming the key at fault */
    public static ProducerSettings load(Path configFile, Map<String, String> environment) {
        return from(ConfigLoader.load(REFERENCE, configFile, environment));
    }

    static ProducerSettings from(Config config) {
        SettingsReader read = new SettingsReader(config);
        String url = read.requiredString("tributary.postgres.url");
        if (!url.startsWith("jdbc:postgresql://")) {
            throw read.invalid("tributary.postgres.url", "must look like jdbc:postgresql://host:5432/database, got '"
                    + url + "'");
        }
        String slot = read.requiredString("tributary.postgres.slot");
        if (!slot.matches("[a-z0-9_]{1,63}")) {
            throw read.invalid("tributary.postgres.slot", "must be 1 to 63 lower-case letters, digits or underscores"
                    + " (PostgreSQL's rule for slot names), got '" + slot + "'");
        }
        List<TableId> tables = read.stringList("tributary.postgres.tables", 1).stream()
                .map(name -> {
                    try {
                        return TableId.parse(name);
                    } catch (IllegalArgumentException e) {
                        throw read.invalid("tributary.postgres.tables", e.getMessage());
                    }
                }).toList();
        return new ProducerSettings(
                new PostgresEndpoint(url, read.requiredString("tributary.postgres.user"),
                        read.optionalString("tributary.postgres.password").orElse("")),
                slot,
                read.requiredString("tributary.postgres.publication"),
                tables,
                read.durationAtLeast("tributary.postgres.status-interval", Duration.ofMillis(100)),
                read.requiredString("tributary.kafka.bootstrap-servers"),
                read.requiredString("tributary.kafka.topic"),
                read.intBetween("tributary.kafka.partitions", 1, 100_000),
                read.intBetween("tributary.kafka.replication-factor", -1, 32),
                read.intBetween("tributary.kafka.max-unacknowledged-events", 1, 10_000_000),
                read.flatStringMap("tributary.kafka.properties"),
                read.intBetween("tributary.http.port", 0, 65_535));
    }
}
