package io.tributary.producer.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ChunkBudgetTest {

    @Test
    void chunksAreTakenWhileTheyFitAndRefusedBeyondTheLimitUntilOneIsGivenBack() throws InterruptedException {
        ChunkBudget budget = new ChunkBudget(100);

        assertTrue(budget.tryTake(60, 0));
        assertTrue(budget.tryTake(40, 0));
        assertFalse(budget.tryTake(1, 0));
        budget.giveBack(60);
        assertTrue(budget.tryTake(50, 0));
        assertEquals(90, budget.heldBytes());
    }

    @Test
    void aChunkLargerThanTheWholeBudgetGoesAloneWhenNothingElseIsHeld() throws InterruptedException {
        ChunkBudget budget = new ChunkBudget(100);
        assertTrue(budget.tryTake(10, 0));

        assertFalse(budget.tryTake(500, 0));
        budget.giveBack(10);
        assertTrue(budget.tryTake(500, 0));
        assertFalse(budget.tryTake(1, 0));
    }

    @Test
    void theBudgetIsASixteenthOfTheHeap() {
        assertEquals(16L << 20, ChunkBudget.forHeap(256L << 20).limitBytes());
        assertThrows(IllegalArgumentException.class, () -> new ChunkBudget(0));
    }
}
