package io.tributary.subscriber;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.tributary.config.ConfigLoader;
import io.tributary.config.KafkaSecurity;
import io.tributary.config.SettingsReader;
import io.tributary.documents.DocumentSettings;
import io.tributary.index.ElasticsearchConnection;
import io.tributary.index.SearchEngine;
import io.tributary.index.mapping.TableMapping;
import io.tributary.index.mapping.TableSettingsReader;
import io.tributary.model.TableId;
import io.tributary.ops.RetryBackoff;
import io.tributary.subscriber.apply.SweepSettings;
import io.tributary.subscriber.consume.TopicNames;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Everything the subscriber is configured with, read and validated once at startup. The keys, their defaults and
 * descriptions are in {@code io/tributary/subscriber/reference.conf}; docs/configuration.md lists them.
 *
 * @param kafkaProperties the Kafka client properties of every client: {@link KafkaSecurity}'s, with
 *                        {@code tributary.kafka.properties} over them
 * @param elasticsearch   the node URLs, authentication and TLS trust ({@code tributary.elasticsearch.urls},
 *                        {@code username}/{@code password}, {@code api-key}, {@code bearer-token}, {@code tls})
 * @param deadLetterTopic where records that cannot be applied go; never the consumed topic nor matched by its
 *                        pattern (the subscriber would read its own dead letters)
 * @param tables          the configured tables ({@code tributary.tables}); a table without an entry is mapped by
 *                        {@link TableMapping#defaults}
 * @param bulk            how records are gathered into bulk requests ({@code tributary.elasticsearch.bulk})
 * @param deletes         how long delete markers are kept ({@code tributary.elasticsearch.deletes})
 * @param documents       joined documents ({@code tributary.documents}, {@code tributary.postgres},
 *                        {@code tributary.document-rebuild})
 * @param sweeps          how truncates and sweeps mark documents ({@code tributary.elasticsearch.sweep})
 * @param engine          the search engine ({@code tributary.elasticsearch.engine}); empty for {@code auto}, detected
 *                        at startup
 */
public record SubscriberSettings(
        String kafkaBootstrapServers,
        String topic,
        String deadLetterTopic,
        String groupId,
        int maxPollRecords,
        Map<String, String> kafkaProperties,
        ElasticsearchConnection elasticsearch,
        RetryBackoff retryBackoff,
        int httpPort,
        Map<TableId, TableMapping> tables,
        Bulk bulk,
        Deletes deletes,
        DocumentSettings documents,
        SweepSettings sweeps,
        Optional<SearchEngine> engine) {

    public static final String REFERENCE = ConfigLoader.SUBSCRIBER_REFERENCE;
    private static final String DEAD_LETTER_KEY = "tributary.kafka.dead-letter-topic";
    private static final Pattern LEGAL_TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final String BULK = "tributary.elasticsearch.bulk.";
    private static final String DELETES = "tributary.elasticsearch.deletes.";
    private static final String SWEEP = "tributary.elasticsearch.sweep.";

    /**
     * {@code tributary.elasticsearch.bulk}: how records become bulk requests.
     *
     * @param maxActions  operations per bulk request at most; also how many records are gathered before applying
     * @param maxBytes    the estimated body size of one bulk request at most (a single larger write goes alone)
     * @param maxWait     how long to keep polling for more records when fewer than {@code maxActions} arrived
     * @param concurrency how many bulk requests (of different partitions) may run at once
     */
    public record Bulk(int maxActions, long maxBytes, Duration maxWait, int concurrency) {

        /** The defaults of reference.conf. */
        public static final Bulk DEFAULTS = new Bulk(2000, 5_000_000, Duration.ofMillis(50), 2);
    }

    /**
     * {@code tributary.elasticsearch.deletes}: deleted rows are kept as delete markers, so that no older change can
     * bring them back, until no such change can arrive any more.
     *
     * @param keepFor       how long after its delete a marker is removed; empty: the topic's {@code retention.ms} +
     *                      {@code segment.ms}, read at startup; {@link #FOREVER}: never
     * @param purgeInterval how often markers past {@code keepFor} are looked for
     */
    public record Deletes(Optional<Duration> keepFor, Duration purgeInterval) {

        /** Markers are never removed. */
        public static final Duration FOREVER = Duration.ofSeconds(Long.MAX_VALUE);

        /** The defaults of reference.conf. */
        public static final Deletes DEFAULTS = new Deletes(Optional.empty(), Duration.ofHours(1));
    }

    public SubscriberSettings {
        kafkaProperties = KafkaSecurity.hidingSecrets(kafkaProperties); // a copy whose toString hides logins
        tables = Map.copyOf(tables);
        deadLetterProblem(topic, deadLetterTopic).ifPresent(problem -> {
            throw new IllegalArgumentException("dead-letter topic '" + deadLetterTopic + "' " + problem);
        });
    }

    /** The settings with the default {@link Bulk} limits. */
    public SubscriberSettings(String kafkaBootstrapServers, String topic, String deadLetterTopic, String groupId,
                              int maxPollRecords, Map<String, String> kafkaProperties, List<URI> elasticsearchUrls,
                              String elasticsearchUsername, String elasticsearchPassword, RetryBackoff retryBackoff,
                              int httpPort, Map<TableId, TableMapping> tables) {
        this(kafkaBootstrapServers, topic, deadLetterTopic, groupId, maxPollRecords, kafkaProperties,
                ElasticsearchConnection.basic(elasticsearchUrls, elasticsearchUsername, elasticsearchPassword),
                retryBackoff, httpPort, tables, Bulk.DEFAULTS, Deletes.DEFAULTS, DocumentSettings.NONE,
                SweepSettings.DEFAULTS, Optional.empty());
    }

    /** The Elasticsearch node URLs. */
    public List<URI> elasticsearchUrls() {
        return elasticsearch.urls();
    }

    /** These settings with {@code elasticsearch} instead of their own. */
    public SubscriberSettings withElasticsearch(ElasticsearchConnection elasticsearch) {
        return new SubscriberSettings(kafkaBootstrapServers, topic, deadLetterTopic, groupId, maxPollRecords,
                kafkaProperties, elasticsearch, retryBackoff, httpPort, tables, bulk, deletes, documents, sweeps,
                engine);
    }

    /** These settings with {@code bulk} instead of their own. */
    public SubscriberSettings withBulk(Bulk bulk) {
        return new SubscriberSettings(kafkaBootstrapServers, topic, deadLetterTopic, groupId, maxPollRecords,
                kafkaProperties, elasticsearch, retryBackoff, httpPort, tables, bulk, deletes, documents, sweeps,
                engine);
    }

    /** These settings with {@code deletes} instead of their own. */
    public SubscriberSettings withDeletes(Deletes deletes) {
        return new SubscriberSettings(kafkaBootstrapServers, topic, deadLetterTopic, groupId, maxPollRecords,
                kafkaProperties, elasticsearch, retryBackoff, httpPort, tables, bulk, deletes, documents, sweeps,
                engine);
    }

    /** These settings with {@code documents} instead of their own. */
    public SubscriberSettings withDocuments(DocumentSettings documents) {
        return new SubscriberSettings(kafkaBootstrapServers, topic, deadLetterTopic, groupId, maxPollRecords,
                kafkaProperties, elasticsearch, retryBackoff, httpPort, tables, bulk, deletes, documents, sweeps,
                engine);
    }

    /** These settings with {@code sweeps} instead of their own. */
    public SubscriberSettings withSweeps(SweepSettings sweeps) {
        return new SubscriberSettings(kafkaBootstrapServers, topic, deadLetterTopic, groupId, maxPollRecords,
                kafkaProperties, elasticsearch, retryBackoff, httpPort, tables, bulk, deletes, documents, sweeps,
                engine);
    }

    /** These settings with {@code engine} instead of their own (empty: detected at startup). */
    public SubscriberSettings withEngine(Optional<SearchEngine> engine) {
        return new SubscriberSettings(kafkaBootstrapServers, topic, deadLetterTopic, groupId, maxPollRecords,
                kafkaProperties, elasticsearch, retryBackoff, httpPort, tables, bulk, deletes, documents, sweeps,
                engine);
    }

    /** The settings without configured tables: every table mapped by {@link TableMapping#defaults}. */
    public SubscriberSettings(String kafkaBootstrapServers, String topic, String deadLetterTopic, String groupId,
                              int maxPollRecords, Map<String, String> kafkaProperties, List<URI> elasticsearchUrls,
                              String elasticsearchUsername, String elasticsearchPassword, RetryBackoff retryBackoff,
                              int httpPort) {
        this(kafkaBootstrapServers, topic, deadLetterTopic, groupId, maxPollRecords, kafkaProperties,
                elasticsearchUrls, elasticsearchUsername, elasticsearchPassword, retryBackoff, httpPort, Map.of());
    }

    /** The settings with the default dead-letter topic ({@code topic + ".dlq"}); {@code topic} must be one name. */
    public SubscriberSettings(String kafkaBootstrapServers, String topic, String groupId, int maxPollRecords,
                              Map<String, String> kafkaProperties, List<URI> elasticsearchUrls,
                              String elasticsearchUsername, String elasticsearchPassword, RetryBackoff retryBackoff,
                              int httpPort) {
        this(kafkaBootstrapServers, topic, topic + ".dlq", groupId, maxPollRecords, kafkaProperties,
                elasticsearchUrls, elasticsearchUsername, elasticsearchPassword, retryBackoff, httpPort);
    }

    /**
     * A relative {@code mapping-file} is resolved against the directory of {@code configFile}, or the working
     * directory when there is none.
     *
     * @throws io.tributary.config.InvalidConfigException naming the key at fault
     */
    public static SubscriberSettings load(Path configFile, Map<String, String> environment) {
        return from(ConfigLoader.load(REFERENCE, configFile, environment),
                TableSettingsReader.baseDirectoryOf(configFile));
    }

    static SubscriberSettings from(Config config, Path baseDirectory) {
        SettingsReader read = new SettingsReader(config);
        Duration initial = read.durationAtLeast("tributary.elasticsearch.retry.initial-backoff", Duration.ofMillis(1));
        Duration max = read.durationAtLeast("tributary.elasticsearch.retry.max-backoff", Duration.ofMillis(1));
        if (max.compareTo(initial) < 0) {
            throw read.invalid("tributary.elasticsearch.retry.max-backoff", "must not be shorter than"
                    + " tributary.elasticsearch.retry.initial-backoff (" + initial.toMillis() + "ms)");
        }
        String topic = read.requiredString("tributary.kafka.topic");
        String deadLetterTopic = deadLetterTopic(read, topic);
        return new SubscriberSettings(
                read.requiredString("tributary.kafka.bootstrap-servers"),
                topic,
                deadLetterTopic,
                read.requiredString("tributary.kafka.group-id"),
                read.intBetween("tributary.kafka.max-poll-records", 1, 100_000),
                KafkaSecurity.clientProperties(read),
                ElasticsearchConnection.read(read),
                new RetryBackoff(initial, max),
                read.intBetween("tributary.http.port", 0, 65_535),
                TableSettingsReader.read(config, baseDirectory),
                bulk(config, read),
                deletes(config, read),
                DocumentSettings.read(config),
                new SweepSettings(read.intBetween(SWEEP + "page-size", 1, 100_000),
                        read.durationAtLeast(SWEEP + "background-after", Duration.ZERO)),
                SearchEngine.read(read));
    }

    private static Deletes deletes(Config config, SettingsReader read) {
        String key = DELETES + "keep-for";
        Optional<Duration> keepFor;
        String text = config.getValue(key).unwrapped().toString().trim();
        if (text.equals("auto")) {
            keepFor = Optional.empty();
        } else if (text.equals("forever")) {
            keepFor = Optional.of(Deletes.FOREVER);
        } else {
            try {
                keepFor = Optional.of(config.getDuration(key));
            } catch (ConfigException e) {
                throw read.invalid(key, "must be auto (the topic's retention.ms + segment.ms), forever, or a"
                        + " duration such as 14d, got " + config.getValue(key).render());
            }
            if (keepFor.get().isNegative()) {
                throw read.invalid(key, "must not be negative, got " + text);
            }
        }
        Duration purgeInterval = read.durationAtLeast(DELETES + "purge-interval", Duration.ofSeconds(1));
        return new Deletes(keepFor, purgeInterval);
    }

    private static Bulk bulk(Config config, SettingsReader read) {
        int maxActions = read.intBetween(BULK + "max-actions", 1, 100_000);
        long maxBytes = bytesAtLeast(config, read, BULK + "max-bytes", 1024);
        Duration maxWait = read.durationAtLeast(BULK + "max-wait", Duration.ZERO);
        if (maxWait.compareTo(Duration.ofMinutes(1)) > 0) {
            throw read.invalid(BULK + "max-wait", "must be at most 1m (the consumer must poll well within"
                    + " max.poll.interval.ms), got " + maxWait.toMillis() + "ms");
        }
        int concurrency = read.intBetween(BULK + "concurrency", 1, 64);
        return new Bulk(maxActions, maxBytes, maxWait, concurrency);
    }

    /** A size such as {@code 5MB} or {@code 512kB}, at least {@code min} bytes. */
    private static long bytesAtLeast(Config config, SettingsReader read, String key, long min) {
        long bytes;
        try {
            bytes = config.getBytes(key);
        } catch (ConfigException.Missing e) {
            throw read.invalid(key, "is required but not set");
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
            throw read.invalid(key, "must be a size such as 5MB or 512kB, got " + config.getValue(key).render());
        }
        if (bytes < min) {
            throw read.invalid(key, "must be at least " + min + " bytes, got " + bytes);
        }
        return bytes;
    }

    private static String deadLetterTopic(SettingsReader read, String topic) {
        Optional<String> configured = read.optionalString(DEAD_LETTER_KEY);
        if (configured.isEmpty() && TopicNames.isPattern(topic)) {
            throw read.invalid(DEAD_LETTER_KEY, "must be set when tributary.kafka.topic is a pattern ('" + topic
                    + "')");
        }
        String deadLetterTopic = configured.orElse(topic + ".dlq");
        Optional<String> problem = deadLetterProblem(topic, deadLetterTopic);
        if (problem.isPresent()) {
            throw read.invalid(DEAD_LETTER_KEY, "'" + deadLetterTopic + "' " + problem.get());
        }
        return deadLetterTopic;
    }

    private static Optional<String> deadLetterProblem(String topic, String deadLetterTopic) {
        if (!LEGAL_TOPIC.matcher(deadLetterTopic).matches()) {
            return Optional.of("is not a Kafka topic name (1 to 249 of a-z, A-Z, 0-9, '.', '_', '-')");
        }
        if (deadLetterTopic.equals(topic) || TopicNames.regex(topic).matcher(deadLetterTopic).matches()) {
            return Optional.of("is matched by tributary.kafka.topic ('" + topic + "'): the subscriber would read"
                    + " its own dead letters");
        }
        return Optional.empty();
    }
}
