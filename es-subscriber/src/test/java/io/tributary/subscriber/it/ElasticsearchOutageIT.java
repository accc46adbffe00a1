package io.tributary.subscriber.it;

import static io.tributary.subscriber.it.SubscriberHarness.index;
import static io.tributary.subscriber.it.SubscriberHarness.json;
import static io.tributary.subscriber.it.SubscriberHarness.upsert;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.localstack.LocalStackExtension;
import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningKafka;
import io.tributary.subscriber.EsSubscriber;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Elasticsearch stops for two minutes while changes keep coming: nothing is committed meanwhile, the consumer keeps
 * its group membership (it goes on polling, paused, while it retries; {@code max.poll.interval.ms} is 5 minutes
 * anyway), and afterwards every document is there at its newest change.
 */
@ExtendWith(LocalStackExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ElasticsearchOutageIT {

    private static final Duration OUTAGE = Duration.ofSeconds(120);

    private final RunningKafka kafka;
    private final RunningElasticsearch elasticsearch;
    private SubscriberHarness harness;

    ElasticsearchOutageIT(RunningKafka kafka, RunningElasticsearch elasticsearch) {
        this.kafka = kafka;
        this.elasticsearch = elasticsearch;
    }

    @AfterEach
    void stop() throws Exception {
        elasticsearch.start();
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void everyDocumentArrivesAfterTheOutageAndNothingIsCommittedDuringIt() throws Exception {
        harness = new SubscriberHarness(kafka, elasticsearch, "outage", 2);
        String table = "outage";
        Map<String, JsonNode> expected = new TreeMap<>();
        long lsn = 1;
        EsSubscriber subscriber = harness.startSubscriber(harness.group, 50);
        for (int id = 0; id < 100; id++) {
            String row = "{\"id\":" + id + ",\"phase\":\"before\"}";
            harness.send(id % 2, upsert(table, lsn++, row));
            expected.put(Integer.toString(id), json(row));
        }
        harness.awaitCaughtUp(harness.group, Duration.ofSeconds(60));
        Map<TopicPartition, Long> committedBefore = harness.committed(harness.group);

        long outageStart = System.nanoTime();
        elasticsearch.stop();
        for (int round = 0; round < 10; round++) {
            for (int id = round * 15; id < round * 15 + 15; id++) {
                String row = "{\"id\":" + id + ",\"phase\":\"during\",\"round\":" + round + "}";
                harness.send(id % 2, upsert(table, lsn++, row));
                expected.put(Integer.toString(id), json(row));
            }
            Thread.sleep(1_000);
            assertEquals(committedBefore, harness.committed(harness.group), "nothing committed while ES is down");
        }
        assertFalse(subscriber.isReady(), "not ready while Elasticsearch refuses the batch");
        long remaining = OUTAGE.toNanos() - (System.nanoTime() - outageStart);
        if (remaining > 0) {
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(remaining));
        }
        assertEquals(committedBefore, harness.committed(harness.group), "nothing committed while ES is down");
        elasticsearch.start();

        harness.awaitCaughtUp(harness.group, Duration.ofSeconds(60));
        harness.awaitSources(index(table), expected, Duration.ofSeconds(30));
        assertTrue(subscriber.isReady());
        assertTrue(harness.metrics.get("tributary.subscriber.retries").counter().count() > 0);
    }
}
