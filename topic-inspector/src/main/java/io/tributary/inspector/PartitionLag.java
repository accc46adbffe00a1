package io.tributary.inspector;

import java.util.Comparator;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One partition as a consumer group sees it.
 *
 * @param committed the group's committed offset (the next record it will process), empty when none
 * @param end       the partition's end offset
 * @param owner     the member consuming the partition now, empty when no member has it
 */
record PartitionLag(String topic, int partition, OptionalLong committed, long end, Optional<Owner> owner) {

    static final Comparator<PartitionLag> BY_TOPIC_AND_PARTITION =
            Comparator.comparing(PartitionLag::topic).thenComparingInt(PartitionLag::partition);

    /** A group member: its consumer (member) id, client id and host. */
    record Owner(String memberId, String clientId, String host) {
    }

    /** Records not yet processed by the group; empty without a committed offset. */
    OptionalLong lag() {
        return committed.isPresent() ? OptionalLong.of(Math.max(0, end - committed.getAsLong())) : OptionalLong.empty();
    }
}
