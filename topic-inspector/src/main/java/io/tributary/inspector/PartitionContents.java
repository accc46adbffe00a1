package io.tributary.inspector;

import io.tributary.inspector.TopicRecord.Change;
import io.tributary.model.TableId;
import java.util.Collections;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one partition holds: its offsets and how many of the counted records belong to each table. Only counters
 * are kept, so memory does not grow with the partition.
 *
 * @param countedFrom     the first offset counted: the partition's start, or later when the count was capped
 * @param recordsPerTable records per table, by table name
 * @param undecodable     records that are not change events
 */
record PartitionContents(PartitionOffsets offsets, long countedFrom, Map<TableId, Long> recordsPerTable,
                         long undecodable) {

    static final Comparator<TableId> BY_NAME = Comparator.comparing(TableId::toString);

    PartitionContents {
        TreeMap<TableId, Long> sorted = new TreeMap<>(BY_NAME);
        sorted.putAll(recordsPerTable);
        recordsPerTable = Collections.unmodifiableMap(sorted);
    }

    /** Counts the last {@code maxRecords} records of the partition (all of them when there are no more). */
    static PartitionContents count(PartitionReader reader, PartitionOffsets offsets, long maxRecords) {
        long from = offsets.lastRecordsFrom(maxRecords);
        Map<TableId, Long> perTable = new TreeMap<>(BY_NAME);
        long[] undecodable = {0};
        reader.read(offsets.partition(), from, offsets.end(), record -> {
            if (record instanceof Change change) {
                perTable.merge(change.event().tableId(), 1L, Long::sum);
            } else {
                undecodable[0]++;
            }
        });
        return new PartitionContents(offsets, from, perTable, undecodable[0]);
    }

    int partition() {
        return offsets.partition();
    }

    /** Whether records before {@link #countedFrom()} were left uncounted. */
    boolean capped() {
        return countedFrom > offsets.start();
    }

    /** Records counted (fewer than the offset range when the topic is compacted). */
    long counted() {
        return undecodable + recordsPerTable.values().stream().mapToLong(Long::longValue).sum();
    }
}
