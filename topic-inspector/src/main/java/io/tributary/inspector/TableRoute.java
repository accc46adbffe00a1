package io.tributary.inspector;

import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.model.Routing;
import io.tributary.model.Routing.PartitionBy;
import io.tributary.model.SourceInfo;
import io.tributary.model.TableId;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Where the producer sends a table's changes, and why, computed with the producer's own {@link Routing}.
 *
 * @param partition empty when it depends on each row's key ({@link Reason#DEPENDS_ON_KEY})
 * @param why       the reason in words an operator can check ("partition-by table: murmur2("shop.orders") mod 3")
 */
record TableRoute(TableId table, String topic, OptionalInt partition, Reason reason, String why) {

    /** Why a table goes where it goes. */
    enum Reason {
        /** The table is pinned to the partition. */
        PINNED,
        /** partition-by = table: murmur2 of "schema.table" modulo the partition count. */
        TABLE_HASH,
        /** partition-by = key: murmur2 of the given row's record key modulo the partition count. */
        KEY_HASH,
        /** partition-by = key and no key given: each row goes to the partition of its key's hash. */
        DEPENDS_ON_KEY
    }

    /** The route of {@code table}'s changes; with partition-by = key, of the changes of the row {@code key}. */
    static TableRoute of(Routing routing, TableId table, Optional<RowKey> key) {
        String topic = routing.topicFor(table);
        Integer pinned = routing.pins().get(table);
        if (pinned != null) {
            return new TableRoute(table, topic, OptionalInt.of(pinned), Reason.PINNED,
                    "pinned to partition " + pinned);
        }
        if (routing.partitionBy() == PartitionBy.TABLE) {
            return new TableRoute(table, topic, OptionalInt.of(routing.partitionFor(table)), Reason.TABLE_HASH,
                    "partition-by table: murmur2(\"" + table + "\") mod " + routing.partitions());
        }
        if (key.isEmpty()) {
            return new TableRoute(table, topic, OptionalInt.empty(), Reason.DEPENDS_ON_KEY,
                    "partition-by key: each row goes by its key's hash over " + routing.partitions()
                            + " partitions; pass --key to compute one row's");
        }
        int partition = routing.partitionFor(table, recordKey(table, key.get()));
        return new TableRoute(table, topic, OptionalInt.of(partition), Reason.KEY_HASH,
                "partition-by key: murmur2 of the record key of " + key.get() + " mod " + routing.partitions());
    }

    /** The record key the producer writes for a change of this row (the bytes partition-by = key hashes). */
    static byte[] recordKey(TableId table, RowKey key) {
        SourceInfo source = new SourceInfo("", table.schema(), table.table(), Lsn.INVALID, Lsn.INVALID, 0, null);
        return ChangeEventJson.encodeKey(new ChangeEvent(Operation.DELETE, source, key.columns(), null, null));
    }

    /** The partition as text: the number, or {@code -} when it depends on the key. */
    String partitionText() {
        return partition.isPresent() ? Integer.toString(partition.getAsInt()) : "-";
    }
}
