package io.tributary.model;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * Chooses the Kafka partition of a table's changes: a stable hash of {@code schema.table} modulo the partition
 * count, so every change of a table lands in one partition, in commit order.
 *
 * <p>The hash is Kafka's own murmur2 over the UTF-8 bytes of {@link TableId#toString()}, the function Kafka's default
 * partitioner applies to record keys: it is fixed across versions and languages, so any tool can compute the route.
 * Stateless and thread-safe.
 */
public final class TablePartitioner {

    private TablePartitioner() {
    }

    /**
     * @throws IllegalArgumentException when {@code partitionCount} is not positive
     */
    public static int partitionFor(TableId table, int partitionCount) {
        if (partitionCount < 1) {
            throw new IllegalArgumentException("partition count must be at least 1, got " + partitionCount);
        }
        byte[] name = table.toString().getBytes(StandardCharsets.UTF_8);
        return Utils.toPositive(Utils.murmur2(name)) % partitionCount;
    }
}
