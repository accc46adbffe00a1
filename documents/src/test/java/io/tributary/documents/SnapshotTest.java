package io.tributary.documents;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SnapshotTest {

    private static final long EPOCH_1 = 1L << 32;

    @Test
    void parsesXminXmaxAndTheTransactionsInProgress() {
        Snapshot snapshot = Snapshot.parse("10:20:12,15");

        assertEquals(10, snapshot.xmin());
        assertEquals(20, snapshot.xmax());
        assertArrayEquals(new long[] {12, 15}, snapshot.xip());
        assertEquals("10:20:12,15", snapshot.toString());
        assertArrayEquals(new long[0], Snapshot.parse("20:20:").xip());
    }

    @Test
    void refusesTextThatIsNoSnapshot() {
        assertThrows(IllegalArgumentException.class, () -> Snapshot.parse("10:20"));
        assertThrows(IllegalArgumentException.class, () -> Snapshot.parse("10:20:12:15"));
        assertThrows(IllegalArgumentException.class, () -> Snapshot.parse("10:x:12"));
        assertThrows(IllegalArgumentException.class, () -> Snapshot.parse("10:20:12,,15"));
    }

    @Test
    void aLargerXmaxGivesAHigherVersionHoweverManyAreInProgress() {
        long before = Snapshot.parse("10:20:").version();
        long after = Snapshot.parse("10:21:11,12,13,14,15,16,17,18,19,20").version();

        assertTrue(after > before, after + " > " + before);
        assertTrue(Snapshot.parse("10:21:12,15").version() > Snapshot.parse("10:20:12,15").version());
    }

    @Test
    void withEqualXmaxFewerInProgressGivesAHigherVersion() {
        long two = Snapshot.parse("10:20:12,15").version();
        long one = Snapshot.parse("12:20:15").version();
        long none = Snapshot.parse("20:20:").version();

        assertTrue(one > two, one + " > " + two);
        assertTrue(none > one, none + " > " + one);
    }

    @Test
    void equalSnapshotsHaveEqualVersionsWhateverTheOrderOfTheirList() {
        Snapshot sorted = Snapshot.parse("10:20:12,15");
        Snapshot unsorted = Snapshot.parse("10:20:15,12");

        assertEquals(sorted, unsorted);
        assertEquals(sorted.hashCode(), unsorted.hashCode());
        assertEquals(sorted.version(), unsorted.version());
        assertEquals("10:20:12,15", unsorted.toString());
    }

    @Test
    void theListIsCopiedSoTheSnapshotCannotChangeAfterwards() {
        long[] xip = {15, 12};
        Snapshot snapshot = new Snapshot(10, 20, xip);
        xip[0] = 13;

        assertArrayEquals(new long[] {12, 15}, snapshot.xip());
    }

    @Test
    void seesWhatCompletedBeforeItButNotWhatWasInProgressOrStartedLater() {
        Snapshot snapshot = Snapshot.parse("10:20:12,15");

        assertTrue(snapshot.sees(9), "below xmin");
        assertTrue(snapshot.sees(13), "between xmin and xmax, not in progress");
        assertFalse(snapshot.sees(12), "in progress");
        assertFalse(snapshot.sees(15), "in progress");
        assertFalse(snapshot.sees(20), "xmax");
        assertFalse(snapshot.sees(25), "above xmax");
        assertTrue(snapshot.sees(0), "no transaction: a snapshot's read");
    }

    @Test
    void aThirtyTwoBitIdJustBeforeAWraparoundBelongsToThePreviousEpoch() {
        Snapshot snapshot = new Snapshot(EPOCH_1 - 100, EPOCH_1 + 5, new long[] {EPOCH_1 + 3});

        assertEquals(0xFFFF_FFF0L, snapshot.widen(0xFFFF_FFF0L));
        assertTrue(snapshot.sees(0xFFFF_FFF0L));
        assertEquals(EPOCH_1 + 7, snapshot.widen(7));
        assertFalse(snapshot.sees(7), "not yet completed");
        assertFalse(snapshot.sees(3), "in progress");
        assertTrue(snapshot.sees(4));
    }

    @Test
    void aThirtyTwoBitIdBelowXminOfAnEarlierEpochIsSeen() {
        Snapshot snapshot = new Snapshot(EPOCH_1 + 2, EPOCH_1 + 5, new long[0]);

        assertEquals(EPOCH_1 - 1, snapshot.widen(0xFFFF_FFFFL));
        assertTrue(snapshot.sees(0xFFFF_FFFFL));
        assertTrue(snapshot.sees(1));
    }

    @Test
    void aSnapshotOfALaterEpochHasTheHigherVersion() {
        Snapshot lastOfEpoch0 = new Snapshot(0xFFFF_FF00L, 0xFFFF_FFFFL, new long[0]);
        Snapshot firstOfEpoch1 = new Snapshot(EPOCH_1 - 10, EPOCH_1 + 1, new long[] {EPOCH_1 - 5});

        assertTrue(firstOfEpoch1.version() > lastOfEpoch0.version());
    }
}
