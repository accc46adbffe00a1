package io.tributary.subscriber.apply;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.index.DocumentAddress;
import io.tributary.model.TableId;
import io.tributary.subscriber.events.ReceivedChange;
import io.tributary.subscriber.events.RowJson;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The newest state of each row a batch touches, to fill in the columns an update did not carry
 * ({@link ReceivedChange#unchanged()}: unchanged TOAST values PostgreSQL left out of {@code after}).
 *
 * <p>A row's state is what the events before it in the batch left — a document, or none after a delete or a
 * truncate of its table — and otherwise the document Elasticsearch stored before the batch. So several updates of
 * one row in a batch merge against each other, in order, not only against Elasticsearch. Everything before the
 * batch in its partition is applied (or dead-lettered) when the batch is planned, so the stored document is the
 * row's state just before the batch's first change of it.
 *
 * <p>A batch without unchanged columns needs no row states: {@link #untracked()} keeps none.
 *
 * <p>Not thread-safe: one instance plans one batch.
 */
final class RowStates {

    /** The document of an insert, update or read, and whether a row state its unchanged columns needed was missing. */
    record Merged(RowJson document, boolean stateMissing) {
    }

    /** A row an earlier event of the batch wrote: its table, and its document (null: deleted). */
    private record Written(TableId table, RowJson document) {
    }

    /** An index and one table of it: a truncate empties only that table's rows of a shared index. */
    private record TableInIndex(String index, TableId table) {
    }

    private final boolean tracked;
    private final Map<DocumentAddress, ObjectNode> stored;
    private final Map<DocumentAddress, Written> written = new HashMap<>();
    private final Set<TableInIndex> truncated = new HashSet<>();

    private RowStates(boolean tracked, Map<DocumentAddress, ObjectNode> stored) {
        this.tracked = tracked;
        this.stored = stored;
    }

    /** @param stored documents read before the batch; a row without a document is absent */
    static RowStates tracking(Map<DocumentAddress, ObjectNode> stored) {
        return new RowStates(true, stored);
    }

    /** For a batch whose events all carry every column: keeps nothing, and {@link #upsert} merges nothing. */
    static RowStates untracked() {
        return new RowStates(false, Map.of());
    }

    /**
     * The document an insert, update or read writes at {@code address}: {@code shaped} (its {@code after} as the
     * table mapping shapes it), with each unchanged field's value taken from the row's state at {@code source} — the
     * old address when the update changed the key or routing value, else {@code address}. Without such a state,
     * {@code shaped} as it is, and {@link Merged#stateMissing()}. Records the result as the row's new state (and the
     * old address as deleted).
     *
     * @param unchangedFields the fields of the event's unchanged columns (dropped columns left out)
     */
    Merged upsert(TableId table, RowJson shaped, List<String> unchangedFields, DocumentAddress address,
                  DocumentAddress source) {
        RowJson document = shaped;
        boolean missing = false;
        if (!unchangedFields.isEmpty()) {
            ObjectNode state = stateAt(source, table);
            if (state == null) {
                missing = true;
            } else {
                ObjectNode merged = shaped.tree().deepCopy();
                for (String column : unchangedFields) {
                    if (state.has(column) && !merged.has(column)) {
                        merged.set(column, state.get(column));
                    }
                }
                document = RowJson.of(merged);
            }
        }
        if (tracked) {
            if (!source.equals(address)) {
                written.put(source, new Written(table, null));
            }
            written.put(address, new Written(table, document));
        }
        return new Merged(document, missing);
    }

    void delete(TableId table, DocumentAddress address) {
        if (tracked) {
            written.put(address, new Written(table, null));
        }
    }

    /**
     * Every row of {@code table} in {@code index} is gone, whatever Elasticsearch stored before the batch; other
     * tables' rows of a shared index stay.
     */
    void truncate(String index, TableId table) {
        written.entrySet().removeIf(entry -> entry.getKey().index().equals(index)
                && entry.getValue().table().equals(table));
        truncated.add(new TableInIndex(index, table));
    }

    private ObjectNode stateAt(DocumentAddress address, TableId table) {
        Written state = written.get(address);
        if (state != null) {
            return state.document() == null ? null : state.document().tree();
        }
        return truncated.contains(new TableInIndex(address.index(), table)) ? null : stored.get(address);
    }
}
