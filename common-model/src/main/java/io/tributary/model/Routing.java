package io.tributary.model;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.utils.Utils;

/**
 * Where each change goes in Kafka: which topic, which partition. Shared by the producer, which sends there, and by
 * tools that must find a table's changes.
 *
 * <ul>
 *   <li>Topic: {@code topic} as configured; it may contain {@code ${schema}} and {@code ${table}}, giving one topic
 *       per table.</li>
 *   <li>Partition: a table pinned in {@code pins} always goes to its pinned partition. Otherwise, with
 *       {@link PartitionBy#TABLE} (the default), {@link TablePartitioner} hashes {@code schema.table}: one table,
 *       one partition, commit order for the whole table. With {@link PartitionBy#KEY}, Kafka's murmur2 of the
 *       record key (table and primary key): one row, one partition, commit order per row, and more
 *       parallelism.</li>
 * </ul>
 *
 * @param partitions the partition count tables are spread over (the configured one, not whatever the topic has)
 */
public record Routing(String topic, int partitions, PartitionBy partitionBy, Map<TableId, Integer> pins) {

    /** What a partition is chosen by. */
    public enum PartitionBy {
        /** The table name: every change of a table in one partition, in commit order. */
        TABLE,
        /** The row's key: every change of a row in one partition, in commit order. */
        KEY
    }

    public Routing {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(partitionBy, "partitionBy");
        pins = Map.copyOf(pins);
        if (partitions < 1) {
            throw new IllegalArgumentException("partition count must be at least 1, got " + partitions);
        }
        pins.forEach((table, partition) -> {
            if (partition < 0 || partition >= partitions) {
                throw new IllegalArgumentException("table " + table + " is pinned to partition " + partition
                        + ", outside 0.." + (partitions - 1));
            }
        });
    }

    /** Table-hash routing over {@code partitions} partitions of one topic. */
    public static Routing byTable(String topic, int partitions) {
        return new Routing(topic, partitions, PartitionBy.TABLE, Map.of());
    }

    /** Whether the topic name depends on the table. */
    public boolean topicPerTable() {
        return topic.contains("${schema}") || topic.contains("${table}");
    }

    public String topicFor(TableId table) {
        return topic.replace("${schema}", table.schema()).replace("${table}", table.table());
    }

    /** Whether the partition of a change of {@code table} depends on its row's key (else it is the table's). */
    public boolean spreadsByKey(TableId table) {
        return partitionBy == PartitionBy.KEY && !pins.containsKey(table);
    }

    /**
     * @param recordKey the record key's bytes; used with {@link PartitionBy#KEY} only
     */
    public int partitionFor(TableId table, byte[] recordKey) {
        Integer pinned = pins.get(table);
        if (pinned != null) {
            return pinned;
        }
        if (partitionBy == PartitionBy.KEY) {
            return Utils.toPositive(Utils.murmur2(recordKey)) % partitions;
        }
        return TablePartitioner.partitionFor(table, partitions);
    }

    /**
     * The partitions an event about the whole table (a truncate, a sweep) goes to: every partition the table's rows
     * are spread over — all of them under {@link PartitionBy#KEY}, else the table's one partition:
     * its subscriber marks the table's documents below its version when it reaches it, and only a copy behind each
     * partition's earlier changes is sure to come after every change it must cover (a change of another partition
     * applied after the only copy would leave a document the truncate had removed).
     */
    public int[] partitionsForWholeTable(TableId table, byte[] recordKey) {
        if (partitionBy == PartitionBy.KEY && !pins.containsKey(table)) {
            int[] all = new int[partitions];
            for (int partition = 0; partition < partitions; partition++) {
                all[partition] = partition;
            }
            return all;
        }
        return new int[] {partitionFor(table, recordKey)};
    }

    /** The partition of a table's changes under table routing (for tools; key routing spreads a table). */
    public int partitionFor(TableId table) {
        return partitionFor(table, table.toString().getBytes(StandardCharsets.UTF_8));
    }
}
