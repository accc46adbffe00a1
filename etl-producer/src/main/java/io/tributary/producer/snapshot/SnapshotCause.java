package io.tributary.producer.snapshot;

/**
 * Why an initial snapshot is taken, which decides whether each table's rows are followed by a sweep event.
 */
public enum SnapshotCause {

    /** A brand-new slot with nothing downstream: no sweep, it would only make the subscriber scan every index. */
    FIRST_START,
    /**
     * The snapshot of this slot was interrupted and is taken anew: rows deleted since the first attempt may have
     * documents from it, so every table is swept.
     */
    REDO,
    /**
     * A lost slot created again ({@code on-slot-loss = recreate}): rows deleted in the gap still have documents, so
     * every table is swept.
     */
    SLOT_RECREATED;

    /** Whether each table's snapshot rows are followed by a sweep of the documents below them. */
    boolean sweeps() {
        return this != FIRST_START;
    }
}
