package io.sparkcnn.model.train;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShuffledBatchesTest {
    private static final int COUNT = 23, IN = 3, BATCH = 5;

    /** Example e has inputs (e, e + 0.25, e + 0.5) and target 100 + e. */
    private static ShuffledBatches batches(long seed) {
        float[] x = new float[COUNT * IN];
        float[] y = new float[COUNT];
        for (int e = 0; e < COUNT; e++) {
            for (int k = 0; k < IN; k++) x[e * IN + k] = e + 0.25f * k;
            y[e] = 100 + e;
        }
        return new ShuffledBatches(x, y, COUNT, IN, 1, BATCH, seed);
    }

    /** The example ids of one epoch, batch after batch, checking each row against its target. */
    private static int[] epoch(ShuffledBatches b, long epoch) {
        b.startEpoch(epoch);
        int[] ids = new int[b.batchesPerEpoch() * BATCH];
        for (int i = 0; i < b.batchesPerEpoch(); i++) {
            b.fill(i);
            for (int k = 0; k < BATCH; k++) {
                int e = (int) b.inputs()[k * IN];
                assertEquals(e + 0.5f, b.inputs()[k * IN + 2]);
                assertEquals(100 + e, b.targets()[k]);
                ids[i * BATCH + k] = e;
            }
        }
        return ids;
    }

    @Test
    void eachEpochIsAFreshOrderThatDependsOnlyOnSeedAndEpoch() {
        ShuffledBatches b = batches(9);
        assertEquals(COUNT / BATCH, b.batchesPerEpoch());
        int[] e0 = epoch(b, 0), e1 = epoch(b, 1);
        assertEquals(BATCH * (COUNT / BATCH), Arrays.stream(e0).distinct().count(), "no example twice in an epoch");
        assertFalse(Arrays.equals(e0, e1), "a new order each epoch");
        assertArrayEquals(e1, epoch(batches(9), 1), "a resumed run sees the same epoch");
        assertArrayEquals(e0, epoch(b, 0));
        assertFalse(Arrays.equals(e0, epoch(batches(10), 0)), "the seed matters");
    }

    @Test
    void horizontalFlipMirrorsRowsOfAboutHalfTheExamplesTheSameWayEachRun() {
        // 40 examples of (1,2,3): example e holds e*10 + position, so a mirrored row reads backwards
        int n = 40, size = 6;
        float[] x = new float[n * size], y = new float[n];
        for (int e = 0; e < n; e++) {
            for (int k = 0; k < size; k++) x[e * size + k] = e * 10 + k;
            y[e] = e;
        }
        int[] flippedPerRun = new int[2];
        float[][] firstBatches = new float[2][];
        for (int run = 0; run < 2; run++) {
            ShuffledBatches b = new ShuffledBatches(x, y, n, size, 1, n, 3).withHorizontalFlip(3);
            b.startEpoch(2);
            b.fill(0);
            firstBatches[run] = b.inputs().clone();
            for (int k = 0; k < n; k++) {
                int e = (int) b.targets()[k];
                float[] row = Arrays.copyOfRange(b.inputs(), k * size, (k + 1) * size);
                float[] plain = {e * 10, e * 10 + 1, e * 10 + 2, e * 10 + 3, e * 10 + 4, e * 10 + 5};
                float[] mirrored = {e * 10 + 2, e * 10 + 1, e * 10, e * 10 + 5, e * 10 + 4, e * 10 + 3};
                if (Arrays.equals(row, mirrored)) flippedPerRun[run]++;
                else assertArrayEquals(plain, row, "example " + e + " is either as stored or mirrored");
            }
        }
        assertEquals(flippedPerRun[0], flippedPerRun[1]);
        assertArrayEquals(firstBatches[0], firstBatches[1], "the same seed and epoch flip the same examples");
        assertTrue(flippedPerRun[0] > 8 && flippedPerRun[0] < 32, "about half flipped: " + flippedPerRun[0]);
        assertThrows(IllegalArgumentException.class, () -> batches(1).withHorizontalFlip(2));
    }

    @Test
    void badSizesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ShuffledBatches(new float[6], new float[2], 2, 3, 1, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> new ShuffledBatches(new float[5], new float[20], 20, 3, 1, 5, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> batches(1).fill(COUNT / BATCH));
    }
}
