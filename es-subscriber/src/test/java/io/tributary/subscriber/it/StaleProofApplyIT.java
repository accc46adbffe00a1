package io.tributary.subscriber.it;

import static io.tributary.subscriber.it.SubscriberHarness.SCHEMA;
import static io.tributary.subscriber.it.SubscriberHarness.delete;
import static io.tributary.subscriber.it.SubscriberHarness.index;
import static io.tributary.subscriber.it.SubscriberHarness.json;
import static io.tributary.subscriber.it.SubscriberHarness.source;
import static io.tributary.subscriber.it.SubscriberHarness.truncate;
import static io.tributary.subscriber.it.SubscriberHarness.upsert;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.index.mapping.TableMapping;
import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningKafka;
import io.tributary.model.ChangeEvent;
import io.tributary.model.Operation;
import io.tributary.model.TableId;
import io.tributary.subscriber.SubscriberSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Deletes are remembered for as long as an older write can arrive, not for Elasticsearch's {@code index.gc_deletes}:
 * each test sets {@code gc_deletes} to 0 s and lets Elasticsearch prune its own tombstones before the older write comes,
 * so a real delete would be forgotten and the row brought back. Covers a late change, a key change on another
 * partition, a truncate in either order with the inserts after it, a truncate of one table of a shared index, and the
 * purge of markers past {@code deletes.keep-for}.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StaleProofApplyIT extends SubscriberItSupport {

    private final HttpClient http = HttpClient.newHttpClient();

    StaleProofApplyIT(RunningKafka kafka, RunningElasticsearch elasticsearch) {
        super(kafka, elasticsearch);
    }

    private String unique(String name) {
        return name + "_" + harness.topic.substring(harness.topic.lastIndexOf('-') + 1);
    }

    /** Each document's version, by id, as searches see them. */
    private Map<String, Long> versions(String target) throws Exception {
        Map<String, Long> versions = new TreeMap<>();
        harness.documents(target).forEach((id, document) -> versions.put(id, document.get("version").asLong()));
        return versions;
    }

    /**
     * Makes Elasticsearch forget deletes at once ({@code index.gc_deletes: 0s}), then writes and refreshes once more
     * after a pause, which prunes the tombstones of every earlier delete.
     */
    private void forgetTombstones(String concreteIndex, String table) throws Exception {
        request("PUT", "/" + concreteIndex + "/_settings", "{\"index\":{\"gc_deletes\":\"0s\"}}");
        Thread.sleep(1_100);
        harness.send(0, upsert(table, 1_000_000, "{\"id\":999999}"));
        harness.awaitCaughtUp(harness.group, WAIT);
        request("POST", "/" + concreteIndex + "/_refresh", "");
        Thread.sleep(1_100);
        request("POST", "/" + concreteIndex + "/_refresh", "");
    }

    private void request(String method, String path, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(elasticsearch.url() + path))
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), method + " " + path + ": " + response.body());
    }

    @Test
    void aLateChangeOfADeletedRowNeverBringsItBackHoweverOld() throws Exception {
        harness = new SubscriberHarness(kafka, elasticsearch, "forgotten", 1);
        String table = unique("forgotten");
        harness.startSubscriber(harness.group, 100);
        harness.send(0, upsert(table, 100, "{\"id\":1,\"v\":\"first\"}"));
        harness.send(0, upsert(table, 110, "{\"id\":2,\"v\":\"kept\"}"));
        harness.send(0, delete(table, 200, 1));
        harness.awaitCaughtUp(harness.group, WAIT);
        forgetTombstones(index(table) + TableMapping.FIRST_GENERATION, table);

        harness.send(0, upsert(table, 150, "{\"id\":1,\"v\":\"late\"}"));
        harness.awaitCaughtUp(harness.group, WAIT);

        assertEquals(Map.of("2", 110L, "999999", 1_000_000L), versions(index(table)),
                "row 1 stays deleted: searches through the alias see no marker and no late row");
        JsonNode marker = harness.get("/" + index(table) + "/_doc/1");
        assertEquals(200, marker.get("_version").asLong(), "the delete's version is kept by its marker");
        assertTrue(marker.at("/_source/_tributary_deleted").isTextual(), marker.toString());
        assertEquals(2, harness.get("/" + index(table) + "/_count").get("count").asLong(),
                "_count through the alias counts rows only");
    }

    @Test
    void aKeyChangeOnAnotherPartitionWinsOverALaterArrivingOlderChangeOfTheOldKey() throws Exception {
        harness = new SubscriberHarness(kafka, elasticsearch, "keys", 2);
        String table = unique("keys");
        harness.startSubscriber(harness.group, 100);
        harness.send(0, upsert(table, 100, "{\"id\":1,\"v\":\"a\"}"));
        ObjectNode moved = json("{\"id\":2,\"v\":\"c\"}");
        // partition-by = key: the key change travels with the new key, on partition 1.
        harness.send(1, new ChangeEvent(Operation.UPDATE, source(table, 300), json("{\"id\":2}"), json("{\"id\":1}"),
                moved));
        harness.awaitCaughtUp(harness.group, WAIT);
        forgetTombstones(index(table) + TableMapping.FIRST_GENERATION, table);

        // The old key's own partition lagged: its update made before the key change arrives only now.
        harness.send(0, upsert(table, 200, "{\"id\":1,\"v\":\"b\"}"));
        harness.awaitCaughtUp(harness.group, WAIT);

        assertEquals(Map.of("2", 300L, "999999", 1_000_000L), versions(index(table)),
                "the old key stays deleted, the row lives under its new key");
    }

    @Test
    void aTruncateKeepsVersionsAndTheInsertsAfterItWhicheverArrivesFirst() throws Exception {
        harness = new SubscriberHarness(kafka, elasticsearch, "truncate", 2);
        String table = unique("truncated");
        harness.startSubscriber(harness.group, 100);
        for (int id = 1; id <= 3; id++) {
            harness.send(0, upsert(table, 10 + id, "{\"id\":" + id + "}"));
        }
        harness.awaitCaughtUp(harness.group, WAIT);
        String concrete = index(table) + TableMapping.FIRST_GENERATION;
        String uuid = harness.get("/" + concrete + "/_settings").at("/" + concrete + "/settings/index/uuid").asText();
        // partition-by = key: an insert after the truncate, on another partition, is applied before the truncate.
        harness.send(1, upsert(table, 40, "{\"id\":4,\"after\":\"truncate\"}"));
        harness.awaitCaughtUp(harness.group, WAIT);
        harness.send(0, truncate(table, 30));
        harness.awaitCaughtUp(harness.group, WAIT);
        forgetTombstones(concrete, table);

        harness.send(0, upsert(table, 11, "{\"id\":1,\"replayed\":true}"));
        harness.send(1, upsert(table, 50, "{\"id\":5,\"after\":\"truncate\"}"));
        harness.awaitCaughtUp(harness.group, WAIT);

        assertEquals(Map.of("4", 40L, "5", 50L, "999999", 1_000_000L), versions(index(table)),
                "rows from before the truncate are gone for good, those after it stay in either order");
        assertEquals(3.0, harness.metrics.get("tributary.subscriber.truncated.documents").counter().count());
        assertEquals(uuid, harness.get("/" + concrete + "/_settings").at("/" + concrete + "/settings/index/uuid")
                .asText(), "the index is never deleted and created again");
    }

    @Test
    void aTruncateCopiedToEveryPartitionRemovesARowWhoseEarlierInsertArrivesLateFromAnotherPartition()
            throws Exception {
        harness = new SubscriberHarness(kafka, elasticsearch, "truncate-copies", 2);
        String table = unique("spread");
        harness.startSubscriber(harness.group, 100);
        // partition-by = key: the producer sends a truncate to every partition. Partition 0's copy is applied while
        // partition 1 still holds an insert committed before the truncate.
        harness.send(0, upsert(table, 10, "{\"id\":1}"));
        harness.send(0, truncate(table, 30));
        harness.awaitCaughtUp(harness.group, WAIT);
        harness.send(1, upsert(table, 20, "{\"id\":2,\"late\":true}"));
        harness.send(1, truncate(table, 30));
        harness.awaitCaughtUp(harness.group, WAIT);

        assertEquals(Map.of(), versions(index(table)),
                "the late insert from before the truncate is removed by its own partition's copy");
    }

    @Test
    void aTruncateOfOneTableLeavesTheOtherTablesOfAnIndexTheyShare() throws Exception {
        harness = new SubscriberHarness(kafka, elasticsearch, "shared", 1);
        String partitionA = unique("orders_2025");
        String partitionB = unique("orders_2026");
        String alias = unique("orders");
        harness.startSubscriber(harness.settings(Map.of(
                new TableId(SCHEMA, partitionA), shared(partitionA, alias),
                new TableId(SCHEMA, partitionB), shared(partitionB, alias))));
        harness.send(0, upsert(partitionA, 10, "{\"id\":1}"));
        harness.send(0, upsert(partitionB, 11, "{\"id\":2}"));
        harness.send(0, upsert(partitionA, 12, "{\"id\":3}"));
        harness.send(0, truncate(partitionA, 20));
        harness.awaitCaughtUp(harness.group, WAIT);

        Map<String, JsonNode> sources = harness.sources(alias);
        assertEquals(Set.of("2"), sources.keySet(), "only the truncated table's documents are gone");
        assertEquals(json("{\"_tributary_table\":\"" + SCHEMA + "." + partitionB + "\",\"id\":2}"), sources.get("2"),
                "a document of a shared index names its table");
    }

    private static TableMapping shared(String table, String alias) {
        return new TableMapping(new TableId(SCHEMA, table), alias + TableMapping.FIRST_GENERATION, Optional.of(alias),
                Set.of(), Set.of(), Map.of(), Optional.empty(), Optional.empty());
    }

    @Test
    void markersOlderThanKeepForArePurgedAndRowsStay() throws Exception {
        harness = new SubscriberHarness(kafka, elasticsearch, "purge", 1);
        String table = unique("purged");
        harness.startSubscriber(harness.settings("tributary.elasticsearch.deletes { keep-for = 1s,"
                + " purge-interval = 1s }"));
        harness.send(0, upsert(table, 10, "{\"id\":1}"));
        harness.send(0, upsert(table, 11, "{\"id\":2}"));
        harness.send(0, delete(table, 20, 1));
        harness.awaitCaughtUp(harness.group, WAIT);

        SubscriberHarness.await("the marker of row 1 to be purged", WAIT, () -> {
            try {
                return harness.get("/" + index(table) + "/_doc/1") == null;
            } catch (Exception e) {
                return false;
            }
        });
        assertEquals(Map.of("2", 11L), versions(index(table)));
        // The purge deletes, then counts: under load the GET above can see the deletion before the count.
        SubscriberHarness.await("the purge to be counted", WAIT,
                () -> harness.metrics.get("tributary.subscriber.purged.markers").counter().count() >= 1);
    }
}
