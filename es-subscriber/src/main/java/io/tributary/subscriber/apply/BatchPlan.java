package io.tributary.subscriber.apply;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.index.DocumentAddress;
import io.tributary.index.mapping.TableMapping;
import io.tributary.index.mapping.TableMappings;
import io.tributary.index.mapping.TableTag;
import io.tributary.model.Operation;
import io.tributary.model.TableId;
import io.tributary.shaping.DocumentIds;
import io.tributary.subscriber.events.ReceivedChange;
import io.tributary.subscriber.events.RowJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A batch of events turned into Elasticsearch writes, in the batch's order, without any I/O.
 *
 * <p>Every write goes to the table's {@linkplain TableMapping#target() index or alias} and carries
 * {@code version_type=external} with the event's LSN as version, and the row's routing value when the table routes
 * by a column. Inserts, updates and snapshot reads index the row as the table mapping
 * {@linkplain TableMapping#shape shapes} it — the unchanged columns of an update filled in from the row's newest
 * state ({@link RowStates}), under their field names; an update that changed the key (or, as its before-image shows,
 * the routing value) marks the old document deleted too; a delete marks the row deleted (a
 * {@linkplain DeleteMarkers delete marker} at its version, never a real delete); a truncate, and a sweep, mark the
 * table's documents older than them deleted ({@link StaleDocumentSweep}). The {@code _id} always comes from the event's
 * key; in an index other tables write to as well, a document also names its table ({@link TableTag}). A sweep
 * leaves the rows' states as they are: what it removes is a row that no longer exists, or a copy that
 * the snapshot's read of the row writes again at a higher version.
 *
 * <p>Rejected here: an event whose table has no valid index name, and a row whose routing value the event does not
 * carry (a delete whose key and before-image lack the routing column cannot find its document).
 *
 * @param writes           what applies each event not rejected, in batch order
 * @param rejections       events rejected while planning
 * @param unchangedMissing for each update with unchanged columns but no known row state, its index
 */
record BatchPlan(List<PlannedWrite> writes, List<Rejection> rejections, List<String> unchangedMissing) {

    static final String UNMAPPABLE_TABLE = "unmappable-table";
    static final String UNROUTABLE_ROW = "unroutable-row";

    /** The documents {@link #of} needs: those the batch's updates with unchanged columns take values from. */
    static Set<DocumentAddress> lookups(List<ReceivedChange> events, TableMappings tables) {
        Set<DocumentAddress> addresses = new LinkedHashSet<>();
        for (ReceivedChange event : events) {
            if (!event.unchanged().isEmpty() && event.after() != null) {
                try {
                    TableMapping table = tables.forTable(event.tableId());
                    MappedRows.routingValue(table, event.after(), event.key(), event.before()).ifPresent(routing ->
                            addresses.add(source(event, table, address(event, table, routing))));
                } catch (IllegalArgumentException e) {
                    // rejected by of()
                }
            }
        }
        return addresses;
    }

    /**
     * @param stored    the documents at {@link #lookups}, read before the batch; absent when there is none (or a marker)
     * @param appliedAt when the batch is applied: what its delete markers record
     */
    static BatchPlan of(List<ReceivedChange> events, Map<DocumentAddress, ObjectNode> stored, TableMappings tables,
                        Instant appliedAt) {
        RowJson marker = DeleteMarkers.document(appliedAt);
        RowStates rows = anyUnchanged(events) ? RowStates.tracking(stored) : RowStates.untracked();
        FieldTypes fieldTypesOf = new FieldTypes();
        List<PlannedWrite> writes = new ArrayList<>(events.size());
        List<Rejection> rejections = new ArrayList<>();
        List<String> unchangedMissing = new ArrayList<>();
        for (int position = 0; position < events.size(); position++) {
            ReceivedChange event = events.get(position);
            TableId tableId = event.tableId(); // a new object per call: asked once per event
            TableMapping table;
            try {
                table = tables.forTable(tableId);
            } catch (IllegalArgumentException e) {
                rejections.add(new Rejection(position, "", "", UNMAPPABLE_TABLE, e.getMessage()));
                continue;
            }
            String index = table.target();
            if (!event.op().isRowChange()) {
                if (event.op() == Operation.TRUNCATE) {
                    rows.truncate(index, tableId);
                }
                writes.add(new PlannedWrite(position, event, index, "", List.of(), table, Map.of()));
                continue;
            }
            boolean delete = event.op() == Operation.DELETE;
            Optional<String> routing = delete ? table.routingValue(event.key(), event.before())
                    : MappedRows.routingValue(table, event.after(), event.key(), event.before());
            if (routing.isEmpty()) {
                rejections.add(new Rejection(position, index, DocumentIds.idFor(event.key()), UNROUTABLE_ROW,
                        unroutable(event, table)));
                continue;
            }
            DocumentAddress address = address(event, table, routing.get());
            long version = event.source().lsn().value();
            List<BulkAction> actions = new ArrayList<>(2);
            Map<String, String> fieldTypes = Map.of();
            if (delete) {
                rows.delete(tableId, address);
                actions.add(BulkAction.markDeleted(address, version, marker));
            } else {
                DocumentAddress source = source(event, table, address);
                RowStates.Merged merged = rows.upsert(tableId, MappedRows.shape(table, event.after()),
                        table.fieldsOf(event.unchanged()), address, source);
                if (merged.stateMissing()) {
                    unchangedMissing.add(index);
                }
                if (!source.equals(address)) {
                    actions.add(BulkAction.markDeleted(source, version, marker));
                }
                RowJson document = tables.sharesIndex(tableId)
                        ? merged.document().withLeadingField(TableTag.FIELD, tableId.toString())
                        : merged.document();
                actions.add(BulkAction.index(address, version, document));
                fieldTypes = fieldTypesOf.of(table, event.types());
            }
            writes.add(new PlannedWrite(position, event, index, address.id(), actions, table, fieldTypes));
        }
        return new BatchPlan(List.copyOf(writes), List.copyOf(rejections), List.copyOf(unchangedMissing));
    }

    private static DocumentAddress address(ReceivedChange event, TableMapping table, String routing) {
        return new DocumentAddress(table.target(), DocumentIds.idFor(event.key()), routing);
    }

    /**
     * Where the row's document was before {@code event}: at the old key when an update changed it, under the old
     * routing value when the before-image shows a different one; else {@code address}.
     */
    private static DocumentAddress source(ReceivedChange event, TableMapping table, DocumentAddress address) {
        String oldId = previousIdWhenKeyChanged(event);
        String oldRouting = event.op() == Operation.UPDATE && event.before() != null
                ? table.routingValue(event.before()).orElse(address.routing()) : address.routing();
        return new DocumentAddress(address.index(), oldId != null ? oldId : address.id(), oldRouting);
    }

    private static String unroutable(ReceivedChange event, TableMapping table) {
        String column = table.routing().orElseThrow();
        String where = event.op() == Operation.DELETE ? "key and before-image" : "row";
        return "table " + event.tableId() + " routes its documents (index " + table.target() + ") by column '"
                + column + "', which this " + event.op().name().toLowerCase(java.util.Locale.ROOT) + "'s " + where
                + " lack, so its document cannot be found; route by a key column, or set REPLICA IDENTITY FULL on"
                + " the table so deletes carry the whole row";
    }

    private static boolean anyUnchanged(List<ReceivedChange> events) {
        for (ReceivedChange event : events) {
            if (!event.unchanged().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Each table's fields and types for the {@code types} of its events: worked out once per table and distinct
     * {@code types} map (events of a table share one until its columns change), so writes share the result.
     */
    private static final class FieldTypes {
        private final Map<TableMapping, Map<Map<String, String>, Map<String, String>>> byTable =
                new IdentityHashMap<>();

        Map<String, String> of(TableMapping table, Map<String, String> columnTypes) {
            return byTable.computeIfAbsent(table, t -> new IdentityHashMap<>())
                    .computeIfAbsent(columnTypes, table::fieldTypes);
        }
    }

    /** The old document id when an update changed the row's key (the before image then holds the old key). */
    static String previousIdWhenKeyChanged(ReceivedChange event) {
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
