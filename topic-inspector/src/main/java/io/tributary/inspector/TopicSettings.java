package io.tributary.inspector;

import io.tributary.config.InvalidUsageException;
import io.tributary.model.Routing.PartitionBy;
import io.tributary.model.Routing;
import io.tributary.model.TableId;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * What every subcommand works on, resolved once from the command line, the producer's configuration file and the
 * environment (see {@link TopicOptions}).
 *
 * @param bootstrapServers     the Kafka brokers
 * @param topic                the topic, or the producer's per-table pattern ({@code cdc.${schema}.${table}})
 * @param configuredPartitions the partition count the producer routes over, when given; otherwise the topic's
 * @param partitionBy          what the producer chooses a partition by
 * @param pins                 tables pinned to partitions
 * @param configuredTables     the producer's tables (wildcard entries left out), to show where each is routed
 * @param timeout              how long to wait for any answer from Kafka
 * @param source               where the routing came from, for the reader ("--producer-config x.conf", "options")
 * @param clientProperties     the Kafka client properties (security): the producer's, or from the environment
 */
record TopicSettings(String bootstrapServers, String topic, OptionalInt configuredPartitions, PartitionBy partitionBy,
                     Map<TableId, Integer> pins, List<TableId> configuredTables, Duration timeout, String source,
                     Map<String, String> clientProperties) {

    TopicSettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(partitionBy, "partitionBy");
        pins = Map.copyOf(pins);
        configuredTables = List.copyOf(configuredTables);
        clientProperties = Map.copyOf(clientProperties);
    }

    boolean topicIsPattern() {
        return topic.contains("${schema}") || topic.contains("${table}");
    }

    /** The topic a table's changes go to (the topic itself unless it is a per-table pattern). */
    String topicFor(TableId table) {
        return Routing.byTable(topic, 1).topicFor(table);
    }

    /**
     * The one topic a subcommand reads.
     *
     * @throws InvalidUsageException when the topic is a per-table pattern
     */
    String singleTopic() {
        if (topicIsPattern()) {
            throw new InvalidUsageException("the topic '" + topic + "' is a per-table pattern; pass --topic with"
                    + " one of its topics (route <schema.table> names the topic of a table)");
        }
        return topic;
    }

    /**
     * The producer's routing over {@code partitions} (the configured count, or the topic's when none is configured).
     *
     * @throws InvalidUsageException when a pin lies outside the partitions
     */
    Routing routing(int topicPartitions) {
        int partitions = configuredPartitions.orElse(topicPartitions);
        try {
            return new Routing(topic, partitions, partitionBy, pins);
        } catch (IllegalArgumentException e) {
            throw new InvalidUsageException(e.getMessage() + " (routing from " + source + ")", e);
        }
    }

    /** One line describing the routing, for the top of a report. */
    String describeRouting(Routing routing) {
        String over = configuredPartitions.isPresent() ? routing.partitions() + " partitions"
                : routing.partitions() + " partitions (the topic's; pass --partitions or --producer-config for the"
                        + " producer's count)";
        String pinned = pins.isEmpty() ? "none" : pins.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(Comparator.comparing(TableId::toString)))
                .map(pin -> pin.getKey() + "=" + pin.getValue()).collect(Collectors.joining(", "));
        return "routing by " + partitionBy.name().toLowerCase(Locale.ROOT) + " over " + over
                + "; pins: " + pinned + " (from " + source + ")";
    }
}
