package io.tributary.subscriber.apply;

import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.Operation;
import io.tributary.subscriber.mapping.TableMapping;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * What applies one event: its bulk operations (an update that changed the key or the routing value: a delete of the
 * old document, then the index of the new one), or — for a truncate, which has none — emptying {@code index}.
 *
 * @param position   the event's place in the batch
 * @param index      the index or alias written to ({@link TableMapping#target()})
 * @param id         the document id; empty for a truncate
 * @param table      how the event's table is mapped
 * @param fieldTypes each field of the table the event knows a PostgreSQL type for, with that type name; what the
 *                   index's mapping must hold before the write (empty for deletes and truncates)
 */
record PlannedWrite(int position, ChangeEvent event, String index, String id, List<BulkOperation> operations,
                    TableMapping table, Map<String, String> fieldTypes) {

    /** An action line without its index and id: {@code {"index":{"_index":"","_id":"","version":…,…}}}. */
    private static final int ACTION_LINE_BYTES = 110;

    PlannedWrite {
        operations = List.copyOf(operations);
    }

    boolean isTruncate() {
        return event.op() == Operation.TRUNCATE;
    }

    /**
     * About how many bytes its operations take in a bulk request body: each action line (with index and id) and
     * each document as serialized JSON.
     */
    long estimatedBytes() {
        long bytes = 0;
        for (BulkOperation operation : operations) {
            bytes += ACTION_LINE_BYTES + index.length() + id.length();
            if (operation.isIndex()) {
                bytes += documentBytes(operation.index().document());
            }
        }
        return bytes;
    }

    private static long documentBytes(Object document) {
        try {
            return ChangeEventJson.mapper().writeValueAsBytes(document).length;
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot serialize a planned document", e);
        }
    }

    /** True when the write indexes a document, so its index must exist and map its fields first. */
    boolean indexesDocument() {
        return operations.stream().anyMatch(BulkOperation::isIndex);
    }
}
