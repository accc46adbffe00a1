package io.tributary.subscriber.it;

import static io.tributary.subscriber.it.SubscriberHarness.index;
import static io.tributary.subscriber.it.SubscriberHarness.json;
import static io.tributary.subscriber.it.SubscriberHarness.upsert;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
 * is killed with SIGKILL mid-stream, and the other takes over its partitions from their last commits.
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
        builder.environment().put("TRIBUTARY_ELASTICSEARCH_URLS", elasticsearch.url());
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

    @Test
    void theSurvivorTakesOverTheKilledSubscribersPartitions() throws Exception {
        harness = new SubscriberHarness(kafka, elasticsearch, "failover", 4);
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

            Map<String, JsonNode> expected = new TreeMap<>();
            long lsn = 1;
            for (int round = 0; round < 6; round++) {
                for (int id = 0; id < 40; id++) {
                    String row = "{\"id\":" + id + ",\"round\":" + round + "}";
                    harness.send(id % 4, upsert("failover", lsn++, row));
                    expected.put(Integer.toString(id), json(row));
                }
                if (round == 2) {
                    child.destroyForcibly().waitFor();
                }
            }
            harness.awaitCaughtUp(harness.group, Duration.ofSeconds(90));
            harness.awaitSources(index("failover"), expected, Duration.ofSeconds(30));

            Map<String, Integer> owned = assignment(admin);
            assertEquals(1, owned.size(), "only the survivor is left: " + owned);
            assertEquals(4, owned.values().iterator().next());
        }
    }
}
