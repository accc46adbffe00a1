package io.tributary.subscriber.it;

import static io.tributary.subscriber.it.SubscriberHarness.delete;
import static io.tributary.subscriber.it.SubscriberHarness.index;
import static io.tributary.subscriber.it.SubscriberHarness.json;
import static io.tributary.subscriber.it.SubscriberHarness.source;
import static io.tributary.subscriber.it.SubscriberHarness.upsert;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.tributary.index.mapping.TableMapping;
import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningKafka;
import io.tributary.model.ChangeEvent;
import io.tributary.model.Operation;
import io.tributary.subscriber.EsSubscriber;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An index closed or deleted under a running subscriber is the index's fault, not the records': a closed index holds
 * its changes back — the batch retried, not ready, counted with the index's name, nothing dead-lettered and nothing
 * committed, a sweep of it waiting too — until it is opened, when they all arrive; a deleted index is created again
 * with its alias and mappings before the next write, never by Elasticsearch's dynamic auto-creation.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class UnavailableIndexIT extends SubscriberItSupport {

    private final HttpClient http = HttpClient.newHttpClient();

    UnavailableIndexIT(RunningKafka kafka, RunningElasticsearch elasticsearch) {
        super(kafka, elasticsearch);
    }

    private void post(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(elasticsearch.url() + path))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
    }

    private void deleteIndex(String index) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(elasticsearch.url() + "/"
                + index)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
    }

    private double unavailable(String target, String reason) {
        Counter counter = harness.metrics.find("tributary.subscriber.index.unavailable").tag("index", target)
                .tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private static ChangeEvent sweep(String table, long version) {
        return new ChangeEvent(Operation.SWEEP, source(table, version), json("{}"), null, null);
    }

    @Test
    void aClosedIndexHoldsItsChangesBackUntilItIsOpenedAndNothingIsDeadLettered() throws Exception {
        harness = new SubscriberHarness(kafka, elasticsearch, "closed", 1);
        String table = "closed";
        String target = index(table);
        EsSubscriber subscriber = harness.startSubscriber(harness.group, 100);
        Map<String, JsonNode> expected = new TreeMap<>();
        for (int id = 1; id <= 3; id++) {
            harness.send(0, upsert(table, 10 + id, "{\"id\":" + id + ",\"v\":\"before\"}"));
            expected.put(Integer.toString(id), json("{\"id\":" + id + ",\"v\":\"before\"}"));
        }
        harness.awaitCaughtUp(harness.group, WAIT);
        Map<TopicPartition, Long> committedBefore = harness.committed(harness.group);

        String concrete = target + TableMapping.FIRST_GENERATION;

        // Writes meet the closed index.
        post("/" + concrete + "/_close");
        harness.send(0, upsert(table, 20, "{\"id\":1,\"v\":\"while closed\"}"));
        harness.send(0, upsert(table, 21, "{\"id\":4,\"v\":\"while closed\"}"));
        harness.send(0, delete(table, 22, 2));
        expected.put("1", json("{\"id\":1,\"v\":\"while closed\"}"));
        expected.put("4", json("{\"id\":4,\"v\":\"while closed\"}"));
        expected.remove("2");
        assertHeldBack(subscriber, target, committedBefore, 2);
        post("/" + concrete + "/_open");
        harness.awaitCaughtUp(harness.group, WAIT);
        harness.awaitSources(target, expected, WAIT);
        assertTrue(subscriber.isReady());

        // A sweep's scan (a refresh, a point in time) meets it first.
        committedBefore = harness.committed(harness.group);
        post("/" + concrete + "/_close");
        harness.send(0, sweep(table, 5));
        harness.send(0, upsert(table, 23, "{\"id\":5,\"v\":\"after the sweep\"}"));
        expected.put("5", json("{\"id\":5,\"v\":\"after the sweep\"}"));
        assertHeldBack(subscriber, target, committedBefore, unavailable(target, "closed") + 2);
        post("/" + concrete + "/_open");
        harness.awaitCaughtUp(harness.group, WAIT);
        harness.awaitSources(target, expected, WAIT);
        assertTrue(subscriber.isReady());
        assertEquals(List.of(), harness.readDeadLetters(1, Duration.ofSeconds(2)), "nothing dead-lettered");
    }

    /** The subscriber retries while {@code target} is closed: counted, not ready, running, nothing committed. */
    private void assertHeldBack(EsSubscriber subscriber, String target, Map<TopicPartition, Long> committedBefore,
                                double counted) throws Exception {
        SubscriberHarness.await("the closed index to be counted " + counted + " times", WAIT,
                () -> unavailable(target, "closed") >= counted || subscriber.failure().isPresent());
        assertEquals(Optional.empty(), subscriber.failure(), "a closed index does not stop the subscriber");
        assertFalse(subscriber.isReady(), "not ready while the index is closed");
        assertEquals(committedBefore, harness.committed(harness.group), "nothing committed while it is closed");
        assertEquals(List.of(), harness.readDeadLetters(1, Duration.ofSeconds(2)), "nothing dead-lettered");
        assertTrue(harness.metrics.get("tributary.subscriber.retries").counter().count() >= 2);
    }

    @Test
    void aDeletedIndexIsCreatedAgainWithItsAliasAndMappingsNotByDynamicAutoCreation() throws Exception {
        harness = new SubscriberHarness(kafka, elasticsearch, "deleted", 1);
        String table = "deleted";
        String target = index(table);
        String concrete = target + TableMapping.FIRST_GENERATION;
        EsSubscriber subscriber = harness.startSubscriber(harness.group, 100);
        harness.send(0, upsert(table, 10, "{\"id\":1,\"v\":\"before\"}"));
        harness.awaitCaughtUp(harness.group, WAIT);

        deleteIndex(concrete);
        harness.send(0, upsert(table, 20, "{\"id\":2,\"v\":\"after the delete\"}"));
        harness.send(0, delete(table, 21, 3));
        harness.awaitCaughtUp(harness.group, WAIT);

        JsonNode aliases = harness.get("/_alias/" + target);
        List<String> indices = new java.util.ArrayList<>();
        aliases.fieldNames().forEachRemaining(indices::add);
        assertEquals(List.of(concrete), indices,
                "the alias over <name>-000001 again, not an index named like the alias: " + aliases);
        assertTrue(aliases.path(concrete).path("aliases").path(target).path("filter").toString()
                .contains("_tributary_deleted"), "the alias hides delete markers again: " + aliases);
        assertEquals("date", harness.get("/" + concrete + "/_mapping").path(concrete).path("mappings")
                .path("properties").path("_tributary_deleted").path("type").asText(), "Tributary's fields mapped");
        harness.awaitSources(target, Map.of("2", json("{\"id\":2,\"v\":\"after the delete\"}")), WAIT);
        assertTrue(unavailable(target, "missing") >= 1, "the missing index is counted");
        assertEquals(List.of(), harness.readDeadLetters(1, Duration.ofSeconds(2)), "nothing dead-lettered");
        assertTrue(subscriber.isReady());
    }
}
