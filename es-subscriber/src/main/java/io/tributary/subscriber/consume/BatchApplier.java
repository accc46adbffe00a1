package io.tributary.subscriber.consume;

import io.tributary.subscriber.apply.ApplyFailedException;
import io.tributary.subscriber.apply.BulkApplier;
import io.tributary.subscriber.apply.PlannedAhead;
import io.tributary.subscriber.apply.Rejection;
import io.tributary.subscriber.events.ReceivedChange;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * Where the consume loop hands each batch: a {@link BulkApplier} in the service ({@link #of}). Returns only when every
 * event of the batch is applied or rejected for good (the rejections, naming events by their position). Each
 * partition's events must be applied in their order; different partitions' may be applied concurrently.
 */
@FunctionalInterface
public interface BatchApplier {

    /** @param partitions the topic-partition of each event: {@code partitions.get(i)} of {@code events.get(i)} */
    List<Rejection> apply(List<ReceivedChange> events, List<TopicPartition> partitions) throws ApplyFailedException;

    /**
     * {@link #apply(List, List)} with the plan {@link #planAhead} made for these events, if any.
     */
    default List<Rejection> apply(List<ReceivedChange> events, List<TopicPartition> partitions,
                                  Optional<PlannedAhead> ahead) throws ApplyFailedException {
        return apply(events, partitions);
    }

    /**
     * Plans a batch's writes on the caller's thread while the batch before it is being applied, when that cannot
     * change them; empty when the batch is to be planned in its turn (by default, always).
     */
    default Optional<PlannedAhead> planAhead(List<ReceivedChange> events) {
        return Optional.empty();
    }

    /** {@code bulk}'s apply, with its plans ahead. */
    static BatchApplier of(BulkApplier bulk) {
        return new BatchApplier() {
            @Override
            public List<Rejection> apply(List<ReceivedChange> events, List<TopicPartition> partitions)
                    throws ApplyFailedException {
                return bulk.apply(events, partitions);
            }

            @Override
            public List<Rejection> apply(List<ReceivedChange> events, List<TopicPartition> partitions,
                                         Optional<PlannedAhead> ahead) throws ApplyFailedException {
                return bulk.apply(events, partitions, ahead);
            }

            @Override
            public Optional<PlannedAhead> planAhead(List<ReceivedChange> events) {
                return bulk.planAhead(events);
            }
        };
    }
}
