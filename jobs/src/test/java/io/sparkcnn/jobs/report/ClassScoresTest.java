package io.sparkcnn.jobs.report;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassScoresTest {
    @Test
    void precisionRecallAndF1OfAThreeClassMatrixByHand() {
        // [true][predicted]: class 0: 5 right, 2 as 1, 1 as 2; class 1: 1 as 0, 3 right; class 2: 2 as 1, 4 right
        long[][] m = {{5, 2, 1}, {1, 3, 0}, {0, 2, 4}};
        ClassScores s = ClassScores.of(m);
        // precision = tp / column sum: 5/6, 3/7, 4/5; recall = tp / row sum: 5/8, 3/4, 4/6
        assertArrayEquals(new double[] {5.0 / 6, 3.0 / 7, 4.0 / 5}, s.precision(), 1e-12);
        assertArrayEquals(new double[] {5.0 / 8, 3.0 / 4, 4.0 / 6}, s.recall(), 1e-12);
        // F1 = 2 tp / (row + column): 10/14, 6/11, 8/11
        assertArrayEquals(new double[] {10.0 / 14, 6.0 / 11, 8.0 / 11}, s.f1(), 1e-12);
        assertArrayEquals(new long[] {8, 4, 6}, s.support());
        assertEquals((10.0 / 14 + 6.0 / 11 + 8.0 / 11) / 3, s.macroF1(), 1e-12);
    }

    @Test
    void aClassNeverPredictedOrNeverPresentHasNoScoreAndOneAlwaysWrongScoresZero() {
        // class 1 is never predicted (precision undefined); class 2 never occurs (recall undefined) but is predicted once
        long[][] m = {{3, 0, 1}, {2, 0, 0}, {0, 0, 0}};
        ClassScores s = ClassScores.of(m);
        assertEquals(3.0 / 5, s.precision()[0], 1e-12);
        assertTrue(Double.isNaN(s.precision()[1]));
        assertEquals(0.0, s.recall()[1]);
        assertTrue(Double.isNaN(s.f1()[1]));
        assertEquals(0.0, s.precision()[2]);
        assertTrue(Double.isNaN(s.recall()[2]));
        assertEquals(2 * 3.0 / (4 + 5), s.macroF1(), 1e-12, "the mean over the classes that have an F1");
        // right and wrong in equal measure with precision and recall 0: F1 0, not NaN
        assertEquals(0.0, ClassScores.of(new long[][] {{0, 1}, {1, 0}}).f1()[0]);
        assertThrows(IllegalArgumentException.class, () -> ClassScores.of(new long[][] {{1, 2}, {3}}));
    }
}
