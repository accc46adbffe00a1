package io.tributary.subscriber.it;

import static io.tributary.subscriber.it.SubscriberHarness.index;
import static io.tributary.subscriber.it.SubscriberHarness.json;
import static io.tributary.subscriber.it.SubscriberHarness.truncate;
import static io.tributary.subscriber.it.SubscriberHarness.upsert;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningKafka;
import io.tributary.localstack.testkit.DocumentReader;
import io.tributary.model.ChangeEventJson;
import io.tributary.subscriber.EsSubscriber;
import io.tributary.subscriber.SubscriberSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A truncate over a table of 10,000 documents that takes several times {@code max.poll.interval.ms} (5 s here: pages
 * of 100 documents, every bulk request of the subscriber slowed down by a proxy) goes on in the background after
 * {@code sweep.background-after}: the member keeps its place in the group (same member id, nothing left uncommitted
 * by a failed commit), the other partition's changes are applied while it runs, and the table's change after the
 * truncate is applied once it is done. A member that loses the partition mid-truncate stops marking at once, and the
 * new owner marks only what is left.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LongSweepIT extends SubscriberItSupport {

    private static final int DOCUMENTS = 10_000;
    private static final long TRUNCATE_VERSION = 1_000_000;
    private static final Map<String, String> SHORT_POLL_INTERVAL = Map.of("max.poll.interval.ms", "5000",
            "session.timeout.ms", "6000", "heartbeat.interval.ms", "1000");
    private static final String SMALL_PAGES = "tributary.elasticsearch.sweep { page-size = 100,"
            + " background-after = 500ms }";

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> started = new ArrayList<>();

    LongSweepIT(RunningKafka kafka, RunningElasticsearch elasticsearch) {
        super(kafka, elasticsearch);
    }

    @AfterEach
    void stopStarted() throws Exception {
        for (AutoCloseable closeable : started) {
            closeable.close();
        }
    }

    /** A name unique to this run, fit for tables and indices. */
    private String unique(String name) {
        return name + "_" + harness.topic.substring(harness.topic.lastIndexOf('-') + 1);
    }

    private EsSubscriber start(String clientId, String elasticsearchUrl, SimpleMeterRegistry metrics) {
        Map<String, String> kafkaProperties = new java.util.HashMap<>(SHORT_POLL_INTERVAL);
        kafkaProperties.put("client.id", clientId);
        SubscriberSettings settings = harness.settings(SubscriberHarness.kafkaProperties(kafkaProperties),
                "tributary.elasticsearch.urls = \"" + elasticsearchUrl + "\"", SMALL_PAGES);
        EsSubscriber subscriber = new EsSubscriber(settings, metrics);
        subscriber.start();
        started.add(0, subscriber::close);
        return subscriber;
    }

    private BulkHoldingProxy proxy() throws Exception {
        BulkHoldingProxy proxy = new BulkHoldingProxy(elasticsearch.url());
        started.add(proxy);
        return proxy;
    }

    /** Writes {@code count} documents of {@code target} straight to Elasticsearch, below the truncate's version. */
    private void load(String target, int count) throws Exception {
        for (int from = 0; from < count; from += 2_000) {
            StringBuilder body = new StringBuilder();
            for (int id = from; id < Math.min(count, from + 2_000); id++) {
                body.append("{\"index\":{\"_index\":\"").append(target).append("\",\"_id\":\"").append(id)
                        .append("\",\"version\":").append(100 + id).append(",\"version_type\":\"external\"}}\n")
                        .append("{\"id\":").append(id).append(",\"v\":\"before\"}\n");
            }
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(elasticsearch.url()
                            + "/_bulk?refresh=true&filter_path=errors")).POST(HttpRequest.BodyPublishers.ofString(
                            body.toString())).header("Content-Type", "application/x-ndjson").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("{\"errors\":false}", response.body());
        }
    }

    /** How many documents searches of {@code target} find now (delete markers are not among them). */
    private long count(String target) {
        return new DocumentReader(elasticsearch, ChangeEventJson.mapper()).count(target);
    }

    /** The member of the group that owns {@code partition}, as {@code clientId/memberId}; "" when none does. */
    private String owner(TopicPartition partition) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            Collection<MemberDescription> members = admin.describeConsumerGroups(List.of(harness.group)).all()
                    .get(30, TimeUnit.SECONDS).get(harness.group).members();
            for (MemberDescription member : members) {
                if (member.assignment().topicPartitions().contains(partition)) {
                    return member.clientId() + "/" + member.consumerId();
                }
            }
            return "";
        }
    }

    private static double truncated(SimpleMeterRegistry metrics, String target) {
        Counter counter = metrics.find("tributary.subscriber.truncated.documents").tag("index", target).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aTruncateOutlastingMaxPollIntervalGoesOnInTheBackgroundWhileTheOtherPartitionIsApplied() throws Exception {
        harness = new SubscriberHarness(kafka, elasticsearch, "long-truncate", 2);
        TopicPartition big = new TopicPartition(harness.topic, 0);
        String table = unique("big");
        String other = unique("other");
        BulkHoldingProxy proxy = proxy();
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        EsSubscriber subscriber = start("member", proxy.url(), metrics);
        harness.send(0, upsert(table, 10, "{\"id\":-1,\"v\":\"before\"}"));
        harness.send(1, upsert(other, 10, "{\"id\":0}"));
        harness.awaitCaughtUp(harness.group, WAIT);
        load(index(table), DOCUMENTS);
        String member = owner(big);
        assertTrue(member.startsWith("member/"), member);

        proxy.delayBulks(Duration.ofMillis(40));
        long start = System.nanoTime();
        harness.send(0, truncate(table, TRUNCATE_VERSION));
        harness.send(0, upsert(table, TRUNCATE_VERSION + 8, "{\"id\":1,\"v\":\"after the truncate\"}"));
        SubscriberHarness.await("the truncate to have marked some documents", WAIT,
                () -> truncated(metrics, index(table)) > 0);
        harness.send(1, upsert(other, 20, "{\"id\":1}"));
        SubscriberHarness.await("the other partition's change", WAIT, () -> {
            try {
                return harness.sources(index(other)).containsKey("1");
            } catch (Exception e) {
                return false;
            }
        });
        long left = count(index(table));
        assertTrue(left > 1, "the other partition's change was applied while the truncate was still marking ("
                + left + " documents left)");

        harness.awaitCaughtUp(harness.group, Duration.ofSeconds(90));
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertTrue(seconds > 5, "the truncate took longer than max.poll.interval.ms (" + seconds + " s)");
        harness.awaitSources(index(table), Map.of("1", json("{\"id\":1,\"v\":\"after the truncate\"}")), WAIT);
        assertEquals(member, owner(big), "the same member, never kicked out of the group for not polling");
        assertEquals(DOCUMENTS + 1.0, truncated(metrics, index(table)), "every document marked once");
        assertTrue(subscriber.isReady());
    }

    @Test
    void aMemberThatLosesThePartitionMidTruncateStopsMarkingAndTheNewOwnerMarksWhatIsLeft() throws Exception {
        harness = new SubscriberHarness(kafka, elasticsearch, "revoked-truncate", 1);
        TopicPartition big = new TopicPartition(harness.topic, 0);
        String table = unique("big");
        BulkHoldingProxy slow = proxy();
        SimpleMeterRegistry slowMetrics = new SimpleMeterRegistry();
        // The range assignor gives the one partition to the member whose id sorts first: "a-…" once it joins.
        start("b-slow", slow.url(), slowMetrics);
        harness.send(0, upsert(table, 10, "{\"id\":-1,\"v\":\"before\"}"));
        harness.awaitCaughtUp(harness.group, WAIT);
        load(index(table), DOCUMENTS);

        slow.delayBulks(Duration.ofMillis(40));
        harness.send(0, truncate(table, TRUNCATE_VERSION));
        harness.send(0, upsert(table, TRUNCATE_VERSION + 8, "{\"id\":1,\"v\":\"after the truncate\"}"));
        SubscriberHarness.await("the slow member's truncate to be under way", WAIT,
                () -> truncated(slowMetrics, index(table)) >= 1_000);

        SimpleMeterRegistry fastMetrics = new SimpleMeterRegistry();
        start("a-fast", elasticsearch.url(), fastMetrics);
        SubscriberHarness.await("the fast member to own the partition", WAIT, () -> {
            try {
                return owner(big).startsWith("a-fast/");
            } catch (Exception e) {
                return false;
            }
        });
        Thread.sleep(500);
        long slowBulks = slow.bulkRequests();
        double slowMarked = truncated(slowMetrics, index(table));
        Thread.sleep(3_000);
        assertEquals(slowBulks, slow.bulkRequests(), "the member that lost the partition writes nothing more");

        harness.awaitCaughtUp(harness.group, Duration.ofSeconds(90));
        harness.awaitSources(index(table), Map.of("1", json("{\"id\":1,\"v\":\"after the truncate\"}")), WAIT);
        assertEquals(slowMarked, truncated(slowMetrics, index(table)));
        double fastMarked = truncated(fastMetrics, index(table));
        assertEquals(DOCUMENTS + 1.0, slowMarked + fastMarked, "the new owner marks what is left, and no document"
                + " is marked twice (" + slowMarked + " by the member that lost the partition, then " + fastMarked
                + ")");
        assertEquals(Set.of("1"), harness.sources(index(table)).keySet());
    }
}
