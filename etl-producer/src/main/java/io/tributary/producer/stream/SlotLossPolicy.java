package io.tributary.producer.stream;

import io.tributary.producer.ProducerSettings.OnSlotLoss;
import io.tributary.producer.snapshot.SnapshotCause;
import io.tributary.producer.snapshot.SnapshotMode;
import java.util.Optional;

/**
 * How {@link SlotKeeper} replaces a slot that is not there to stream from: a pure decision over why it is missing,
 * {@code on-slot-loss} and {@code snapshot.mode}, unit-tested for each policy.
 */
final class SlotLossPolicy {

    /** Why there is no slot to stream from. */
    enum Absence {
        /** Never streamed: no evidence the slot existed before. */
        FIRST_START,
        /** Its initial snapshot was interrupted (the slot dropped, or gone): a redo, never a loss. */
        UNFINISHED_SNAPSHOT,
        /** It existed (streamed by this process, seen in the topic, recorded as created) or was invalidated. */
        LOST
    }

    /** What to do instead. */
    enum NewSlot {
        /** Stop with {@link SlotLostException}: {@code on-slot-loss = fail}. */
        REFUSE(Optional.empty()),
        /** Create a slot and stream from it, with no snapshot ({@code snapshot.mode = never}). */
        PLAIN(Optional.empty()),
        /** Create a plain slot after recording every table for an incremental snapshot ({@code resnapshot}). */
        PLAIN_THEN_RESNAPSHOT(Optional.empty()),
        /** Create a slot with an initial snapshot and no sweep. */
        SNAPSHOT_FIRST_START(Optional.of(SnapshotCause.FIRST_START)),
        /** Create a slot with the snapshot taken anew, every table swept. */
        SNAPSHOT_REDO(Optional.of(SnapshotCause.REDO)),
        /** Create a slot with a full snapshot after a loss, every table swept ({@code recreate}). */
        SNAPSHOT_RECREATED(Optional.of(SnapshotCause.SLOT_RECREATED));

        private final Optional<SnapshotCause> snapshot;

        NewSlot(Optional<SnapshotCause> snapshot) {
            this.snapshot = snapshot;
        }

        /** Why the created slot's initial snapshot is taken; empty for a slot created without one. */
        Optional<SnapshotCause> snapshot() {
            return snapshot;
        }
    }

    private SlotLossPolicy() {
    }

    static NewSlot decide(Absence absence, OnSlotLoss onLoss, SnapshotMode mode) {
        boolean snapshots = mode != SnapshotMode.NEVER;
        return switch (absence) {
            case FIRST_START -> snapshots ? NewSlot.SNAPSHOT_FIRST_START : NewSlot.PLAIN;
            case UNFINISHED_SNAPSHOT -> snapshots ? NewSlot.SNAPSHOT_REDO : NewSlot.PLAIN;
            case LOST -> switch (onLoss) {
                case FAIL -> NewSlot.REFUSE;
                case RESNAPSHOT -> NewSlot.PLAIN_THEN_RESNAPSHOT;
                case RECREATE -> snapshots ? NewSlot.SNAPSHOT_RECREATED : NewSlot.PLAIN;
            };
        };
    }
}
