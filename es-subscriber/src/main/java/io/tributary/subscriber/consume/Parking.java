package io.tributary.subscriber.consume;

import io.tributary.subscriber.apply.ApplyFailedException;
import java.util.Collection;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Work of an apply that goes on in the background, for which some partitions wait: the records of a parked
 * partition were neither applied nor rejected by the apply that parked it. The consumer holds them (the partition
 * paused, its offset not committed) until the work is {@linkplain #ready() ready}, then applies them again — which
 * now completes — and commits; every other partition goes on meanwhile. {@code BulkApplier} parks a partition whose
 * joined documents' rebuilds outlast {@code document-rebuild.background-after}, or whose truncate or sweep outlasts
 * {@code sweep.background-after}.
 */
public interface Parking {

    /** Nothing is ever parked. */
    Parking NONE = new Parking() {
        @Override
        public Set<TopicPartition> parkedByLastApply() {
            return Set.of();
        }

        @Override
        public Set<TopicPartition> ready() {
            return Set.of();
        }

        @Override
        public void cancel(Collection<TopicPartition> partitions) {
        }
    };

    /** The partitions the last apply parked: none of their events of that batch was applied or rejected. */
    Set<TopicPartition> parkedByLastApply();

    /**
     * Parked partitions whose background work is done: applying their held records again completes them.
     *
     * @throws ApplyFailedException not retriable when the background work failed for a reason of the setup
     */
    Set<TopicPartition> ready() throws ApplyFailedException;

    /** These partitions' held records will not be applied here (revoked, lost, stopping): stop working for them. */
    void cancel(Collection<TopicPartition> partitions);
}
