package io.tributary.producer.snapshot;

/**
 * The producer was asked to stop while it read the initial snapshot. The snapshot stays marked unfinished, so the
 * next start drops the slot and takes it again.
 */
public final class SnapshotAbortedException extends RuntimeException {

    SnapshotAbortedException(String slot) {
        super("the snapshot of slot " + slot + " was stopped before it finished; the next start takes it again");
    }
}
