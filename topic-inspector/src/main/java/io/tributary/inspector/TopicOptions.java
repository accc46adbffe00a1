package io.tributary.inspector;

import io.tributary.config.ConfigLoader;
import io.tributary.config.EventTarget;
import io.tributary.config.InvalidConfigException;
import io.tributary.config.InvalidUsageException;
import io.tributary.config.KafkaSecurity;
import io.tributary.config.SettingsReader;
import io.tributary.model.Routing.PartitionBy;
import io.tributary.model.TableId;
import io.tributary.shaping.source.TableSelection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import picocli.CommandLine.Option;

/**
 * The options every subcommand takes: where Kafka is, which topic, and how the producer routes tables to
 * partitions. Resolved into {@link TopicSettings} by {@link #resolve}.
 *
 * <p>Precedence, highest first: an option given here; the environment variable
 * {@code TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS}; the {@code --producer-config} file, read exactly as the producer reads
 * it (its reference and readers, {@link EventTarget}: so the producer's other {@code TRIBUTARY_KAFKA_*} variables
 * override its keys too);
 * the defaults ({@code localhost:9092}, {@code tributary.changes}, partition by table, no pins, the topic's
 * partition count).
 *
 * <p>Security ({@link KafkaSecurity}): the {@code --producer-config}'s Kafka client properties; without it, the
 * producer's {@code TRIBUTARY_KAFKA_SECURITY_PROTOCOL}, {@code TRIBUTARY_KAFKA_SASL_*} and
 * {@code TRIBUTARY_KAFKA_SSL_CA_FILE} variables (no option takes a password, which {@code ps} would show).
 */
final class TopicOptions {

    static final String BOOTSTRAP_VARIABLE = "TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS";
    static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";
    static final String DEFAULT_TOPIC = "tributary.changes";
    /** The Kafka security keys with the producer's defaults, read from the environment without a config file. */
    static final String SECURITY_REFERENCE = "io/tributary/inspector/kafka-security.conf";

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--bootstrap-servers", paramLabel = "<host:port,...>",
            description = "Kafka brokers (default: $" + BOOTSTRAP_VARIABLE + ", else the --producer-config's, else "
                    + DEFAULT_BOOTSTRAP_SERVERS + ").")
    String bootstrapServers;

    @Option(names = "--topic", paramLabel = "<name>",
            description = "The change topic (default: the --producer-config's, else " + DEFAULT_TOPIC + ").")
    String topic;

    @Option(names = "--partitions", paramLabel = "<n>",
            description = "Partition count the producer routes over (default: the --producer-config's, else the"
                    + " topic's).")
    Integer partitions;

    @Option(names = "--partition-by", paramLabel = "table|key",
            description = "What the producer chooses a partition by (default: the --producer-config's, else table).")
    PartitionBy partitionBy;

    @Option(names = "--pin", paramLabel = "<schema.table=partition>",
            description = "A table pinned to a partition, as in the producer's pinned-partitions; repeatable"
                    + " (replaces the --producer-config's pins).")
    Map<String, Integer> pins = new LinkedHashMap<>();

    @Option(names = "--producer-config", paramLabel = "<file.conf>",
            description = "The producer's configuration file: brokers, topic, partitions, partition-by and"
                    + " pinned-partitions are read from it as the producer reads them (TRIBUTARY_* environment"
                    + " variables included).")
    Path producerConfig;

    @Option(names = "--timeout", paramLabel = "<seconds>", defaultValue = "5",
            description = "How long to wait for Kafka to answer (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--json", description = "Machine-readable JSON output instead of text tables.")
    boolean json;

    /**
     * @throws InvalidUsageException when the producer's configuration is invalid, or an option value is
     */
    TopicSettings resolve(Map<String, String> environment) {
        if (timeoutSeconds < 1) {
            throw new InvalidUsageException("--timeout must be at least 1 second, got " + timeoutSeconds);
        }
        if (partitions != null && partitions < 1) {
            throw new InvalidUsageException("--partitions must be at least 1, got " + partitions);
        }
        Optional<SettingsReader> producer = Optional.ofNullable(producerConfig)
                .map(file -> loadProducer(file, environment));
        Optional<EventTarget> target = producer.map(this::eventTarget);
        String servers = Optional.ofNullable(bootstrapServers)
                .or(() -> Optional.ofNullable(environment.get(BOOTSTRAP_VARIABLE)).filter(text -> !text.isBlank()))
                .or(() -> target.map(EventTarget::bootstrapServers))
                .orElse(DEFAULT_BOOTSTRAP_SERVERS);
        String topicName = Optional.ofNullable(topic).or(() -> target.map(found -> found.routing().topic())).orElse(DEFAULT_TOPIC);
        OptionalInt partitionCount = partitions != null ? OptionalInt.of(partitions)
                : target.map(found -> OptionalInt.of(found.routing().partitions())).orElse(OptionalInt.empty());
        PartitionBy by = Optional.ofNullable(partitionBy)
                .or(() -> target.map(found -> found.routing().partitionBy()))
                .orElse(PartitionBy.TABLE);
        Map<TableId, Integer> pinned = pins.isEmpty() && target.isPresent() ? target.get().routing().pins()
                : parsePins();
        List<TableId> tables = producer.map(this::namedTables).orElse(List.of());
        String source = producerConfig == null ? "the command line" : "--producer-config " + producerConfig;
        Map<String, String> clientProperties = target.map(EventTarget::properties)
                .orElseGet(() -> securityFromEnvironment(environment));
        return new TopicSettings(servers, topicName, partitionCount, by, pinned, tables,
                Duration.ofSeconds(timeoutSeconds), source, clientProperties);
    }

    /** The producer's configuration file, read with the producer's reference (its keys, defaults and variables). */
    private SettingsReader loadProducer(Path file, Map<String, String> environment) {
        try {
            return new SettingsReader(ConfigLoader.load(ConfigLoader.PRODUCER_REFERENCE, file, environment));
        } catch (InvalidConfigException e) {
            throw new InvalidUsageException("--producer-config " + file + ": " + e.getMessage(), e);
        }
    }

    /** Where the producer sends its events ({@code tributary.kafka.*}), read as the producer reads it. */
    private EventTarget eventTarget(SettingsReader producer) {
        try {
            return EventTarget.read(producer);
        } catch (InvalidConfigException e) {
            throw new InvalidUsageException("--producer-config " + producerConfig + ": " + e.getMessage(), e);
        }
    }

    /** The Kafka security settings from the producer's environment variables, checked as the producer checks them. */
    private static Map<String, String> securityFromEnvironment(Map<String, String> environment) {
        try {
            return KafkaSecurity.clientProperties(new SettingsReader(
                    ConfigLoader.load(SECURITY_REFERENCE, null, environment)));
        } catch (InvalidConfigException e) {
            throw new InvalidUsageException(e.getMessage(), e);
        }
    }

    /** The producer's tables that name one table (a pattern such as shop.* needs the database to resolve). */
    private List<TableId> namedTables(SettingsReader producer) {
        List<TableId> entries;
        try {
            entries = TableSelection.entries(producer);
        } catch (InvalidConfigException e) {
            throw new InvalidUsageException("--producer-config " + producerConfig + ": " + e.getMessage(), e);
        }
        return entries.stream()
                .filter(table -> !table.toString().contains("*"))
                .toList();
    }

    private Map<TableId, Integer> parsePins() {
        Map<TableId, Integer> parsed = new LinkedHashMap<>();
        pins.forEach((table, partition) -> parsed.put(Arguments.table(table), partition));
        return parsed;
    }
}
