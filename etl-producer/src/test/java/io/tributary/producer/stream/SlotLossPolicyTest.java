package io.tributary.producer.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.producer.ProducerSettings.OnSlotLoss;
import io.tributary.producer.snapshot.SnapshotCause;
import io.tributary.producer.snapshot.SnapshotMode;
import io.tributary.producer.stream.SlotLossPolicy.Absence;
import io.tributary.producer.stream.SlotLossPolicy.NewSlot;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SlotLossPolicyTest {

    @Test
    void aLostSlotUnderFailStopsTheProducerWhateverTheSnapshotMode() {
        for (SnapshotMode mode : SnapshotMode.values()) {
            assertEquals(NewSlot.REFUSE, SlotLossPolicy.decide(Absence.LOST, OnSlotLoss.FAIL, mode), mode.name());
        }
    }

    @Test
    void aLostSlotUnderRecreateGetsANewSlotWithASweepingSnapshotOrNoneUnderModeNever() {
        NewSlot recreated = SlotLossPolicy.decide(Absence.LOST, OnSlotLoss.RECREATE, SnapshotMode.INITIAL);
        assertEquals(NewSlot.SNAPSHOT_RECREATED, recreated);
        assertEquals(Optional.of(SnapshotCause.SLOT_RECREATED), recreated.snapshot());
        assertEquals(NewSlot.SNAPSHOT_RECREATED,
                SlotLossPolicy.decide(Absence.LOST, OnSlotLoss.RECREATE, SnapshotMode.ALWAYS));
        assertEquals(NewSlot.PLAIN, SlotLossPolicy.decide(Absence.LOST, OnSlotLoss.RECREATE, SnapshotMode.NEVER));
    }

    @ParameterizedTest
    @EnumSource(SnapshotMode.class)
    void aLostSlotUnderResnapshotGetsAPlainSlotAndEveryTableSnapshottedIncrementally(SnapshotMode mode) {
        NewSlot newSlot = SlotLossPolicy.decide(Absence.LOST, OnSlotLoss.RESNAPSHOT, mode);
        assertEquals(NewSlot.PLAIN_THEN_RESNAPSHOT, newSlot);
        assertEquals(Optional.empty(), newSlot.snapshot(), "no initial snapshot: the tables are re-read while streaming");
    }

    @ParameterizedTest
    @EnumSource(OnSlotLoss.class)
    void aFirstStartAndARedoAreNeverLossesWhateverThePolicy(OnSlotLoss onLoss) {
        assertEquals(NewSlot.SNAPSHOT_FIRST_START, SlotLossPolicy.decide(Absence.FIRST_START, onLoss, SnapshotMode.INITIAL));
        assertEquals(NewSlot.PLAIN, SlotLossPolicy.decide(Absence.FIRST_START, onLoss, SnapshotMode.NEVER));
        NewSlot redo = SlotLossPolicy.decide(Absence.UNFINISHED_SNAPSHOT, onLoss, SnapshotMode.INITIAL);
        assertEquals(NewSlot.SNAPSHOT_REDO, redo);
        assertEquals(Optional.of(SnapshotCause.REDO), redo.snapshot());
    }
}
