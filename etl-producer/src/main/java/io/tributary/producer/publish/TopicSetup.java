package io.tributary.producer.publish;

import io.tributary.config.KafkaSecurity;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the change topic exists with enough partitions before the first event is sent.
 *
 * <p>Routing uses the <em>configured</em> partition count, not whatever the topic has: adding partitions to the
 * topic by hand must not silently move tables to other partitions (which would break their order). A topic with
 * fewer partitions than configured is an error; one with more leaves the extra partitions unused.
 *
 * <p>A topic created here takes events up to {@code max-event-bytes} ({@code max.message.bytes}, plus room for the
 * batch header); an existing topic that takes less is warned about, naming the command that raises it (the producer
 * then stops at the first larger event, with the same advice).
 *
 * <p>A topic created here also gets {@code min.insync.replicas} ({@link #minInsyncReplicas}): with the broker's
 * default of 1, {@code acks=all} is acknowledged once the leader alone has the event, and a leader that dies before
 * its followers copied it takes the event with it — after the producer confirmed its LSN to PostgreSQL. An existing
 * topic replicated more than once but with {@code min.insync.replicas = 1} is warned about.
 */
public final class TopicSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);
    private static final long TIMEOUT_SECONDS = 30;
    /** A record batch's header and one record's framing, with room to spare. */
    private static final int BATCH_OVERHEAD_BYTES = 16 * 1024;

    private TopicSetup() {
    }

    /** {@link #ensureTopics(String, Map, Collection, int, int, int, int)} with the derived min.insync.replicas. */
    public static void ensureTopics(String bootstrapServers, Map<String, String> userProperties,
                                    Collection<String> topics, int partitions, int replicationFactor,
                                    int maxEventBytes) {
        ensureTopics(bootstrapServers, userProperties, topics, partitions, replicationFactor, -1, maxEventBytes);
    }

    /**
     * @param replicationFactor the replication factor for a new topic; -1 takes the broker's default
     * @param minInsyncReplicas {@code min.insync.replicas} of a new topic; -1 derives it from the replication factor
     *                          ({@link #minInsyncReplicas})
     * @throws IllegalStateException when the topic has fewer partitions than configured, or Kafka cannot be reached
     */
    public static void ensureTopics(String bootstrapServers, Map<String, String> userProperties,
                                    Collection<String> topics, int partitions, int replicationFactor,
                                    int minInsyncReplicas, int maxEventBytes) {
        Map<String, Object> config = new java.util.HashMap<>(userProperties);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(config)) {
            for (String topic : topics) {
                ensureTopic(admin, bootstrapServers, topic, partitions, replicationFactor, minInsyncReplicas,
                        maxEventBytes);
            }
        }
    }

    /**
     * The {@code min.insync.replicas} a created topic gets: the configured value, or by default one less than its
     * replication factor, at least 1 (2 of 3 replicas: one broker may be down and every acknowledged event is still
     * on two).
     *
     * @throws IllegalStateException when the configured value exceeds the replication factor (no write could succeed)
     */
    static int minInsyncReplicas(String topic, int configured, int replicationFactor) {
        if (configured > replicationFactor) {
            throw new IllegalStateException("tributary.kafka.min-insync-replicas is " + configured + " but topic "
                    + topic + " has " + replicationFactor + " replicas: no write could ever be acknowledged. Lower"
                    + " min-insync-replicas or raise tributary.kafka.replication-factor");
        }
        return configured > 0 ? configured : Math.max(1, replicationFactor - 1);
    }

    private static void ensureTopic(Admin admin, String bootstrapServers, String topic, int partitions,
                                    int replicationFactor, int minInsyncReplicas, int maxEventBytes) {
        try {
            Optional<TopicDescription> existing = describe(admin, topic);
            boolean created = existing.isEmpty();
            if (created) {
                create(admin, topic, partitions, replicationFactor, maxEventBytes);
                // A new topic's metadata reaches every broker a moment after the creation is acknowledged.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
                while ((existing = describe(admin, topic)).isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
            }
            int actual = existing.orElseThrow(() -> new IllegalStateException("topic " + topic
                    + " was created but cannot be described")).partitions().size();
            if (actual < partitions) {
                throw new IllegalStateException("topic " + topic + " has " + actual + " partitions but routing"
                        + " needs " + partitions + " (tributary.kafka.partitions); add partitions to the topic"
                        + " (kafka-topics --alter --partitions " + partitions + ") or configure " + actual);
            }
            if (actual > partitions) {
                LOG.warn("topic {} has {} partitions; tables are routed over the configured {} only", topic, actual,
                        partitions);
            }
            warnWhenSmaller(admin, topic, maxEventBytes);
            int replicas = existing.get().partitions().get(0).replicas().size();
            if (created) {
                setMinInsyncReplicas(admin, topic, minInsyncReplicas(topic, minInsyncReplicas, replicas));
            } else {
                warnWhenAcksAllMeansOne(admin, topic, replicas);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot set up topic " + topic + " on " + bootstrapServers + ": "
                    + KafkaSecurity.describeFailure(e.getCause(), bootstrapServers)
                            .orElse(e.getCause().getMessage()), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + bootstrapServers + " did not answer within "
                    + TIMEOUT_SECONDS + "s; check tributary.kafka.bootstrap-servers and that the brokers are up", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while setting up topic " + topic, e);
        }
    }

    private static Optional<TopicDescription> describe(Admin admin, String topic)
            throws ExecutionException, InterruptedException, TimeoutException {
        try {
            return Optional.of(admin.describeTopics(Set.of(topic)).allTopicNames()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** {@code max.message.bytes} that takes an event of {@code maxEventBytes} in a batch of its own. */
    static int maxMessageBytes(int maxEventBytes) {
        return maxEventBytes + BATCH_OVERHEAD_BYTES;
    }

    private static void warnWhenSmaller(Admin admin, String topic, int maxEventBytes)
            throws ExecutionException, InterruptedException, TimeoutException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        ConfigEntry entry = admin.describeConfigs(Set.of(resource)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .get(resource).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        if (entry != null && entry.value() != null && Long.parseLong(entry.value()) < maxMessageBytes(maxEventBytes)) {
            LOG.warn("topic {} takes records of at most {} bytes (max.message.bytes), less than"
                    + " tributary.kafka.max-event-bytes ({}): a larger row stops the producer. Raise it with"
                    + " kafka-configs --alter --entity-type topics --entity-name {} --add-config max.message.bytes={}",
                    topic, entry.value(), maxEventBytes, topic, maxMessageBytes(maxEventBytes));
        }
    }

    private static void setMinInsyncReplicas(Admin admin, String topic, int minInsyncReplicas)
            throws ExecutionException, InterruptedException, TimeoutException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        AlterConfigOp set = new AlterConfigOp(new ConfigEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
                Integer.toString(minInsyncReplicas)), AlterConfigOp.OpType.SET);
        admin.incrementalAlterConfigs(Map.of(resource, List.of(set))).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        LOG.info("topic {}: min.insync.replicas = {}", topic, minInsyncReplicas);
    }

    private static void warnWhenAcksAllMeansOne(Admin admin, String topic, int replicas)
            throws ExecutionException, InterruptedException, TimeoutException {
        if (replicas < 2) {
            return;
        }
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        ConfigEntry entry = admin.describeConfigs(Set.of(resource)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .get(resource).get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
        if (entry != null && "1".equals(entry.value())) {
            LOG.warn("topic {} has {} replicas but min.insync.replicas = 1: Kafka acknowledges an event once its"
                    + " leader alone has it, and the producer then confirms its LSN to PostgreSQL; a leader lost"
                    + " before its followers copied the event loses it. Raise it with kafka-configs --alter"
                    + " --entity-type topics --entity-name {} --add-config min.insync.replicas={}", topic, replicas,
                    topic, replicas - 1);
        }
    }

    private static void create(Admin admin, String topic, int partitions, int replicationFactor, int maxEventBytes)
            throws ExecutionException, InterruptedException, TimeoutException {
        Optional<Short> replicas = replicationFactor < 1 ? Optional.empty() : Optional.of((short) replicationFactor);
        NewTopic newTopic = new NewTopic(topic, Optional.of(partitions), replicas).configs(Map.of(
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxMessageBytes(maxEventBytes))));
        try {
            admin.createTopics(Set.of(newTopic)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            LOG.info("created topic {} with {} partitions", topic, partitions);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }
}
