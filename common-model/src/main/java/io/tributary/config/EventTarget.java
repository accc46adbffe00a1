package io.tributary.config;

import io.tributary.model.Envelope;
import io.tributary.model.Routing.PartitionBy;
import io.tributary.model.Routing;
import io.tributary.model.TableId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where change events go in Kafka and how they are written, as {@code tributary.kafka.*} of the producer's
 * configuration says. Read by the producer, which sends there, and by the verifier, whose repair events go exactly
 * where the producer sends a change of the same row.
 *
 * @param routing       which topic and partition each change goes to (topic name or pattern, partition count,
 *                      partition-by, pinned tables)
 * @param properties    the Kafka client properties: {@link KafkaSecurity}'s, with {@code tributary.kafka.properties}
 *                      over them; {@link #toString()} hides the SASL login
 * @param maxEventBytes the largest event (key and value, before compression) sent
 * @param envelope      the events' shape: Tributary's or Debezium's
 */
public record EventTarget(String bootstrapServers, Routing routing, Map<String, String> properties, int maxEventBytes,
                          Envelope envelope) {

    public EventTarget {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(routing, "routing");
        properties = Map.copyOf(properties);
        Objects.requireNonNull(envelope, "envelope");
    }

    /** @throws InvalidConfigException naming the key at fault */
    public static EventTarget read(SettingsReader read) {
        return new EventTarget(
                read.requiredString("tributary.kafka.bootstrap-servers"),
                routing(read),
                KafkaSecurity.clientProperties(read),
                (int) read.bytesBetween("tributary.kafka.max-event-bytes", 64 * 1024, 1024 * 1024 * 1024),
                Envelope.fromSetting(read.oneOf("tributary.kafka.envelope", List.of("tributary", "debezium"))));
    }

    private static Routing routing(SettingsReader read) {
        String topic = read.requiredString("tributary.kafka.topic");
        if (!topic.replace("${schema}", "s").replace("${table}", "t").matches("[a-zA-Z0-9._-]{1,249}")) {
            throw read.invalid("tributary.kafka.topic", "must be a Kafka topic name (letters, digits, '.', '_', '-')"
                    + " optionally with ${schema} and ${table} (quote it in HOCON), got '" + topic + "'");
        }
        int partitions = read.intBetween("tributary.kafka.partitions", 1, 100_000);
        PartitionBy partitionBy = PartitionBy.valueOf(read.oneOf("tributary.kafka.partition-by",
                List.of("table", "key")).toUpperCase(Locale.ROOT));
        Map<TableId, Integer> pins = new LinkedHashMap<>();
        read.flatStringMap("tributary.kafka.pinned-partitions").forEach((table, partition) -> {
            try {
                pins.put(TableId.parse(table), Integer.parseInt(partition));
            } catch (IllegalArgumentException e) {
                throw read.invalid("tributary.kafka.pinned-partitions", "entry " + table + " = " + partition
                        + " is not \"schema.table\" = partition number");
            }
        });
        try {
            return new Routing(topic, partitions, partitionBy, pins);
        } catch (IllegalArgumentException e) {
            throw read.invalid("tributary.kafka.pinned-partitions", e.getMessage()
                    + " (tributary.kafka.partitions is " + partitions + ")");
        }
    }

    @Override
    public String toString() {
        return "EventTarget[bootstrapServers=" + bootstrapServers + ", routing=" + routing + ", properties="
                + KafkaSecurity.redacted(properties) + ", maxEventBytes=" + maxEventBytes + ", envelope=" + envelope
                + "]";
    }
}
