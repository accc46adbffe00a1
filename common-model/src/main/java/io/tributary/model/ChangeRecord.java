package io.tributary.model;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A row change as the producer publishes it: what names it (operation, source, key) and its row images, which it
 * writes straight into the event's JSON ({@link ChangeEventJson#encode(ChangeRecord)}) instead of holding them as
 * trees. {@link ChangeEvent} is the tree form; the producer's streamed changes write their rows from the decoded
 * column values, so a change is converted once, on its way into the record's bytes.
 *
 * <p>Both forms of one change encode to the same bytes ({@link #toEvent()} is the reference: its rows are trees of
 * the same converted values). Treat instances as immutable.
 */
public interface ChangeRecord {

    Operation op();

    SourceInfo source();

    /** The row's key columns and values, in key order; empty for a truncate or sweep. */
    ObjectNode key();

    /** As {@link ChangeEvent#unchanged()}. */
    List<String> unchanged();

    /** As {@link ChangeEvent#types()}. */
    Map<String, String> types();

    /** Writes the row before the change as a JSON object, or JSON null when there is none. */
    void writeBefore(JsonGenerator out) throws IOException;

    /** Writes the row after the change as a JSON object, or JSON null when there is none. */
    void writeAfter(JsonGenerator out) throws IOException;

    /** Writes {@link #types()} as a JSON object of column names to type names, in column order. */
    default void writeTypes(JsonGenerator out) throws IOException {
        ChangeEventJson.writeTypes(out, types());
    }

    /**
     * The row's key before an update that changed it (the key columns of its before-image); null for any other change,
     * and when PostgreSQL sent no before-image (the key did not change).
     */
    default ObjectNode oldKey() {
        return toEvent().oldKey();
    }

    /** The same change with its rows as trees. */
    ChangeEvent toEvent();

    default TableId tableId() {
        return source().tableId();
    }
}
