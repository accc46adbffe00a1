package io.tributary.subscriber.apply;

import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import io.tributary.model.ChangeEvent;
import io.tributary.model.Operation;
import java.util.List;

/**
 * What applies one event: its bulk operations (an update that changed the key: a delete of the old document, then
 * the index of the new one), or — for a truncate, which has none — the deletion of {@code index}.
 *
 * @param position the event's place in the batch
 * @param id       the document id; empty for a truncate
 */
record PlannedWrite(int position, ChangeEvent event, String index, String id, List<BulkOperation> operations) {

    PlannedWrite {
        operations = List.copyOf(operations);
    }

    boolean isTruncate() {
        return event.op() == Operation.TRUNCATE;
    }
}
