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
import io.tributary.subscriber.EsSubscriber;
import io.tributary.subscriber.SubscriberSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Partitions change owners while records keep coming and batches are in flight: a second subscriber joins the group,
 * then the first leaves it. Each subscriber applies one batch while it polls the next, so at each rebalance the one
 * giving partitions up holds a batch being applied and a batch being gathered; nothing of either may be lost (an
 * offset committed past a record nobody applied) and no older change may win over a newer one.
 */
@ExtendWith(LocalStackExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ConsumerGroupRebalanceIT {

    private static final String TABLE = "rebalance";
    private static final int ROWS = 2_000;
    private static final int UPDATES = 1_000;
    private static final long FIRST_LSN = 10_000;

    private final RunningKafka kafka;
    private final RunningElasticsearch elasticsearch;
    private SubscriberHarness harness;
    private BulkHoldingProxy proxy;

    ConsumerGroupRebalanceIT(RunningKafka kafka, RunningElasticsearch elasticsearch) {
        this.kafka = kafka;
        this.elasticsearch = elasticsearch;
    }

    @AfterEach
    void stop() throws Exception {
        if (harness != null) {
            harness.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    /**
     * 2,000 rows written once, then the first 1,000 written again at higher LSNs, spread over four partitions, one
     * record at a time. Bulk requests are slowed down so batches are in flight most of the time: small batches (20
     * operations per request, two requests at once) behind a proxy that holds each bulk 30 ms. The second subscriber
     * joins after 600 records, the first leaves (stopped as on SIGTERM) after 2,000. Every row must end at its last
     * change, and the group must have committed every record.
     */
    @Test
    void noRecordIsLostAndNoOlderChangeWinsWhenPartitionsMoveMidBatch() throws Exception {
        harness = new SubscriberHarness(kafka, elasticsearch, TABLE, 4);
        proxy = new BulkHoldingProxy(elasticsearch.url());
        proxy.delayBulks(Duration.ofMillis(30));
        SubscriberSettings settings = harness.settings(
                "tributary.elasticsearch.urls = \"" + proxy.url() + "\"",
                "tributary.kafka.max-poll-records = 20",
                "tributary.elasticsearch.bulk { max-actions = 20, concurrency = 2, max-wait = 20ms }");
        EsSubscriber first = harness.startSubscriber(settings);

        AtomicInteger sent = new AtomicInteger();
        Map<String, JsonNode> expected = new TreeMap<>();
        CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < ROWS + UPDATES; i++) {
                int id = i < ROWS ? i : i - ROWS;
                long lsn = FIRST_LSN + i;
                String row = "{\"id\":" + id + ",\"round\":" + (i < ROWS ? 0 : 1) + "}";
                harness.send(id % 4, upsert(TABLE, lsn, row));
                synchronized (expected) {
                    expected.put(Integer.toString(id), json("{\"version\":" + lsn + ",\"source\":" + row + "}"));
                }
                sent.incrementAndGet();
            }
        });

        SubscriberHarness.await("600 records written", Duration.ofSeconds(60), () -> sent.get() >= 600);
        harness.startSubscriber(settings);
        SubscriberHarness.await("2,000 records written", Duration.ofSeconds(60), () -> sent.get() >= 2_000);
        first.close();
        writing.get(60, TimeUnit.SECONDS);

        harness.awaitCaughtUp(harness.group, Duration.ofSeconds(90));
        Map<String, JsonNode> documents = harness.documents(index(TABLE));
        assertEquals(ROWS, documents.size(), "one document per row: none lost");
        assertEquals(expected, documents, "every row at its last change, with its LSN as version");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(harness.group)).all()
                    .get(30, TimeUnit.SECONDS).get(harness.group);
            assertEquals(1, group.members().size(), "only the second subscriber is left: " + group.members());
            assertEquals(4, group.members().iterator().next().assignment().topicPartitions().size());
        }
        assertTrue(proxy.bulkRequests() > 50, "the rows went out in many small bulk requests: "
                + proxy.bulkRequests());
    }
}
