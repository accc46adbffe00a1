package io.tributary.subscriber.apply;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Deals a batch's partitions out to at most {@code concurrency} lanes, whose bulk requests run concurrently while
 * each lane's run one after another.
 *
 * <p><b>Order:</b> a partition belongs to one lane, and a lane keeps its writes in batch order, so every partition's
 * writes reach Elasticsearch in order. A lane's requests interleave its partitions' writes: one request reaches
 * several shards, which Elasticsearch indexes in parallel (a request of one partition reaches one shard when its
 * table is routed to it alone). Partitions are dealt largest first to the lane with the fewest writes, so lanes
 * carry about the same load. Stateless.
 */
final class RequestLanes {

    /** The partitions whose writes one lane carries. */
    record Lane(List<TopicPartition> partitions) {
        @Override
        public String toString() {
            return partitions.size() == 1 ? partitions.get(0).toString() : "partitions " + partitions;
        }
    }

    private RequestLanes() {
    }

    /**
     * @param writes      the writes to apply, in batch order
     * @param partitionOf the partition of each write, by its {@link PlannedWrite#position()}
     * @return each lane with its writes, in batch order
     */
    static Map<Lane, List<PlannedWrite>> deal(List<PlannedWrite> writes, List<TopicPartition> partitionOf,
                                              int concurrency) {
        Map<TopicPartition, Integer> writesPerPartition = new LinkedHashMap<>();
        for (PlannedWrite write : writes) {
            writesPerPartition.merge(partitionOf.get(write.position()), 1, Integer::sum);
        }
        int lanes = Math.min(concurrency, writesPerPartition.size());
        List<List<TopicPartition>> lanePartitions = new ArrayList<>();
        long[] load = new long[lanes];
        for (int lane = 0; lane < lanes; lane++) {
            lanePartitions.add(new ArrayList<>());
        }
        Map<TopicPartition, Integer> laneOf = new LinkedHashMap<>();
        writesPerPartition.entrySet().stream()
                .sorted(Map.Entry.<TopicPartition, Integer>comparingByValue(Comparator.reverseOrder()))
                .forEach(partition -> {
                    int lightest = 0;
                    for (int lane = 1; lane < lanes; lane++) {
                        if (load[lane] < load[lightest]) {
                            lightest = lane;
                        }
                    }
                    load[lightest] += partition.getValue();
                    lanePartitions.get(lightest).add(partition.getKey());
                    laneOf.put(partition.getKey(), lightest);
                });
        List<Lane> laneKeys = lanePartitions.stream().map(partitions -> new Lane(List.copyOf(partitions))).toList();
        Map<Lane, List<PlannedWrite>> dealt = new LinkedHashMap<>();
        laneKeys.forEach(lane -> dealt.put(lane, new ArrayList<>()));
        for (PlannedWrite write : writes) {
            dealt.get(laneKeys.get(laneOf.get(partitionOf.get(write.position())))).add(write);
        }
        return dealt;
    }
}
