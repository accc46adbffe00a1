package io.tributary.producer.snapshot;

import io.tributary.model.ChangeEvent;
import java.util.List;

/**
 * One chunk of a table read by an incremental snapshot.
 *
 * @param events  the rows as {@code op = r} events, in key order
 * @param lastKey the paging columns' values of the last row read (text form); empty when no row was read
 * @param last    whether the chunk reached the end of the table (fewer rows than asked for)
 */
record ReadChunk(SnapshotTable table, List<ChangeEvent> events, List<String> lastKey, boolean last) {

    ReadChunk {
        events = List.copyOf(events);
        lastKey = List.copyOf(lastKey);
    }
}
