package io.tributary.subscriber.it;

import static io.tributary.subscriber.it.SubscriberHarness.index;
import static io.tributary.subscriber.it.SubscriberHarness.json;
import static io.tributary.subscriber.it.SubscriberHarness.upsert;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.tributary.localstack.LocalStackExtension;
import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two subscribers in one group share a 4-partition topic; one of them — a child process running the service jar —
 * is killed with SIGKILL in the middle of a batch, and the other takes over its partitions from their last commits.
 */
@ExtendWith(LocalStackExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ConsumerGroupFailoverIT {

    private static final Path JAR = Path.of("target", "es-subscriber.jar");
    private static final Map<String, String> FAST_FAILURE_DETECTION = Map.of("session.timeout.ms", "6000",
            "heartbeat.interval.ms", "1000");

    private final RunningKafka kafka;
    private final RunningElasticsearch elasticsearch;
    private SubscriberHarness harness;
    private BulkHoldingProxy proxy;
    private Process child;

    ConsumerGroupFailoverIT(RunningKafka kafka, RunningElasticsearch elasticsearch) {
        this.kafka = kafka;
        this.elasticsearch = elasticsearch;
    }

    @AfterEach
    void stop() throws Exception {
        if (child != null) {
            child.destroyForcibly().waitFor();
        }
        if (harness != null) {
            harness.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    private Process startChildSubscriber() throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR + " is built by the package phase, before failsafe runs");
        Path config = Files.createTempFile(Path.of("target"), "failover-", ".conf");
        Files.writeString(config, "tributary.kafka.properties { \"session.timeout.ms\" = \"6000\","
                + " \"heartbeat.interval.ms\" = \"1000\" }\n");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", JAR.toString(), "--config", config.toString());
        builder.environment().put("TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        builder.environment().put("TRIBUTARY_KAFKA_TOPIC", harness.topic);
        builder.environment().put("TRIBUTARY_KAFKA_GROUP_ID", harness.group);
        builder.environment().put("TRIBUTARY_KAFKA_MAX_POLL_RECORDS", "20");
        builder.environment().put("TRIBUTARY_ELASTICSEARCH_URLS", proxy.url());
        // Batches gather whatever is in the topic for up to 2 s, then go out in requests of a few records each.
        builder.environment().put("TRIBUTARY_ELASTICSEARCH_BULK_MAX_WAIT", "2s");
        builder.environment().put("TRIBUTARY_ELASTICSEARCH_BULK_MAX_BYTES", "1024");
        builder.environment().put("TRIBUTARY_ELASTICSEARCH_BULK_CONCURRENCY", "1");
        builder.environment().put("TRIBUTARY_HTTP_PORT", "0");
        builder.redirectErrorStream(true).redirectOutput(Path.of("target", "failover-child.log").toFile());
        return builder.start();
    }

    /** Member id → how many partitions it owns. */
    private Map<String, Integer> assignment(Admin admin) throws Exception {
        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(harness.group)).all()
                .get(30, TimeUnit.SECONDS).get(harness.group);
        Map<String, Integer> owned = new TreeMap<>();
        for (MemberDescription member : group.members()) {
            owned.put(member.consumerId(), member.assignment().topicPartitions().size());
        }
        return owned;
    }

    /**
     * The child applies its partitions through a {@link BulkHoldingProxy}: round 0 goes through; then a trigger
     * change per partition makes it send a bulk the proxy holds unsent while round 1 (every row's last change) is
     * written; released, the child commits the triggers and gathers a batch of round 1 larger than one bulk request
     * ({@code max-bytes} 1024, one lane), whose first request Elasticsearch applies but whose answer never comes back.
     * Killed then, the child holds applied-but-uncommitted records, records of its batch not applied, and records
     * not yet polled. The survivor must end every row at its round 1 change: source and {@code _version}.
     */
    @Test
    void theSurvivorAppliesEveryRecordTheKilledSubscriberHadNotCommittedExactlyOnceInEffect() throws Exception {
        harness = new SubscriberHarness(kafka, elasticsearch, "failover", 4);
        proxy = new BulkHoldingProxy(elasticsearch.url());
        harness.startSubscriber(harness.settings(harness.group, 20, FAST_FAILURE_DETECTION));
        child = startChildSubscriber();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            SubscriberHarness.await("two members sharing four partitions", Duration.ofSeconds(60), () -> {
                try {
                    Map<String, Integer> owned = assignment(admin);
                    return owned.size() == 2 && owned.values().stream().allMatch(n -> n == 2);
                } catch (Exception e) {
                    return false;
                }
            });
            Map<String, JsonNode> round0 = sendRound(0, 1_000);
            harness.awaitCaughtUp(harness.group, Duration.ofSeconds(60));
            SubscriberHarness.await("round 0 in Elasticsearch", Duration.ofSeconds(60), () -> {
                try {
                    return harness.documents(index("failover")).equals(round0);
                } catch (Exception e) {
                    return false;
                }
            });

            proxy.holdBulksUnsent();
            for (int id = 0; id < 4; id++) {
                harness.send(id % 4, upsert("failover", 2_000 + id, "{\"id\":" + id + ",\"trigger\":true}"));
            }
            proxy.awaitBulkHeldUnsent(Duration.ofSeconds(30));
            Map<String, JsonNode> expected = sendRound(1, 3_000);
            proxy.sendHeldBulksThenHoldAnswers();
            proxy.awaitBulkAppliedAndHeld(Duration.ofSeconds(30));
            child.destroyForcibly().waitFor();

            harness.awaitCaughtUp(harness.group, Duration.ofSeconds(90));
            assertEquals(expected, harness.documents(index("failover")), "every row at its last change");
            Counter conflicts = harness.metrics.find("tributary.subscriber.version.conflicts").counter();
            assertTrue(conflicts != null && conflicts.count() >= 1,
                    "the survivor applied the killed subscriber's applied-but-uncommitted records again");
            Map<String, Integer> owned = assignment(admin);
            assertEquals(1, owned.size(), "only the survivor is left: " + owned);
            assertEquals(4, owned.values().iterator().next());
        }
    }

    /** Writes a change of each of 40 rows ({@code lsn} + id), spread over the four partitions; their documents. */
    private Map<String, JsonNode> sendRound(int round, long lsn) {
        Map<String, JsonNode> documents = new TreeMap<>();
        for (int id = 0; id < 40; id++) {
            String row = "{\"id\":" + id + ",\"round\":" + round + "}";
            harness.send(id % 4, upsert("failover", lsn + id, row));
            documents.put(Integer.toString(id), json("{\"version\":" + (lsn + id) + ",\"source\":" + row + "}"));
        }
        return documents;
    }
}
