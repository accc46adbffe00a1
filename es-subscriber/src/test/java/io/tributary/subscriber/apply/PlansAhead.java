package io.tributary.subscriber.apply;

import io.tributary.index.mapping.TableMappings;
import io.tributary.subscriber.events.ReceivedChange;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Plans made ahead for tests of the consume loop, which cannot make one without a {@link BulkApplier}. */
public final class PlansAhead {

    private PlansAhead() {
    }

    /** The plan of {@code events} with default table mappings, as {@link BulkApplier#planAhead} makes it. */
    public static PlannedAhead of(List<ReceivedChange> events) {
        return new PlannedAhead(events, BatchPlan.of(events, Map.of(), new TableMappings(Map.of()), Instant.EPOCH));
    }
}
