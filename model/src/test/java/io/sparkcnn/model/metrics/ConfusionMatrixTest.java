package io.sparkcnn.model.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConfusionMatrixTest {

    @Test
    void countsPairsAndSkipsIgnoredTruth() {
        ConfusionMatrix m = new ConfusionMatrix(3, 255);
        int[] truth = {9, 0, 0, 1, 255, 2, 2, 1, 9};
        int[] pred = {9, 0, 1, 1, 7, 2, 0, 1, 9};
        m.add(truth, pred, 1, 7); // skips the 9s at both ends; 255 skipped although its prediction is 7
        assertEquals(1, m.count(0, 0));
        assertEquals(1, m.count(0, 1));
        assertEquals(2, m.count(1, 1));
        assertEquals(1, m.count(2, 2));
        assertEquals(1, m.count(2, 0));
        assertEquals(0, m.count(1, 0));
        assertEquals(6, m.total());
        assertEquals(2, m.truthTotal(0));
        assertEquals(2, m.predictedTotal(0));
    }

    @Test
    void labelsOutsideTheClassesNameTheValue() {
        ConfusionMatrix m = new ConfusionMatrix(3, 255);
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
                () -> m.add(new int[] {0, 3}, new int[] {0, 0}, 0, 2));
        assertTrue(t.getMessage().contains("truth label 3"), t.getMessage());
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class,
                () -> m.add(new int[] {0}, new int[] {255}, 0, 1));
        assertTrue(p.getMessage().contains("predicted label 255"), p.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.add(new int[] {-1}, new int[] {0}, 0, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> m.add(new int[2], new int[1], 0, 2));
    }

    @Test
    void mergeAddsAndCompactFormRoundTrips() {
        ConfusionMatrix a = new ConfusionMatrix(2, 255);
        ConfusionMatrix b = new ConfusionMatrix(2, 255);
        a.add(new int[] {0, 1, 1}, new int[] {0, 0, 1}, 0, 3);
        b.add(new int[] {1, 0}, new int[] {1, 1}, 0, 2);
        a.merge(b);
        assertArrayEquals(new long[] {1, 1, 1, 2}, a.counts());
        ConfusionMatrix back = ConfusionMatrix.of(2, 255, a.counts());
        assertEquals(a, back);
        assertEquals(2, back.count(1, 1));
        assertThrows(IllegalArgumentException.class, () -> a.merge(new ConfusionMatrix(3, 255)));
        assertThrows(IllegalArgumentException.class, () -> ConfusionMatrix.of(2, 255, new long[3]));
    }

    @Test
    void compactFormIsACopy() {
        ConfusionMatrix m = new ConfusionMatrix(2, -1);
        long[] c = m.counts();
        c[0] = 5;
        assertEquals(0, m.count(0, 0));
        m.add(new int[] {-1, 0}, new int[] {1, 1}, 0, 2);
        assertEquals(1, m.count(0, 1));
    }
}
