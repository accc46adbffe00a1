package io.tributary.subscriber.consume;

import io.tributary.model.ChangeEvent;
import io.tributary.subscriber.apply.ApplyFailedException;
import java.util.List;

/**
 * Where the consume loop hands each batch: {@code BulkApplier::apply} in the service. Returns only when every
 * event of the batch is applied.
 */
@FunctionalInterface
public interface BatchApplier {

    void apply(List<ChangeEvent> events) throws ApplyFailedException;
}
