package io.tributary.subscriber.apply;

import io.tributary.subscriber.events.ReceivedChange;
import java.util.List;

/**
 * A batch's writes planned before its turn ({@link BulkApplier#planAhead}), while the batch before it is still in
 * Elasticsearch. It belongs to one list of events: {@link BulkApplier#apply(List, List, java.util.Optional)} uses it
 * only for that very list, and plans anew for any other.
 */
public final class PlannedAhead {

    private final List<ReceivedChange> events;
    private final BatchPlan plan;

    PlannedAhead(List<ReceivedChange> events, BatchPlan plan) {
        this.events = events;
        this.plan = plan;
    }

    /** The plan, when it was made for {@code batchEvents} (the same list, not an equal one). */
    BatchPlan planFor(List<ReceivedChange> batchEvents) {
        return batchEvents == events ? plan : null;
    }
}
