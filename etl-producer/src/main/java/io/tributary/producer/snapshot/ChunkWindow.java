package io.tributary.producer.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeRecord;
import io.tributary.model.Operation;
import io.tributary.model.TableId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The DBLog rule for one chunk of an incremental snapshot, between its low and high watermark.
 *
 * <p>The chunk was read after the low watermark was written and before the high one. A streamed change that the
 * stream shows <em>before</em> the low watermark committed before the read began, so the chunk holds its result or a
 * newer one. A change the stream shows <em>between</em> the watermarks may or may not be visible to the read: its row
 * is dropped from the chunk, and the stream's own event carries the row's newest state. What is left when the high
 * watermark arrives is emitted there, so in the topic every chunk row stands after every change it reflects and
 * before every change it does not.
 *
 * <p><b>Invariant:</b> after {@link #lowWatermarkSeen()}, no row whose key (or, for a change of key, old key) a
 * streamed change of the table touched is ever returned by {@link #remainingRows()}; a truncate of the table drops
 * the whole chunk. Pure; not thread-safe.
 *
 * <p><b>Unchanged TOAST columns.</b> An update in the window that left large values out ({@link ChangeEvent#unchanged()})
 * would be merged downstream with the stored document, which may be the stale copy this snapshot exists to repair
 * (after a lost slot, say). When such an update is the first change of a chunk row in the window, the chunk's values
 * of those columns are the row's values at that update — a change between the read and the update would itself be in
 * the window before it — so {@link #observe} returns the update with them filled in, complete.
 */
final class ChunkWindow {

    private final String id;
    private final ReadChunk chunk;
    private final Map<ObjectNode, ChangeEvent> rowsByKey = new LinkedHashMap<>();
    private boolean lowSeen;
    private int dropped;

    ChunkWindow(String id, ReadChunk chunk) {
        this.id = id;
        this.chunk = chunk;
        for (ChangeEvent event : chunk.events()) {
            rowsByKey.put(event.key(), event);
        }
    }

    String id() {
        return id;
    }

    ReadChunk chunk() {
        return chunk;
    }

    TableId table() {
        return chunk.table().table();
    }

    boolean lowWatermarkSeen() {
        return lowSeen;
    }

    void markLowWatermarkSeen() {
        lowSeen = true;
    }

    /**
     * A change the stream is about to publish: drops the rows it touched, once the window is open.
     *
     * @return the change to publish: {@code change} itself, or an update's copy with its unchanged columns filled in
     *         from the chunk row it is the first change of
     */
    ChangeRecord observe(ChangeRecord record) {
        if (!lowSeen || !record.tableId().equals(table())) {
            return record;
        }
        if (record.op() == Operation.TRUNCATE) {
            dropped += rowsByKey.size();
            rowsByKey.clear();
            return record;
        }
        if (!record.op().isRowChange()) {
            return record;
        }
        ChangeEvent change = record.toEvent();
        ObjectNode oldKey = change.before() == null ? null : keyIn(change.before(), change.key());
        ChangeEvent read = rowsByKey.get(oldKey != null ? oldKey : change.key());
        drop(change.key());
        drop(oldKey);
        return read != null && !change.unchanged().isEmpty() ? filledIn(change, read) : record;
    }

    /** {@code update} with each unchanged column's value taken from the chunk's {@code read} of the row. */
    private static ChangeEvent filledIn(ChangeEvent update, ChangeEvent read) {
        ObjectNode after = update.after().deepCopy();
        List<String> stillUnchanged = new ArrayList<>();
        for (String column : update.unchanged()) {
            JsonNode value = read.after().get(column);
            if (value == null) {
                stillUnchanged.add(column);
            } else {
                after.set(column, value);
            }
        }
        return new ChangeEvent(update.op(), update.source(), update.key(), update.before(), after, stillUnchanged,
                update.types());
    }

    /** The chunk's rows no change in the window touched, in key order, as a new list the caller may extend. */
    List<ChangeEvent> remainingRows() {
        return new ArrayList<>(rowsByKey.values());
    }

    /** Rows dropped so far because the stream changed them in the window. */
    int droppedRows() {
        return dropped;
    }

    private void drop(ObjectNode key) {
        if (key != null && rowsByKey.remove(key) != null) {
            dropped++;
        }
    }

    /** The key columns' values in a before-image (an update that changed the key names the old key there). */
    private static ObjectNode keyIn(ObjectNode before, ObjectNode key) {
        ObjectNode oldKey = JsonNodeFactory.instance.objectNode();
        for (Iterator<String> names = key.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            JsonNode value = before.get(name);
            if (value == null) {
                return null;
            }
            oldKey.set(name, value);
        }
        return oldKey;
    }
}
