package io.tributary.subscriber.consume;

import io.tributary.model.ChangeEvent;
import io.tributary.subscriber.apply.ApplyFailedException;
import io.tributary.subscriber.apply.Rejection;
import java.util.List;

/**
 * Where the consume loop hands each batch: {@code BulkApplier::apply} in the service. Returns only when every
 * event of the batch is applied or rejected for good (the rejections, naming events by their position).
 */
@FunctionalInterface
public interface BatchApplier {

    List<Rejection> apply(List<ChangeEvent> events) throws ApplyFailedException;
}
