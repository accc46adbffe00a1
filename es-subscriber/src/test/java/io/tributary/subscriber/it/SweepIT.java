package io.tributary.subscriber.it;

import static io.tributary.subscriber.it.SubscriberHarness.SCHEMA;
import static io.tributary.subscriber.it.SubscriberHarness.index;
import static io.tributary.subscriber.it.SubscriberHarness.json;
import static io.tributary.subscriber.it.SubscriberHarness.source;
import static io.tributary.subscriber.it.SubscriberHarness.upsert;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.index.mapping.TableMapping;
import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningKafka;
import io.tributary.model.ChangeEvent;
import io.tributary.model.Operation;
import io.tributary.model.TableId;
import io.tributary.subscriber.SubscriberSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sweeps through Kafka and the running subscriber: a table's documents below the sweep's version are marked deleted at
 * that version (behind an alias and with routing too), documents at or above it stay, a later snapshot read writes a
 * swept row again while an older change cannot; a sweep of an index two tables share marks only its own table's
 * documents; a sweep of a table without an index does nothing and is committed.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SweepIT extends SubscriberItSupport {

    SweepIT(RunningKafka kafka, RunningElasticsearch elasticsearch) {
        super(kafka, elasticsearch);
    }

    /** A name unique to this run, fit for tables and indices. */
    private String unique(String name) {
        return name + "_" + harness.topic.substring(harness.topic.lastIndexOf('-') + 1);
    }

    private static ChangeEvent sweep(String table, long version) {
        return new ChangeEvent(Operation.SWEEP, source(table, version), json("{}"), null, null);
    }

    private static ChangeEvent read(String table, long version, String row) {
        ObjectNode after = json(row);
        return new ChangeEvent(Operation.READ, source(table, version), SubscriberHarness.keyOf(after, "id"), null,
                after);
    }

    private static TableMapping mapping(String table, String index, Optional<String> alias, Optional<String> routing) {
        return new TableMapping(new TableId(SCHEMA, table), index, alias, Set.of(), Set.of(), Map.of(), routing,
                Optional.empty());
    }

    /** Each document's version, by id. */
    private Map<String, Long> versions(String index) throws Exception {
        Map<String, Long> versions = new TreeMap<>();
        harness.documents(index).forEach((id, document) -> versions.put(id, document.get("version").asLong()));
        return versions;
    }

    private double swept(String target) {
        return harness.metrics.get("tributary.subscriber.swept.documents").tag("index", target).counter().count();
    }

    @Test
    void aSweepMarksTheTablesDocumentsBelowItsVersionDeletedAtThatVersion() throws Exception {
        harness = new SubscriberHarness(kafka, elasticsearch, "sweep", 1);
        String orders = unique("orders");
        String routed = unique("routed");
        String alias = unique("routed_alias");
        String sharedA = unique("shared_a");
        String sharedB = unique("shared_b");
        String sharedIndex = unique("shared");
        String missing = unique("missing");
        // max-actions 3: a sweep reads pages of 3 documents, so the 5 of 'orders' take two, the second after the first.
        harness.startSubscriber(harness.settings(Map.of(
                new TableId(SCHEMA, routed), mapping(routed, alias + TableMapping.FIRST_GENERATION,
                        Optional.of(alias), Optional.of("tenant")),
                new TableId(SCHEMA, sharedA), mapping(sharedA, sharedIndex + TableMapping.FIRST_GENERATION,
                        Optional.of(sharedIndex), Optional.empty()),
                new TableId(SCHEMA, sharedB), mapping(sharedB, sharedIndex + TableMapping.FIRST_GENERATION,
                        Optional.of(sharedIndex), Optional.empty())),
                "tributary.elasticsearch.bulk { max-actions = 3, max-wait = 200ms, concurrency = 4 }"));

        for (long version : new long[] {5, 40, 100, 200}) {
            harness.send(0, upsert(orders, version, "{\"id\":" + version + "}"));
        }
        harness.send(0, upsert(routed, 5, "{\"id\":1,\"tenant\":\"t-1\"}"));
        harness.send(0, upsert(routed, 200, "{\"id\":2,\"tenant\":\"t-2\"}"));
        harness.send(0, upsert(sharedA, 5, "{\"id\":1}"));
        harness.send(0, upsert(sharedB, 6, "{\"id\":2}"));
        // Written just before the sweeps, likely in their batch: applied (and made visible) before them.
        harness.send(0, upsert(orders, 50, "{\"id\":50}"));
        harness.send(0, sweep(orders, 100));
        harness.send(0, sweep(routed, 100));
        harness.send(0, sweep(sharedA, 100));
        harness.send(0, sweep(missing, 100));
        harness.awaitCaughtUp(harness.group, WAIT);

        assertEquals(Map.of("100", 100L, "200", 200L), versions(index(orders)), "5, 40 and 50 are below 100");
        assertEquals(3.0, swept(index(orders)), "documents deleted by the sweep of " + orders);
        assertEquals(Map.of("2", 200L), versions(alias), "swept through the alias, with the hit's routing");
        assertEquals(1.0, swept(alias));
        assertEquals(Map.of("2", 6L), versions(sharedIndex),
                "in an index two tables write to, only the swept table's documents (they name their table)");
        assertNull(harness.get("/" + index(missing)), "a sweep creates no index");

        harness.send(0, read(orders, 101, "{\"id\":5,\"snapshot\":true}"));
        harness.send(0, upsert(orders, 99, "{\"id\":40,\"late\":true}"));
        harness.awaitCaughtUp(harness.group, WAIT);

        Map<String, JsonNode> sources = harness.sources(index(orders));
        assertEquals(Set.of("5", "100", "200"), sources.keySet(),
                "a snapshot read above the sweep writes its row again; a change below it finds the delete's version");
        assertEquals(json("{\"id\":5,\"snapshot\":true}"), sources.get("5"));
    }
}
