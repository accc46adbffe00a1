package io.tributary.subscriber.it;

import static io.tributary.subscriber.it.SubscriberHarness.index;
import static io.tributary.subscriber.it.SubscriberHarness.json;
import static io.tributary.subscriber.it.SubscriberHarness.keyOf;
import static io.tributary.subscriber.it.SubscriberHarness.source;
import static io.tributary.subscriber.it.SubscriberHarness.truncate;
import static io.tributary.subscriber.it.SubscriberHarness.upsert;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.localstack.RunningElasticsearch;
import io.tributary.localstack.RunningKafka;
import io.tributary.model.ChangeEvent;
import io.tributary.model.Operation;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Composite keys, key changes, truncates and unchanged TOAST columns, as Elasticsearch ends up holding them. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ApplySemanticsIT extends SubscriberItSupport {

    ApplySemanticsIT(RunningKafka kafka, RunningElasticsearch elasticsearch) {
        super(kafka, elasticsearch);
    }

    @Test
    void compositeKeysKeyChangesAndTruncates() throws Exception {
        harness = new SubscriberHarness(kafka, elasticsearch, "semantics", 1);
        harness.startSubscriber(harness.group, 100);
        ObjectNode line1 = json("{\"order_id\":1,\"line\":23,\"qty\":1}");
        ObjectNode line2 = json("{\"order_id\":12,\"line\":3,\"qty\":2}");
        for (ObjectNode line : List.of(line1, line2)) {
            harness.send(0, new ChangeEvent(Operation.CREATE, source("lines", 10 + line.get("qty").asLong()),
                    keyOf(line, "order_id", "line"), null, line));
        }
        harness.send(0, upsert("moves", 20, "{\"id\":1,\"name\":\"a\"}"));
        ObjectNode moved = json("{\"id\":2,\"name\":\"a\"}");
        harness.send(0, new ChangeEvent(Operation.UPDATE, source("moves", 21), keyOf(moved, "id"),
                json("{\"id\":1}"), moved));
        harness.send(0, upsert("truncated", 30, "{\"id\":1}"));
        harness.send(0, upsert("truncated", 31, "{\"id\":2}"));
        harness.send(0, truncate("truncated", 32));
        harness.send(0, upsert("truncated", 33, "{\"id\":3}"));

        harness.awaitCaughtUp(harness.group, WAIT);

        assertEquals(Map.of("[1,23]", line1, "[12,3]", line2), harness.sources(index("lines")),
                "composite keys as JSON arrays that cannot collide");
        assertEquals(Map.of("2", moved), harness.sources(index("moves")), "the old key's document is deleted");
        assertEquals(Map.of("3", json("{\"id\":3}")), harness.sources(index("truncated")),
                "only the row written after the truncate");
    }

    @Test
    void unchangedToastColumnsKeepTheirStoredValues() throws Exception {
        harness = new SubscriberHarness(kafka, elasticsearch, "toast", 1);
        harness.startSubscriber(harness.group, 100);
        String big = "B".repeat(5000);
        harness.send(0, upsert("toast", 10, "{\"id\":1,\"title\":\"a\",\"body\":\"" + big + "\"}"));
        harness.awaitCaughtUp(harness.group, WAIT);

        harness.send(0, upsert("toast", 20, "{\"id\":1,\"title\":\"b\"}", "body"));
        harness.send(0, upsert("toast", 21, "{\"id\":1,\"body\":\"new body\"}", "title"));
        harness.send(0, upsert("toast", 22, "{\"id\":1,\"title\":\"d\"}", "body"));
        harness.send(0, upsert("toast", 30, "{\"id\":2,\"title\":\"never indexed before\"}", "body"));
        harness.send(0, upsert("toast", 40, "{\"id\":3,\"title\":\"t\",\"body\":\"" + big + "\"}"));
        harness.send(0, upsert("toast", 41, "{\"id\":3,\"title\":\"u\"}", "body"));
        harness.awaitCaughtUp(harness.group, WAIT);

        Map<String, JsonNode> documents = harness.sources(index("toast"));
        assertEquals(json("{\"id\":1,\"title\":\"d\",\"body\":\"new body\"}"), documents.get("1"),
                "merged against the stored document and against each other, in order");
        assertEquals(json("{\"id\":2,\"title\":\"never indexed before\"}"), documents.get("2"));
        assertEquals(json("{\"id\":3,\"title\":\"u\",\"body\":\"" + big + "\"}"), documents.get("3"),
                "merged against an insert of the same batch");
        assertEquals(1, harness.metrics.get("tributary.subscriber.unchanged.missing").counter().count());
    }
}
