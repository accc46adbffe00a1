package io.tributary.producer.snapshot;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.tributary.model.ChangeEvent;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.model.SourceInfo;
import io.tributary.model.TableId;
import java.time.Instant;

/**
 * The event that follows a table's snapshot rows in its partition ({@code op = s}, no key, no rows): the
 * subscriber deletes the table's documents versioned below {@code version}, i.e. the rows that no longer exist,
 * since every row that does was just sent again above it.
 */
final class SweepEvent {

    private SweepEvent() {
    }

    /** @param version below every snapshot row of the table, above every document of a row deleted meanwhile */
    static ChangeEvent of(String database, TableId table, Lsn version, Instant at) {
        return new ChangeEvent(Operation.SWEEP, new SourceInfo(database, table.schema(), table.table(), version,
                version, 0, at), JsonNodeFactory.instance.objectNode(), null, null);
    }
}
