package io.sparkcnn.model.reference;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The naive dense layer: a hand-computed forward, and backward against finite differences. */
class NaiveDenseTest {

    @Test
    void forwardIsXTimesWTransposedPlusBias() {
        // x (2,3), w (2,3), b (2)
        double[] x = {1, 2, 3, -1, 0, 2};
        double[] w = {0.5, -1, 2, 1, 1, 1};
        double[] b = {0.25, -3};
        double[] y = NaiveDense.forward(2, 3, 2, x, w, b);
        assertArrayEquals(new double[]{0.5 - 2 + 6 + 0.25, 1 + 2 + 3 - 3, -0.5 + 0 + 4 + 0.25, -1 + 0 + 2 - 3}, y, 1e-12);
    }

    @Test
    void analyticGradientsMatchFiniteDifferences() {
        int batch = 3, in = 5, out = 4;
        Random rnd = new Random(7);
        double[] x = random(rnd, batch * in), w = random(rnd, out * in), b = random(rnd, out), r = random(rnd, batch * out);
        double h = 1e-4;
        double[] fdx = FiniteDifference.gradient(x, h, v -> FiniteDifference.dot(r, NaiveDense.forward(batch, in, out, v, w, b)));
        double[] fdw = FiniteDifference.gradient(w, h, v -> FiniteDifference.dot(r, NaiveDense.forward(batch, in, out, x, v, b)));
        double[] fdb = FiniteDifference.gradient(b, h, v -> FiniteDifference.dot(r, NaiveDense.forward(batch, in, out, x, w, v)));
        assertTrue(FiniteDifference.maxRelativeError(fdx, NaiveDense.backwardData(batch, in, out, r, w)) < 1e-8, "dx");
        assertTrue(FiniteDifference.maxRelativeError(fdw, NaiveDense.backwardWeights(batch, in, out, x, r)) < 1e-8, "dw");
        assertTrue(FiniteDifference.maxRelativeError(fdb, NaiveDense.biasGrad(batch, out, r)) < 1e-8, "db");
    }

    private static double[] random(Random rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rnd.nextDouble() * 2 - 1;
        return v;
    }
}
