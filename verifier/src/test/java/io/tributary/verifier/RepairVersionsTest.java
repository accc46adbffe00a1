package io.tributary.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tributary.model.Lsn;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RepairVersionsTest {

    @Test
    void aMissingDocumentIsRepairedAtVersionOneSoEveryRealChangeWins() {
        assertEquals(1, RepairVersions.forRow(OptionalLong.empty()));
    }

    @Test
    void aDifferentDocumentIsRepairedJustAboveTheVersionItWasComparedWith() {
        long stale = Lsn.parse("16/B374D848").value();

        assertEquals(stale + 1, RepairVersions.forRow(OptionalLong.of(stale)));
    }

    @Test
    void anOrphanIsDeletedJustAboveItsVersion() {
        assertEquals(8, RepairVersions.forOrphan(7));
    }

    @Test
    void theRepairLosesToTheNextRealChangeOfTheRow() {
        long stale = Lsn.parse("0/1A2B3C8").value();
        long nextRealChange = Lsn.parse("0/1A2B3F0").value(); // the next WAL record: at least a record header later

        assertEquals(-1, Long.compareUnsigned(RepairVersions.forRow(OptionalLong.of(stale)), nextRealChange));
    }

    @Test
    void aVersionThatCannotBeExceededIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> RepairVersions.forOrphan(Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> RepairVersions.forRow(OptionalLong.of(-1)));
    }
}
