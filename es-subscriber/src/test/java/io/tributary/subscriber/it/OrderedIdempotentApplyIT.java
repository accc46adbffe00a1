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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
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

    /**
     * Every row's changes come out of order: rounds in a shuffled order, each row's changes split over both
     * partitions, then a replay of the older half of the rounds and an older change after each delete. Each row must
     * end at its newest change — source and {@code _version} — whatever the order of arrival.
     */
    @Test
    void rowsEndAtTheirNewestChangeWhateverOrderTheirChangesArriveIn() throws Exception {
        harness = new SubscriberHarness(kafka, elasticsearch, "ordering", 2);
        String table = "ordering";
        int rows = 20;
        int rounds = 30;
        List<Integer> order = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            order.add(round);
        }
        Collections.shuffle(order, new Random(11));
        for (int round : order) {
            sendRound(table, round, rows);
        }
        for (int round = 0; round < rounds / 2; round++) {
            sendRound(table, round, rows);
        }
        long deletes = 1_000_000;
        for (int id = 0; id < rows; id += 5) {
            harness.send(id % 2, delete(table, deletes + id, id));
            harness.send((id + 1) % 2, upsert(table, deletes + id - 1, row(id, -1)));
        }
        harness.startSubscriber(harness.group, 57);
        harness.awaitCaughtUp(harness.group, WAIT);

        Map<String, JsonNode> expected = new TreeMap<>();
        for (int id = 0; id < rows; id++) {
            if (id % 5 != 0) {
                expected.put(Integer.toString(id), json("{\"version\":" + lsn(rounds - 1, id) + ",\"source\":"
                        + row(id, rounds - 1) + "}"));
            }
        }
        assertEquals(expected, harness.documents(index(table)), "each row at its newest change; deleted rows gone");
    }

    /** One change of each row; a row's changes alternate between the two partitions from round to round. */
    private void sendRound(String table, int round, int rows) {
        for (int id = 0; id < rows; id++) {
            harness.send((id + round) % 2, upsert(table, lsn(round, id), row(id, round)));
        }
    }

    private static long lsn(int round, int id) {
        return 1_000 + round * 100L + id;
    }

    private static String row(int id, int round) {
        return "{\"id\":" + id + ",\"round\":" + round + ",\"text\":\"r" + round + "\"}";
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
        harness.startSubscriber(harness.settings("tributary.kafka.max-poll-records = 1000",
                "tributary.elasticsearch.bulk { max-actions = 1000, max-bytes = 16KiB, max-wait = 500ms,"
                        + " concurrency = 2 }"));

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
