package io.tributary.producer.snapshot;

/** When the producer reads the tables' existing rows before streaming ({@code tributary.postgres.snapshot.mode}). */
public enum SnapshotMode {
    /** When it creates the slot: on the first start, and when a lost slot is created again (on-slot-loss = recreate). */
    INITIAL,
    /** Never: stream changes only. */
    NEVER,
    /**
     * On every start. Only a start that creates the slot can take a snapshot consistent with the stream, so a start
     * that finds the slot already there is refused (see {@code SlotKeeper}).
     */
    ALWAYS
}
