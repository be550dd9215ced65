package io.sparkcnn.model.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SegmentationScoresTest {
    private static final double EPS = 1e-12;

    /** Fills the matrix cell by cell: rows truth, columns predicted; ignored pixels mixed in. */
    private static ConfusionMatrix matrix(int classes, long[][] cells) {
        ConfusionMatrix m = new ConfusionMatrix(classes, 255);
        for (int t = 0; t < classes; t++) {
            for (int p = 0; p < classes; p++) {
                for (long k = 0; k < cells[t][p]; k++) m.add(t, p);
            }
        }
        m.add(new int[] {255, 255}, new int[] {0, 3}, 0, 2); // ignored: no FP for class 0 or 3
        return m;
    }

    @Test
    void handComputedMatrix() {
        // truth rows, predicted columns
        ConfusionMatrix m = matrix(4, new long[][] {
                {4, 1, 0, 0},
                {2, 2, 0, 1},
                {0, 0, 0, 0},   // class 2: no ground truth, never predicted -> NaN, left out of the mean
                {0, 0, 0, 0}}); // class 3: no ground truth, predicted once -> IoU 0, counted
        SegmentationScores s = SegmentationScores.of(m);
        assertEquals(4.0 / 7, s.classIou(0), EPS);  // 4 / (4 + FP 2 + FN 1)
        assertEquals(2.0 / 6, s.classIou(1), EPS);  // 2 / (2 + FP 1 + FN 3)
        assertTrue(Double.isNaN(s.classIou(2)));
        assertEquals(0.0, s.classIou(3), EPS);      // 0 / (0 + FP 1 + FN 0)
        assertEquals((4.0 / 7 + 1.0 / 3 + 0) / 3, s.meanIou(), EPS);
        assertEquals(6.0 / 10, s.pixelAccuracy(), EPS);
        assertEquals(10, s.countedPixels());

        // categories {0,1} and {2,3}: TP 9 of rows 10, columns 9 -> 0.9; second: TP 0, FP 1 -> 0
        double[] cat = SegmentationScores.categoryIou(m, new int[] {0, 0, 1, 1}, 2);
        assertArrayEquals(new double[] {0.9, 0.0}, cat, EPS);
        // a category that holds no class is NaN; a class in no category (-1) adds to none
        double[] cat3 = SegmentationScores.categoryIou(m, new int[] {0, -1, 1, 1}, 3);
        assertEquals(4.0 / 7, cat3[0], EPS);
        assertTrue(Double.isNaN(cat3[2]));
        assertThrows(IllegalArgumentException.class, () -> SegmentationScores.categoryIou(m, new int[] {0, 0, 5, 1}, 2));
    }

    @Test
    void wholeSplitMatrixIsNotTheMeanOfPerImageScores() {
        int[] truthA = {0, 0, 0, 0};
        int[] predA = {0, 0, 0, 0};
        int[] truthB = {0, 1, 1, 1, 1, 1, 1, 1};
        int[] predB = {1, 1, 1, 1, 1, 1, 1, 1};
        ConfusionMatrix a = new ConfusionMatrix(2, 255);
        a.add(truthA, predA, 0, truthA.length);
        ConfusionMatrix b = new ConfusionMatrix(2, 255);
        b.add(truthB, predB, 0, truthB.length);
        // the mistake: mIoU per image (A: 1; B: (0 + 7/8) / 2), then averaged over images
        double perImageMean = (SegmentationScores.of(a).meanIou() + SegmentationScores.of(b).meanIou()) / 2;
        assertEquals((1.0 + 0.4375) / 2, perImageMean, EPS);

        ConfusionMatrix split = new ConfusionMatrix(2, 255);
        split.merge(a);
        split.merge(b);
        SegmentationScores s = SegmentationScores.of(split);
        assertEquals(4.0 / 5, s.classIou(0), EPS); // truth 0: 5 pixels, 4 right; never wrongly predicted
        assertEquals(7.0 / 8, s.classIou(1), EPS);
        assertEquals((0.8 + 0.875) / 2, s.meanIou(), EPS);
        assertNotEquals(perImageMean, s.meanIou(), 1e-3);
    }

    @Test
    void emptyMatrixHasNoScores() {
        SegmentationScores s = SegmentationScores.of(new ConfusionMatrix(3, 255));
        assertTrue(Double.isNaN(s.meanIou()));
        assertTrue(Double.isNaN(s.pixelAccuracy()));
    }
}
