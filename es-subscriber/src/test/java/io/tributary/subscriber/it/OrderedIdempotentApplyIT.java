package io.tributary.subscriber.it;

import static io.tributary.subscriber.it.SubscriberHarness.delete;
import static io.tributary.subscriber.it.SubscriberHarness.index;
import static io.tributary.subscriber.it.SubscriberHarness.json;
import static io.tributary.subscriber.it.SubscriberHarness.upsert;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningKafka;
import io.tributary.subscriber.SubscriberSettings;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Order within a partition, replays and late changes: Elasticsearch always ends at each row's newest change. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class OrderedIdempotentApplyIT extends SubscriberItSupport {

    OrderedIdempotentApplyIT(RunningKafka kafka, RunningElasticsearch elasticsearch) {
        super(kafka, elasticsearch);
    }

    @Test
    void manyUpdatesOfTheSameRowsEndAtTheLastValues() throws Exception {
        harness = new SubscriberHarness(kafka, elasticsearch, "ordering", 2);
        String table = "ordering";
        long lsn = 1_000;
        Map<String, JsonNode> expected = new TreeMap<>();
        for (int round = 0; round < 40; round++) {
            for (int id = 0; id < 20; id++) {
                String row = "{\"id\":" + id + ",\"round\":" + round + ",\"text\":\"r" + round + "\"}";
                harness.send(id % 2, upsert(table, lsn++, row));
                expected.put(Integer.toString(id), json(row));
            }
        }
        harness.startSubscriber(harness.group, 57);

        harness.awaitSources(index(table), expected, WAIT);
    }

    @Test
    void aBatchSpanningFourPartitionsIsAppliedCompletelyWithTwoRequestsAtATime() throws Exception {
        harness = new SubscriberHarness(kafka, elasticsearch, "partitions", 4);
        String table = "partitions";
        long lsn = 10_000;
        Map<String, JsonNode> expected = new TreeMap<>();
        for (int round = 0; round < 3; round++) {
            for (int id = 0; id < 400; id++) {
                String row = "{\"id\":" + id + ",\"round\":" + round + ",\"text\":\"" + "r".repeat(100) + "\"}";
                harness.send(id % 4, upsert(table, lsn++, row));
                expected.put(Integer.toString(id), json(row));
            }
        }
        harness.startSubscriber(harness.settings(harness.group, 1000, Map.of())
                .withBulk(new SubscriberSettings.Bulk(1000, 16 * 1024, Duration.ofMillis(500), 2)));

        harness.awaitCaughtUp(harness.group, WAIT);
        harness.awaitSources(index(table), expected, WAIT);
        assertTrue(harness.metrics.get("tributary.subscriber.bulk.operations").summary().count() >= 4 * 3,
                "each partition's share split by max-bytes into several requests");
    }

    @Test
    void replayingTheWholeTopicLeavesElasticsearchUnchanged() throws Exception {
        harness = new SubscriberHarness(kafka, elasticsearch, "replay", 2);
        String table = "replay";
        long lsn = 5_000;
        for (int round = 0; round < 5; round++) {
            for (int id = 0; id < 30; id++) {
                harness.send(id % 2, upsert(table, lsn++, "{\"id\":" + id + ",\"round\":" + round + "}"));
            }
        }
        for (int id = 0; id < 30; id += 3) {
            harness.send(id % 2, delete(table, lsn++, id));
        }
        harness.startSubscriber(harness.group, 40);
        harness.awaitCaughtUp(harness.group, WAIT);
        Map<String, JsonNode> before = harness.documents(index(table));
        assertEquals(20, before.size());

        String replayGroup = harness.group + "-replay";
        harness.startSubscriber(replayGroup, 40);
        harness.awaitCaughtUp(replayGroup, WAIT);

        assertEquals(before, harness.documents(index(table)), "documents and their _version after the replay");
        assertTrue(harness.metrics.get("tributary.subscriber.version.conflicts").counter().count() >= 150,
                "the replay's writes were stale");
    }

    @Test
    void anOlderChangeArrivingAfterANewerOneIsIgnored() throws Exception {
        harness = new SubscriberHarness(kafka, elasticsearch, "late", 1);
        String table = "late";
        harness.send(0, upsert(table, 200, "{\"id\":1,\"v\":\"new\"}"));
        harness.send(0, upsert(table, 100, "{\"id\":1,\"v\":\"old\"}"));
        harness.send(0, upsert(table, 200, "{\"id\":2,\"v\":\"created\"}"));
        harness.send(0, delete(table, 300, 2));
        harness.send(0, upsert(table, 250, "{\"id\":2,\"v\":\"late update\"}"));
        harness.startSubscriber(harness.group, 1);
        harness.awaitCaughtUp(harness.group, WAIT);

        Map<String, JsonNode> documents = harness.documents(index(table));
        assertEquals(Map.of("1", json("{\"version\":200,\"source\":{\"id\":1,\"v\":\"new\"}}")), documents,
                "row 1 at its newest change; row 2 stays deleted");
    }
}
