package io.tributary.bench.chaos;

import io.tributary.model.Lsn;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Waits, after the workload stopped, until the pipeline has caught up: first the slot's confirmed position passes
 * the end marker (every change is in Kafka: the producer confirms only what Kafka acknowledged), then the consumer
 * group's committed offsets reach the end of every partition of the topic (every event is applied: the subscriber
 * commits only what Elasticsearch took). Stateless.
 */
final class CatchUp {

    private static final long POLL_MILLIS = 500;

    private CatchUp() {
    }

    /** How long each stage took. */
    record Figures(Duration toKafka, Duration toElasticsearch) {
    }

    /** @throws IllegalStateException when either stage outlasts {@code timeout} (each stage gets the whole of it) */
    static Figures await(ChaosPipeline.Endpoints endpoints, ChaosPipeline pipeline, Lsn endMarker, Duration timeout)
            throws Exception {
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        Lsn confirmed = Lsn.INVALID;
        while (!(confirmed = confirmedFlush(endpoints)).isAfter(endMarker)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("slot " + ChaosPipeline.SLOT + " did not confirm the end marker "
                        + endMarker + " within " + timeout.toSeconds() + " s (confirmed: " + confirmed + ")");
            }
            pipeline.watch(Duration.ofMillis(POLL_MILLIS));
        }
        long inKafka = System.nanoTime();
        deadline = inKafka + timeout.toNanos();
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.bootstrapServers());
        try (Admin admin = Admin.create(properties)) {
            long lag;
            while ((lag = groupLag(admin)) != 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("consumer group " + ChaosPipeline.GROUP + " still lagged " + lag
                            + " records behind the end of " + ChaosPipeline.TOPIC + " after " + timeout.toSeconds()
                            + " s");
                }
                pipeline.watch(Duration.ofMillis(POLL_MILLIS));
            }
        }
        long applied = System.nanoTime();
        return new Figures(Duration.ofNanos(inKafka - started), Duration.ofNanos(applied - inKafka));
    }

    private static Lsn confirmedFlush(ChaosPipeline.Endpoints endpoints) {
        try (Connection connection = DriverManager.getConnection(endpoints.jdbcUrl(), endpoints.user(),
                endpoints.password());
             PreparedStatement query = connection.prepareStatement(
                     "SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = ?")) {
            query.setString(1, ChaosPipeline.SLOT);
            try (ResultSet result = query.executeQuery()) {
                return result.next() && result.getString(1) != null ? Lsn.parse(result.getString(1)) : Lsn.INVALID;
            }
        } catch (SQLException e) {
            return Lsn.INVALID; // PostgreSQL still restarting: ask again
        }
    }

    /** Records between the group's committed offsets and the partitions' ends; -1 while Kafka does not answer. */
    private static long groupLag(Admin admin) throws InterruptedException {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(ChaosPipeline.GROUP)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(List.of(ChaosPipeline.TOPIC))
                    .allTopicNames().get(10, TimeUnit.SECONDS).get(ChaosPipeline.TOPIC).partitions().stream()
                    .collect(Collectors.toMap(p -> new TopicPartition(ChaosPipeline.TOPIC, p.partition()),
                            p -> OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                    .get(10, TimeUnit.SECONDS);
            long lag = 0;
            for (var end : ends.entrySet()) {
                OffsetAndMetadata offset = committed.get(end.getKey());
                lag += end.getValue().offset() - (offset == null ? 0 : offset.offset());
            }
            return lag;
        } catch (ExecutionException | TimeoutException e) {
            return -1;
        }
    }
}
