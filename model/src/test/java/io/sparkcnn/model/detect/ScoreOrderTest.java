package io.sparkcnn.model.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ScoreOrderTest {

    @Test
    void sortsDescendingWithTiesInPositionOrder() {
        float[] s = {0.5f, -2f, Float.POSITIVE_INFINITY, 0.5f, -0.0f, 0f, Float.NEGATIVE_INFINITY, 3e-39f, -1e-30f, 0.5f};
        int[] order = new int[s.length];
        ScoreOrder.sort(s, 0, s.length, order, new long[s.length]);
        // inf, the three .5s by position, the subnormal, the two zeros (equal, -0 as 0) by position, -1e-30, -2, -inf
        assertArrayEquals(new int[] {2, 0, 3, 9, 7, 4, 5, 8, 1, 6}, order);
    }

    @Test
    void keysGiveBackScoreAndPosition() {
        for (float f : new float[] {0f, 1f, -1f, 0.25f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, -7.5e-20f}) {
            long k = ScoreOrder.key(f, 12345);
            assertEquals(f, ScoreOrder.scoreOf(k));
            assertEquals(12345, ScoreOrder.position(k));
        }
        assertEquals(0f, ScoreOrder.scoreOf(ScoreOrder.key(-0f, 0)));
        assertThrows(IllegalArgumentException.class, () -> ScoreOrder.key(Float.NaN, 3));
    }

    @Test
    void sortsAnOffsetRange() {
        float[] s = {9f, 1f, 2f, 2f, 9f};
        int[] order = new int[3];
        ScoreOrder.sort(s, 1, 3, order, new long[3]);
        assertArrayEquals(new int[] {1, 2, 0}, order);
    }
}
