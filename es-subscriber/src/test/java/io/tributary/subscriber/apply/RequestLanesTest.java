package io.tributary.subscriber.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class RequestLanesTest {

    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);
    private static final TopicPartition P2 = new TopicPartition("t", 2);

    /** One insert per partition listed, in that order; the partitions by position. */
    private static List<PlannedWrite> writes(List<TopicPartition> partitions) {
        List<ReceivedChange> events = new ArrayList<>();
        for (int i = 0; i < partitions.size(); i++) {
            var row = ChangeEventJson.mapper().createObjectNode().put("id", i);
            events.add(ReceivedChange.of(new ChangeEvent(Operation.CREATE, new SourceInfo("app", "shop", "docs",
                    Lsn.of(100 + i), Lsn.of(100 + i), 1, null), row, null, row)));
        }
        return BatchPlan.of(events, Map.of(), new TableMappings(Map.of()), java.time.Instant.EPOCH).writes();
    }

    private static Map<List<TopicPartition>, List<Integer>> positions(Map<RequestLanes.Lane, List<PlannedWrite>> lanes) {
        Map<List<TopicPartition>, List<Integer>> positions = new java.util.LinkedHashMap<>();
        lanes.forEach((lane, writes) -> positions.put(lane.partitions(),
                writes.stream().map(PlannedWrite::position).toList()));
        return positions;
    }

    @Test
    void partitionsAreDealtLargestFirstToTheLightestLaneAndKeepBatchOrder() {
        List<TopicPartition> partitionOf = List.of(P0, P1, P2, P1, P0, P1, P2);

        Map<RequestLanes.Lane, List<PlannedWrite>> lanes = RequestLanes.deal(writes(partitionOf), partitionOf, 2);

        assertEquals(Map.of(List.of(P1), List.of(1, 3, 5), List.of(P0, P2), List.of(0, 2, 4, 6)), positions(lanes));
    }

    @Test
    void oneLaneCarriesEverythingInBatchOrder() {
        List<TopicPartition> partitionOf = List.of(P2, P0, P1, P0);

        Map<RequestLanes.Lane, List<PlannedWrite>> lanes = RequestLanes.deal(writes(partitionOf), partitionOf, 1);

        assertEquals(1, lanes.size());
        assertEquals(List.of(0, 1, 2, 3), positions(lanes).values().iterator().next());
    }

    @Test
    void noMoreLanesThanPartitions() {
        List<TopicPartition> partitionOf = List.of(P0, P0);

        assertEquals(1, RequestLanes.deal(writes(partitionOf), partitionOf, 4).size());
        assertEquals(0, RequestLanes.deal(List.of(), List.of(), 4).size());
    }
}
