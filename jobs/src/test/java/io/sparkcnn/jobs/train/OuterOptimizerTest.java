package io.sparkcnn.jobs.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The outer Nesterov step against values computed by hand (docs/jobs.md, "The outer optimizer"). */
class OuterOptimizerTest {
    private static final float EPS = 1e-6f;

    @Test
    void threeRoundsOfNesterovMatchTheHandComputedValues() {
        // alpha 0.5, beta 0.9; x0 = (1, -2). Each round: delta = x - mean, u = 0.9 u + delta, x = x - 0.5 (0.9 u + delta)
        OuterOptimizer outer = new OuterOptimizer(OuterOptimizer.Kind.NESTEROV, 0.5f, 0.9f);
        float[] x = {1f, -2f}, u = outer.initialMomentum(2);
        assertArrayEquals(new float[] {0f, 0f}, u);

        // round 1: mean (0.6, -1.5): delta (0.4, -0.5), u = delta, x = x0 - 0.5 * 1.9 delta
        float[] next = {0.6f, -1.5f};
        outer.step(x, next, u);
        assertArrayEquals(new float[] {0.4f, -0.5f}, u, EPS);
        assertArrayEquals(new float[] {0.62f, -1.525f}, next, EPS);
        assertArrayEquals(new float[] {1f, -2f}, x, 0f, "the round's start is read only");

        // round 2: mean (0.5, -1.325): delta (0.12, -0.2), u = (0.48, -0.65), 0.9 u + delta = (0.552, -0.785)
        x = next;
        next = new float[] {0.5f, -1.325f};
        outer.step(x, next, u);
        assertArrayEquals(new float[] {0.48f, -0.65f}, u, EPS);
        assertArrayEquals(new float[] {0.344f, -1.1325f}, next, EPS);

        // round 3: mean (0.3, -1.0): delta (0.044, -0.1325), u = (0.476, -0.7175), 0.9 u + delta = (0.4724, -0.77825)
        x = next;
        next = new float[] {0.3f, -1.0f};
        outer.step(x, next, u);
        assertArrayEquals(new float[] {0.476f, -0.7175f}, u, EPS);
        assertArrayEquals(new float[] {0.1078f, -0.743375f}, next, EPS);
    }

    @Test
    void momentumZeroAndRateOneIsThePlainMean() {
        OuterOptimizer outer = new OuterOptimizer(OuterOptimizer.Kind.NESTEROV, 1f, 0f);
        float[] x = {0.25f, -4f}, next = {0.5f, -3f}, u = new float[2];
        outer.step(x, next, u);
        assertArrayEquals(new float[] {0.5f, -3f}, next, 0f);
    }

    @Test
    void noneHasNoMomentumAndBadSettingsAreRefusedByName() {
        assertTrue(OuterOptimizer.NONE.initialMomentum(5).length == 0);
        IllegalArgumentException lr = assertThrows(IllegalArgumentException.class,
                () -> new OuterOptimizer(OuterOptimizer.Kind.NESTEROV, 0f, 0.9f));
        assertTrue(lr.getMessage().contains("train.outerLearningRate"), lr.getMessage());
        IllegalArgumentException m = assertThrows(IllegalArgumentException.class,
                () -> new OuterOptimizer(OuterOptimizer.Kind.NESTEROV, 1f, 1f));
        assertTrue(m.getMessage().contains("train.outerMomentum"), m.getMessage());
        IllegalArgumentException g = assertThrows(IllegalArgumentException.class, () -> new DriverSettings(2, 1,
                Aggregation.GRADIENTS, true, 2, 1, 0, 7, new OuterOptimizer(OuterOptimizer.Kind.NESTEROV, 1f, 0.9f)));
        assertTrue(g.getMessage().contains("train.outerOptimizer"), g.getMessage());
    }
}
