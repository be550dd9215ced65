package io.sparkcnn.jobs.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlockBudgetTest {
    private static final int RESNET_INPUT = 3 * 224 * 224;

    @Test
    void anImagenetBlockStaysInsideItsShareOfTheHeap() {
        long budget = 200L << 20; // 10% of a 2 GB executor, one task slot
        int rows = BlockBudget.rows(budget, RESNET_INPUT, 64);
        assertTrue((long) rows * RESNET_INPUT * BlockBudget.BYTES_PER_VALUE <= budget, rows + " rows");
        assertEquals(0, rows % 64, "a whole number of batches: " + rows);
        assertEquals(256, rows);
        // the old sizing: data.shuffleBlockRows = 4096 rows of floats alone
        assertTrue(4096L * RESNET_INPUT * Float.BYTES > 2_400_000_000L);
    }

    @Test
    void underOneBatchTheBlockTakesWhatFitsAndNeverNothing() {
        assertEquals(10, BlockBudget.rows(10L * RESNET_INPUT * BlockBudget.BYTES_PER_VALUE + 5, RESNET_INPUT, 256));
        assertEquals(1, BlockBudget.rows(1, RESNET_INPUT, 256));
    }

    @Test
    void smallInputsAreCappedByTheLargestArray() {
        int rows = BlockBudget.rows(Long.MAX_VALUE / 2, 784, 32);
        assertTrue((long) rows * 784 < Integer.MAX_VALUE, rows + " rows");
        assertTrue(rows > 1_000_000, rows + " rows");
    }

    @Test
    void theTaskShareIsAFractionOfTheMaxHeap() {
        long share = BlockBudget.taskBytes(0.1);
        assertTrue(share > 0 && share <= Runtime.getRuntime().maxMemory() / 10, share + " bytes");
    }
}
