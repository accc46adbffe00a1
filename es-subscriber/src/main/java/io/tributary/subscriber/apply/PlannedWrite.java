package io.tributary.subscriber.apply;

import io.tributary.index.mapping.TableMapping;
import io.tributary.model.Operation;
import io.tributary.subscriber.events.ReceivedChange;
import java.util.List;
import java.util.Map;

/**
 * What applies one event: its bulk actions (an update that changed the key or the routing value: a delete of the
 * old document, then the index of the new one), or — for a truncate or a sweep, which have none — emptying
 * {@code index} or sweeping it ({@link StaleDocumentSweep}).
 *
 * @param position   the event's place in the batch
 * @param index      the index or alias written to ({@link TableMapping#target()})
 * @param id         the document id; empty for a truncate or a sweep
 * @param table      how the event's table is mapped
 * @param fieldTypes each field of the table the event knows a PostgreSQL type for, with that type name; what the
 *                   index's mapping must hold before the write (empty for deletes and truncates). Writes of one
 *                   table with the same column types share one map instance.
 */
record PlannedWrite(int position, ReceivedChange event, String index, String id, List<BulkAction> actions,
                    TableMapping table, Map<String, String> fieldTypes) {

    PlannedWrite {
        actions = List.copyOf(actions);
    }

    /**
     * True for a truncate or a sweep: they concern the whole table, so everything before them in the batch is applied
     * first, everything after them afterwards.
     */
    boolean isBarrier() {
        return !event.op().isRowChange();
    }

    boolean isTruncate() {
        return event.op() == Operation.TRUNCATE;
    }

    /** The bytes its actions take in a bulk request body ({@link BulkBody}), about: action lines are estimated. */
    long estimatedBytes() {
        long bytes = 0;
        for (BulkAction action : actions) {
            bytes += BulkBody.estimatedBytes(action);
        }
        return bytes;
    }

    /** True when the write indexes a document, so its index must exist and map its fields first. */
    boolean indexesDocument() {
        for (BulkAction action : actions) {
            if (action.isIndex()) {
                return true;
            }
        }
        return false;
    }
}
