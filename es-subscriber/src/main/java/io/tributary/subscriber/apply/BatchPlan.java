package io.tributary.subscriber.apply;

import co.elastic.clients.elasticsearch._types.VersionType;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.ChangeEvent;
import io.tributary.model.Operation;
import io.tributary.subscriber.mapping.DocumentIds;
import io.tributary.subscriber.mapping.IndexNaming;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A batch of events turned into Elasticsearch writes, in the batch's order, without any I/O.
 *
 * <p>Every write carries {@code version_type=external} with the event's LSN as version. Inserts, updates and
 * snapshot reads index the whole row — the unchanged columns of an update filled in from the row's newest state
 * ({@link RowStates}); an update that changed the key deletes the old document too; a delete deletes; a truncate
 * deletes the index. An event whose table has no valid index name is rejected here.
 *
 * @param writes           what applies each event not rejected, in batch order
 * @param rejections       events rejected while planning
 * @param unchangedMissing for each update with unchanged columns but no known row state, its index
 */
record BatchPlan(List<PlannedWrite> writes, List<Rejection> rejections, List<String> unchangedMissing) {

    static final String UNMAPPABLE_TABLE = "unmappable-table";

    /** The documents {@link #of} needs: those the batch's updates with unchanged columns take values from. */
    static Set<DocumentAddress> lookups(List<ChangeEvent> events) {
        Set<DocumentAddress> addresses = new LinkedHashSet<>();
        for (ChangeEvent event : events) {
            if (!event.unchanged().isEmpty() && event.after() != null) {
                try {
                    String index = IndexNaming.indexFor(event.tableId());
                    String oldId = previousIdWhenKeyChanged(event);
                    addresses.add(new DocumentAddress(index, oldId != null ? oldId : DocumentIds.idFor(event.key())));
                } catch (IllegalArgumentException e) {
                    // rejected by of()
                }
            }
        }
        return addresses;
    }

    /** @param stored the documents at {@link #lookups}, read before the batch; absent when there is none */
    static BatchPlan of(List<ChangeEvent> events, Map<DocumentAddress, ObjectNode> stored) {
        RowStates rows = new RowStates(stored);
        List<PlannedWrite> writes = new ArrayList<>(events.size());
        List<Rejection> rejections = new ArrayList<>();
        List<String> unchangedMissing = new ArrayList<>();
        for (int position = 0; position < events.size(); position++) {
            ChangeEvent event = events.get(position);
            String index;
            try {
                index = IndexNaming.indexFor(event.tableId());
            } catch (IllegalArgumentException e) {
                rejections.add(new Rejection(position, "", "", UNMAPPABLE_TABLE, e.getMessage()));
                continue;
            }
            long version = event.source().lsn().value();
            if (event.op() == Operation.TRUNCATE) {
                rows.truncate(index);
                writes.add(new PlannedWrite(position, event, index, "", List.of()));
                continue;
            }
            DocumentAddress address = new DocumentAddress(index, DocumentIds.idFor(event.key()));
            List<BulkOperation> operations = new ArrayList<>(2);
            if (event.op() == Operation.DELETE) {
                rows.delete(address);
                operations.add(delete(address, version));
            } else {
                String oldId = previousIdWhenKeyChanged(event);
                DocumentAddress source = oldId == null ? address : new DocumentAddress(index, oldId);
                RowStates.Merged merged = rows.upsert(event, address, source);
                if (merged.stateMissing()) {
                    unchangedMissing.add(index);
                }
                if (oldId != null) {
                    operations.add(delete(source, version));
                }
                operations.add(BulkOperation.of(b -> b.index(i -> i.index(index).id(address.id())
                        .version(version).versionType(VersionType.External).document(merged.document()))));
            }
            writes.add(new PlannedWrite(position, event, index, address.id(), operations));
        }
        return new BatchPlan(List.copyOf(writes), List.copyOf(rejections), List.copyOf(unchangedMissing));
    }

    private static BulkOperation delete(DocumentAddress address, long version) {
        return BulkOperation.of(b -> b.delete(d -> d.index(address.index()).id(address.id())
                .version(version).versionType(VersionType.External)));
    }

    /** The old document id when an update changed the row's key (the before image then holds the old key). */
    static String previousIdWhenKeyChanged(ChangeEvent event) {
        if (event.op() != Operation.UPDATE || event.before() == null) {
            return null;
        }
        ObjectNode oldKey = JsonNodeFactory.instance.objectNode();
        for (Iterator<String> names = event.key().fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!event.before().has(name)) {
                return null;
            }
            oldKey.set(name, event.before().get(name));
        }
        return oldKey.equals(event.key()) ? null : DocumentIds.idFor(oldKey);
    }
}
