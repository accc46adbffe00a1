package io.tributary.producer;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.tributary.config.ConfigLoader;
import io.tributary.config.EventTarget;
import io.tributary.config.InvalidConfigException;
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
     * @param tables      table names or patterns ({@code *} matches any characters), resolved at startup
     * @param numericMode how {@code numeric} values are written: exact strings or exact JSON numbers
     */
    public record Source(PostgresEndpoint endpoint, Slot slot, List<TableId> tables, Timing timing,
                         ReplicaIdentity replicaIdentity, NumericMode numericMode) {

        public Source {
            tables = List.copyOf(tables);
        }
    }

    /**
     * The replication slot and what it streams ({@code tributary.postgres.slot}, {@code plugin}, {@code publication},
     * {@code slot-failover}, {@code on-slot-loss}).
     *
     * @param plugin      the output plugin: pgoutput (with the publication) or test_decoding
     * @param publication the publication naming the streamed tables (pgoutput only)
     * @param failover    whether the slot is created with FAILOVER (PostgreSQL 17+)
     */
    public record Slot(String name, OutputPlugin plugin, String publication, boolean failover, OnSlotLoss onLoss) {
    }

    /**
     * How often the producer talks to PostgreSQL, and how it waits.
     *
     * @param statusInterval    how often the flushed position is reported (and the lock confirmed)
     * @param reconnectBackoff  the wait before each new session after a failed one
     * @param heartbeatInterval how often to write a heartbeat message into the WAL; zero for never
     * @param takeoverTimeout   how soon after the active producer's node goes silent PostgreSQL releases its lock
     *                          to a standby (see {@code LockTimings})
     */
    public record Timing(Duration statusInterval, RetryBackoff reconnectBackoff, Duration heartbeatInterval,
                         Duration takeoverTimeout) {
    }

    /**
     * The Kafka side.
     *
     * @param properties the Kafka client properties: {@link KafkaSecurity}'s, with {@code tributary.kafka.properties}
     *                   over them; {@link #toString()} hides the SASL login
     * @param routing    which topic and partition each change goes to (topic name or pattern, partition count,
     *                   partition-by, pinned tables)
     * @param envelope   the events' shape: Tributary's or Debezium's
     * @param newTopics  how a topic created at startup is replicated
     */
    public record Target(String bootstrapServers, Map<String, String> properties, Routing routing, Envelope envelope,
                         Limits limits, NewTopics newTopics) {

        public Target {
            properties = Map.copyOf(properties);
            Objects.requireNonNull(envelope, "envelope");
        }

        @Override
        public String toString() {
            return "Target[bootstrapServers=" + bootstrapServers + ", properties=" + KafkaSecurity.redacted(properties)
                    + ", routing=" + routing + ", envelope=" + envelope + ", limits=" + limits + ", newTopics="
                    + newTopics + "]";
        }

        /** The topic name, or pattern with ${schema} and ${table}. */
        public String topic() {
            return routing.topic();
        }

        public int partitions() {
            return routing.partitions();
        }
    }

    /**
     * How much goes to Kafka.
     *
     * @param maxUnacknowledgedEvents reading from the slot pauses while this many events wait for Kafka
     * @param maxEventBytes           the largest event (key and value, before compression) sent: the Kafka producer's
     *                                {@code max.request.size} and a created topic's {@code max.message.bytes}
     */
    public record Limits(long maxUnacknowledgedEvents, int maxEventBytes) {
    }

    /**
     * A topic created at startup.
     *
     * @param replicationFactor -1 for the broker's default
     * @param minInsyncReplicas -1 for the replication factor - 1
     */
    public record NewTopics(int replicationFactor, int minInsyncReplicas) {
    }

    /**
     * Settings from a HOCON snippet over the reference defaults, with no file and no environment: for embedding
     * the producer (tests, benchmarks).
     *
     * @throws io.tributary.config.InvalidConfigException naming the key at fault
     */
    public static ProducerSettings parse(String hocon) {
        Config config;
        try {
            config = ConfigFactory.parseString(hocon).withFallback(ConfigLoader.loadReference(REFERENCE)).resolve();
        } catch (ConfigException e) {
            throw new InvalidConfigException("producer settings are not valid HOCON: " + e.getMessage(), e);
        }
        return from(config);
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
        Slot slotSettings = new Slot(slot,
                OutputPlugin.named(read.oneOf("tributary.postgres.plugin", List.of("pgoutput", "test_decoding"))),
                read.requiredString("tributary.postgres.publication"),
                read.bool("tributary.postgres.slot-failover"),
                OnSlotLoss.valueOf(read.oneOf("tributary.postgres.on-slot-loss", List.of("fail", "recreate", "resnapshot"))
                        .toUpperCase(Locale.ROOT)));
        Timing timing = new Timing(
                read.durationAtLeast("tributary.postgres.status-interval", Duration.ofMillis(100)),
                new RetryBackoff(initial, max),
                read.durationAtLeast("tributary.postgres.heartbeat-interval", Duration.ZERO),
                read.durationAtLeast("tributary.postgres.takeover-timeout", LockTimings.MINIMUM));
        return new Source(
                endpoint,
                slotSettings,
                tables,
                timing,
                ReplicaIdentity.valueOf(read.oneOf("tributary.postgres.replica-identity", List.of("default", "full"))
                        .toUpperCase(Locale.ROOT)),
                NumericMode.read(read));
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
                events.properties(),
                events.routing(),
                events.envelope(),
                new Limits(read.intBetween("tributary.kafka.max-unacknowledged-events", 1, 10_000_000),
                        events.maxEventBytes()),
                new NewTopics(replicationFactor, minInsyncReplicas));
    }
}
