package io.tributary.producer;

import com.typesafe.config.Config;
import io.tributary.config.ConfigLoader;
import io.tributary.config.EventTarget;
import io.tributary.config.KafkaSecurity;
import io.tributary.config.SettingsReader;
import io.tributary.model.Envelope;
import io.tributary.model.Routing;
import io.tributary.model.TableId;
import io.tributary.ops.RetryBackoff;
import io.tributary.producer.replication.LockTimings;
import io.tributary.producer.replication.OutputPlugin;
import io.tributary.producer.snapshot.SnapshotMode;
import io.tributary.producer.snapshot.SnapshotSettings;
import io.tributary.shaping.NumericMode;
import io.tributary.shaping.source.PostgresEndpoint;
import io.tributary.shaping.source.TableSelection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the producer is configured with, read and validated once at startup. The keys, their defaults and
 * descriptions are in {@code io/tributary/producer/reference.conf}; docs/configuration.md lists them.
 *
 * @param source   the database side
 * @param target   the Kafka side
 * @param httpPort the port of /metrics and /health
 * @param snapshot when and how the tables' existing rows are read before streaming
 */
public record ProducerSettings(Source source, Target target, int httpPort, SnapshotSettings snapshot) {

    public static final String REFERENCE = ConfigLoader.PRODUCER_REFERENCE;

    /** Settings with the documented snapshot defaults ({@link SnapshotSettings#DEFAULTS}). */
    public ProducerSettings(Source source, Target target, int httpPort) {
        this(source, target, httpPort, SnapshotSettings.DEFAULTS);
    }

    /** The same settings with another snapshot configuration. */
    public ProducerSettings withSnapshot(SnapshotSettings snapshotSettings) {
        return new ProducerSettings(source, target, httpPort, snapshotSettings);
    }

    /** What to do when the slot is missing although this producer streamed before. */
    public enum OnSlotLoss {
        /** Stop with an error: an operator decides (restore the slot, or re-snapshot). */
        FAIL,
        /** Create a new slot and stream on, loudly: changes made while there was no slot are not in Kafka. */
        RECREATE,
        /**
         * Create a new slot, stream on, and repair the gap: every table is snapshotted again incrementally, and the
         * documents of rows deleted in the gap are swept.
         */
        RESNAPSHOT
    }

    /** Whether to change the tables' replica identity at startup. */
    public enum ReplicaIdentity {
        /** Leave it as it is; tables without a primary key or identity index are warned about. */
        DEFAULT,
        /** Set REPLICA IDENTITY FULL on every streamed table: complete before-images of every row. */
        FULL
    }

    /**
     * The database side.
     *
     * @param tables            table names or patterns ({@code *} matches any characters), resolved at startup
     * @param heartbeatInterval how often to write a heartbeat message into the WAL; zero for never
     * @param numericMode       how {@code numeric} values are written: exact strings or exact JSON numbers
     * @param plugin            the output plugin: pgoutput (with the publication) or test_decoding
     * @param takeoverTimeout   how soon after the active producer's node goes silent PostgreSQL releases its lock
     *                          to a standby (see {@code LockTimings})
     */
    public record Source(PostgresEndpoint endpoint, OutputPlugin plugin, String slot, String publication,
                         List<TableId> tables,
                         Duration statusInterval, ReplicaIdentity replicaIdentity, OnSlotLoss onSlotLoss,
                         boolean slotFailover, RetryBackoff reconnectBackoff, Duration heartbeatInterval,
                         NumericMode numericMode, Duration takeoverTimeout) {

        /** {@code tributary.postgres.takeover-timeout} by default. */
        public static final Duration DEFAULT_TAKEOVER_TIMEOUT = Duration.ofSeconds(10);

        public Source {
            tables = List.copyOf(tables);
        }

        /** With the default takeover timeout. */
        public Source(PostgresEndpoint endpoint, OutputPlugin plugin, String slot, String publication,
                      List<TableId> tables, Duration statusInterval, ReplicaIdentity replicaIdentity,
                      OnSlotLoss onSlotLoss, boolean slotFailover, RetryBackoff reconnectBackoff,
                      Duration heartbeatInterval, NumericMode numericMode) {
            this(endpoint, plugin, slot, publication, tables, statusInterval, replicaIdentity, onSlotLoss,
                    slotFailover, reconnectBackoff, heartbeatInterval, numericMode, DEFAULT_TAKEOVER_TIMEOUT);
        }

        /** The same source with another takeover timeout. */
        public Source withTakeoverTimeout(Duration timeout) {
            return new Source(endpoint, plugin, slot, publication, tables, statusInterval, replicaIdentity,
                    onSlotLoss, slotFailover, reconnectBackoff, heartbeatInterval, numericMode, timeout);
        }

        /** The documented defaults for everything but what names the database, slot and tables. */
        public static Source of(PostgresEndpoint endpoint, String slot, String publication, List<TableId> tables) {
            return new Source(endpoint, OutputPlugin.PGOUTPUT, slot, publication, tables, Duration.ofSeconds(1),
                    ReplicaIdentity.DEFAULT,
                    OnSlotLoss.FAIL, false, new RetryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30)),
                    Duration.ZERO, NumericMode.STRING);
        }
    }

    /**
     * The Kafka side.
     *
     * @param routing       which topic and partition each change goes to (topic name or pattern, partition count,
     *                      partition-by, pinned tables)
     * @param maxEventBytes the largest event (key and value, before compression) sent: the Kafka producer's
     *                      {@code max.request.size} and a created topic's {@code max.message.bytes}
     * @param minInsyncReplicas {@code min.insync.replicas} of a created topic; -1 for its replication factor - 1
     * @param properties    the Kafka client properties: {@link KafkaSecurity}'s, with {@code tributary.kafka.properties}
     *                      over them; {@link #toString()} hides the SASL login
     * @param envelope      the events' shape: Tributary's or Debezium's
     */
    public record Target(String bootstrapServers, Routing routing, int replicationFactor, int minInsyncReplicas,
                         long maxUnacknowledgedEvents, int maxEventBytes, Map<String, String> properties,
                         Envelope envelope) {

        /** {@code tributary.kafka.max-event-bytes} by default: rows of tens of MB go through. */
        public static final int DEFAULT_MAX_EVENT_BYTES = 64 * 1024 * 1024;

        public Target {
            properties = Map.copyOf(properties);
            Objects.requireNonNull(envelope, "envelope");
        }

        /** In Tributary's envelope. */
        public Target(String bootstrapServers, Routing routing, int replicationFactor, int minInsyncReplicas,
                      long maxUnacknowledgedEvents, int maxEventBytes, Map<String, String> properties) {
            this(bootstrapServers, routing, replicationFactor, minInsyncReplicas, maxUnacknowledgedEvents,
                    maxEventBytes, properties, Envelope.TRIBUTARY);
        }

        /** The same target with events in another envelope. */
        public Target withEnvelope(Envelope shape) {
            return new Target(bootstrapServers, routing, replicationFactor, minInsyncReplicas,
                    maxUnacknowledgedEvents, maxEventBytes, properties, shape);
        }

        /** With {@code min.insync.replicas} derived from the replication factor. */
        public Target(String bootstrapServers, Routing routing, int replicationFactor, long maxUnacknowledgedEvents,
                      int maxEventBytes, Map<String, String> properties) {
            this(bootstrapServers, routing, replicationFactor, -1, maxUnacknowledgedEvents, maxEventBytes,
                    properties);
        }

        /** The documented defaults for everything but the brokers, topic and partitions. */
        public static Target of(String bootstrapServers, String topic, int partitions) {
            return new Target(bootstrapServers, Routing.byTable(topic, partitions), -1, 50_000,
                    DEFAULT_MAX_EVENT_BYTES, Map.of());
        }

        @Override
        public String toString() {
            return "Target[bootstrapServers=" + bootstrapServers + ", routing=" + routing + ", replicationFactor="
                    + replicationFactor + ", minInsyncReplicas=" + minInsyncReplicas + ", maxUnacknowledgedEvents="
                    + maxUnacknowledgedEvents + ", maxEventBytes=" + maxEventBytes + ", properties="
                    + KafkaSecurity.redacted(properties) + ", envelope=" + envelope + "]";
        }

        /** The topic name, or pattern with ${schema} and ${table}. */
        public String topic() {
            return routing.topic();
        }

        public int partitions() {
            return routing.partitions();
        }
    }

    /** @throws io.tributary.config.InvalidConfigException naming the key at fault */
    public static ProducerSettings load(Path configFile, Map<String, String> environment) {
        return from(ConfigLoader.load(REFERENCE, configFile, environment));
    }

    static ProducerSettings from(Config config) {
        SettingsReader read = new SettingsReader(config);
        return new ProducerSettings(source(read), target(read), read.intBetween("tributary.http.port", 0, 65_535),
                snapshot(read));
    }

    private static SnapshotSettings snapshot(SettingsReader read) {
        return new SnapshotSettings(
                SnapshotMode.valueOf(read.oneOf("tributary.postgres.snapshot.mode",
                        List.of("initial", "never", "always")).toUpperCase(Locale.ROOT)),
                read.intBetween("tributary.postgres.snapshot.chunk-size", 1, 1_000_000),
                read.intBetween("tributary.postgres.snapshot.parallelism", 1, 64));
    }

    private static Source source(SettingsReader read) {
        PostgresEndpoint endpoint = PostgresEndpoint.read(read);
        String slot = read.requiredString("tributary.postgres.slot");
        if (!slot.matches("[a-z0-9_]{1,63}")) {
            throw read.invalid("tributary.postgres.slot", "must be 1 to 63 lower-case letters, digits or underscores"
                    + " (PostgreSQL's rule for slot names), got '" + slot + "'");
        }
        List<TableId> tables = TableSelection.entries(read);
        Duration initial = read.durationAtLeast("tributary.postgres.reconnect.initial-backoff", Duration.ofMillis(10));
        Duration max = read.durationAtLeast("tributary.postgres.reconnect.max-backoff", Duration.ofMillis(10));
        if (max.compareTo(initial) < 0) {
            throw read.invalid("tributary.postgres.reconnect.max-backoff", "must not be shorter than"
                    + " tributary.postgres.reconnect.initial-backoff (" + initial.toMillis() + "ms)");
        }
        return new Source(
                endpoint,
                OutputPlugin.named(read.oneOf("tributary.postgres.plugin", List.of("pgoutput", "test_decoding"))),
                slot,
                read.requiredString("tributary.postgres.publication"),
                tables,
                read.durationAtLeast("tributary.postgres.status-interval", Duration.ofMillis(100)),
                ReplicaIdentity.valueOf(read.oneOf("tributary.postgres.replica-identity", List.of("default", "full"))
                        .toUpperCase(Locale.ROOT)),
                OnSlotLoss.valueOf(read.oneOf("tributary.postgres.on-slot-loss", List.of("fail", "recreate", "resnapshot"))
                        .toUpperCase(Locale.ROOT)),
                read.bool("tributary.postgres.slot-failover"),
                new RetryBackoff(initial, max),
                read.durationAtLeast("tributary.postgres.heartbeat-interval", Duration.ZERO),
                NumericMode.read(read),
                read.durationAtLeast("tributary.postgres.takeover-timeout", LockTimings.MINIMUM));
    }

    private static Target target(SettingsReader read) {
        EventTarget events = EventTarget.read(read);
        int replicationFactor = read.intBetween("tributary.kafka.replication-factor", -1, 32);
        int minInsyncReplicas = read.intBetween("tributary.kafka.min-insync-replicas", -1, 32);
        if (minInsyncReplicas == 0) {
            throw read.invalid("tributary.kafka.min-insync-replicas", "must be -1 (replication factor - 1) or 1 to 32");
        }
        if (replicationFactor > 0 && minInsyncReplicas > replicationFactor) {
            throw read.invalid("tributary.kafka.min-insync-replicas", "is " + minInsyncReplicas + ", more than"
                    + " tributary.kafka.replication-factor (" + replicationFactor + "): no write could succeed");
        }
        return new Target(
                events.bootstrapServers(),
                events.routing(),
                replicationFactor,
                minInsyncReplicas,
                read.intBetween("tributary.kafka.max-unacknowledged-events", 1, 10_000_000),
                events.maxEventBytes(),
                events.properties(),
                events.envelope());
    }
}
