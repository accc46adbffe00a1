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
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Everything the subscriber is configured with, read and validated once at startup. The keys, their defaults and
 * descriptions are in {@code io/tributary/subscriber/reference.conf} (the only place defaults are written);
 * docs/configuration.md lists them.
 *
 * @param kafka         where changes are read from and dead letters go ({@code tributary.kafka})
 * @param elasticsearch where and how documents are written ({@code tributary.elasticsearch})
 * @param tables        the configured tables ({@code tributary.tables}); a table without an entry is mapped by
 *                      {@link TableMapping#defaults}
 * @param documents     joined documents ({@code tributary.documents}, {@code tributary.postgres},
 *                      {@code tributary.document-rebuild})
 * @param httpPort      the operations endpoint's port ({@code tributary.http.port})
 */
public record SubscriberSettings(Kafka kafka, Elasticsearch elasticsearch, Map<TableId, TableMapping> tables,
                                 DocumentSettings documents, int httpPort) {

    public static final String REFERENCE = ConfigLoader.SUBSCRIBER_REFERENCE;
    private static final String DEAD_LETTER_KEY = "tributary.kafka.dead-letter-topic";
    private static final Pattern LEGAL_TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final String BULK = "tributary.elasticsearch.bulk.";
    private static final String DELETES = "tributary.elasticsearch.deletes.";
    private static final String SWEEP = "tributary.elasticsearch.sweep.";
    private static final String RETRY = "tributary.elasticsearch.retry.";

    public SubscriberSettings {
        tables = Map.copyOf(tables);
    }

    /**
     * {@code tributary.kafka}: the change topic, the consumer group and the dead-letter topic.
     *
     * @param topic           one topic, or a {@code ${schema}}/{@code ${table}} pattern ({@link TopicNames})
     * @param deadLetterTopic where records that cannot be applied go; never the consumed topic nor matched by its
     *                        pattern (the subscriber would read its own dead letters)
     * @param maxEventBytes   the largest change event a dead letter must carry ({@code max-event-bytes}, as the
     *                        producer's): the dead-letter producer's and a created dead-letter topic's limit, with
     *                        room for the headers
     * @param properties      the client properties of every Kafka client: {@link KafkaSecurity}'s, with
     *                        {@code tributary.kafka.properties} over them; its {@code toString} hides logins
     */
    public record Kafka(String bootstrapServers, String topic, String deadLetterTopic, String groupId,
                        int maxPollRecords, int maxEventBytes, Map<String, String> properties) {

        public Kafka {
            properties = KafkaSecurity.hidingSecrets(properties);
            deadLetterProblem(topic, deadLetterTopic).ifPresent(problem -> {
                throw new IllegalArgumentException("dead-letter topic '" + deadLetterTopic + "' " + problem);
            });
        }
    }

    /**
     * {@code tributary.elasticsearch}: the cluster and how documents are written to it.
     *
     * @param connection the node URLs, authentication and TLS trust ({@code urls}, {@code username}/{@code password},
     *                   {@code api-key}, {@code bearer-token}, {@code tls})
     * @param engine     the search engine ({@code engine}); empty for {@code auto}, detected at startup
     * @param retry      how long to wait between attempts while the cluster is unavailable ({@code retry})
     * @param bulk       how records are gathered into bulk requests ({@code bulk})
     * @param deletes    how long delete markers are kept ({@code deletes})
     * @param sweeps     how truncates and sweeps mark documents ({@code sweep})
     */
    public record Elasticsearch(ElasticsearchConnection connection, Optional<SearchEngine> engine, RetryBackoff retry,
                                Bulk bulk, Deletes deletes, SweepSettings sweeps) {
    }

    /**
     * {@code tributary.elasticsearch.bulk}: how records become bulk requests.
     *
     * @param maxActions  operations per bulk request at most; also how many records are gathered before applying
     * @param maxBytes    the estimated body size of one bulk request at most (a single larger write goes alone)
     * @param maxWait     how long to keep polling for more records when fewer than {@code maxActions} arrived
     * @param concurrency how many bulk requests (of different partitions) may run at once
     */
    public record Bulk(int maxActions, long maxBytes, Duration maxWait, int concurrency) {
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
    }

    /**
     * A relative {@code mapping-file} is resolved against the directory of {@code configFile}, or the working
     * directory when there is none.
     *
     * @throws io.tributary.config.InvalidConfigException naming the key at fault
     */
    public static SubscriberSettings load(Path configFile, Map<String, String> environment) {
        return read(ConfigLoader.load(REFERENCE, configFile, environment),
                TableSettingsReader.baseDirectoryOf(configFile));
    }

    /**
     * The settings {@code settings} states, over the reference's defaults, as if they were the {@code --config} file
     * (and no environment): how tests and tools give settings in code. A relative {@code mapping-file} is resolved
     * against the working directory.
     *
     * @throws io.tributary.config.InvalidConfigException naming the key at fault, or an unknown key
     */
    public static SubscriberSettings of(Config settings) {
        return read(ConfigLoader.load(REFERENCE, settings), Path.of(""));
    }

    static SubscriberSettings read(Config config, Path baseDirectory) {
        SettingsReader read = new SettingsReader(config);
        RetryBackoff retry = retry(read);
        Kafka kafka = kafka(read);
        ElasticsearchConnection connection = ElasticsearchConnection.read(read);
        int httpPort = read.intBetween("tributary.http.port", 0, 65_535);
        Map<TableId, TableMapping> tables = TableSettingsReader.read(config, baseDirectory);
        Bulk bulk = bulk(config, read);
        Deletes deletes = deletes(config, read);
        DocumentSettings documents = DocumentSettings.read(config);
        SweepSettings sweeps = new SweepSettings(read.intBetween(SWEEP + "page-size", 1, 100_000),
                read.durationAtLeast(SWEEP + "background-after", Duration.ZERO));
        Elasticsearch elasticsearch = new Elasticsearch(connection, SearchEngine.read(read), retry, bulk, deletes, sweeps);
        return new SubscriberSettings(kafka, elasticsearch, tables, documents, httpPort);
    }

    private static Kafka kafka(SettingsReader read) {
        String topic = read.requiredString("tributary.kafka.topic");
        return new Kafka(read.requiredString("tributary.kafka.bootstrap-servers"), topic,
                deadLetterTopic(read, topic), read.requiredString("tributary.kafka.group-id"),
                read.intBetween("tributary.kafka.max-poll-records", 1, 100_000),
                (int) read.bytesBetween("tributary.kafka.max-event-bytes", 64 * 1024, 1024 * 1024 * 1024),
                KafkaSecurity.clientProperties(read));
    }

    private static RetryBackoff retry(SettingsReader read) {
        Duration initial = read.durationAtLeast(RETRY + "initial-backoff", Duration.ofMillis(1));
        Duration max = read.durationAtLeast(RETRY + "max-backoff", Duration.ofMillis(1));
        if (max.compareTo(initial) < 0) {
            throw read.invalid(RETRY + "max-backoff", "must not be shorter than " + RETRY + "initial-backoff ("
                    + initial.toMillis() + "ms)");
        }
        return new RetryBackoff(initial, max);
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
