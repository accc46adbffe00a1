package io.tributary.subscriber.consume;

import io.tributary.subscriber.apply.ApplyFailedException;
import io.tributary.subscriber.apply.Rejection;
import io.tributary.subscriber.events.ReceivedChange;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * Where the consume loop hands each batch: {@code BulkApplier::apply} in the service. Returns only when every
 * event of the batch is applied or rejected for good (the rejections, naming events by their position). Each
 * partition's events must be applied in their order; different partitions' may be applied concurrently.
 */
@FunctionalInterface
public interface BatchApplier {

    /** @param partitions the topic-partition of each event: {@code partitions.get(i)} of {@code events.get(i)} */
    List<Rejection> apply(List<ReceivedChange> events, List<TopicPartition> partitions) throws ApplyFailedException;
}
