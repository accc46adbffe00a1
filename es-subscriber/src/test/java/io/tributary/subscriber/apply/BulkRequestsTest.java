package io.tributary.subscriber.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.index.mapping.TableMappings;
import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.model.SourceInfo;
import io.tributary.subscriber.events.ReceivedChange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BulkRequestsTest {

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) ChangeEventJson.mapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static ChangeEvent insert(long id, String text) {
        ObjectNode row = json("{\"id\":" + id + ",\"text\":\"" + text + "\"}");
        return new ChangeEvent(Operation.CREATE, new SourceInfo("app", "shop", "docs", Lsn.of(100 + id),
                Lsn.of(100 + id), 7, null), json("{\"id\":" + id + "}"), null, row);
    }

    /** {@code count} inserts of documents of the same size, as planned writes. */
    private static List<PlannedWrite> writes(int count) {
        List<ReceivedChange> events = new ArrayList<>();
        for (int id = 0; id < count; id++) {
            events.add(ReceivedChange.of(insert(id, "x".repeat(200))));
        }
        return BatchPlan.of(events, Map.of(), new TableMappings(Map.of()), java.time.Instant.EPOCH).writes();
    }

    private static List<List<Integer>> positions(List<List<PlannedWrite>> requests) {
        return requests.stream().map(r -> r.stream().map(PlannedWrite::position).toList()).toList();
    }

    @Test
    void writesAreSplitInOrderIntoRequestsOfAtMostMaxActionsOperations() {
        List<List<PlannedWrite>> requests = BulkRequests.split(writes(7), 3, Long.MAX_VALUE);

        assertEquals(List.of(List.of(0, 1, 2), List.of(3, 4, 5), List.of(6)), positions(requests));
    }

    @Test
    void writesAreSplitInOrderWhenARequestWouldExceedMaxBytes() {
        List<PlannedWrite> writes = writes(5);
        long one = writes.get(0).estimatedBytes();
        assertTrue(one > 200 && one < 500, "the document and its action line: " + one);

        List<List<PlannedWrite>> requests = BulkRequests.split(writes, 1000, one * 2 + one / 2);

        assertEquals(List.of(List.of(0, 1), List.of(2, 3), List.of(4)), positions(requests));
    }

    @Test
    void aWriteLargerThanTheLimitsGoesAloneAndIsNeverSplit() {
        ObjectNode row = json("{\"id\":2,\"text\":\"moved\"}");
        ChangeEvent keyChange = new ChangeEvent(Operation.UPDATE, new SourceInfo("app", "shop", "docs", Lsn.of(300),
                Lsn.of(300), 7, null), json("{\"id\":2}"), json("{\"id\":1,\"text\":\"old\"}"), row);
        List<PlannedWrite> writes = BatchPlan.of(List.of(insert(0, "a"), keyChange, insert(3, "b")).stream().map(ReceivedChange::of).toList(), Map.of(),
                new TableMappings(Map.of()), java.time.Instant.EPOCH).writes();
        assertEquals(2, writes.get(1).actions().size(), "delete at the old key, index at the new");

        assertEquals(List.of(List.of(0), List.of(1), List.of(2)), positions(BulkRequests.split(writes, 1, 1024)));
        assertEquals(List.of(List.of(0), List.of(1), List.of(2)), positions(BulkRequests.split(writes, 100, 10)));
    }

    @Test
    void noWritesNoRequests() {
        assertEquals(List.of(), BulkRequests.split(List.of(), 10, 1024));
    }
}
