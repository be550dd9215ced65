package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.BatchNormOp;
import io.sparkcnn.model.reference.FiniteDifference;
import io.sparkcnn.model.reference.NaiveBatchNorm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batch norm: the reference's batch-statistics gradient against finite differences, then the CPU op against it. */
class CpuBatchNormOpTest {
    private static final double EPS = 1e-5;
    private static final int[][] SHAPES = {{2, 3, 5}, {4, 2, 1}, {1, 3, 7}, {3, 1, 2}, {5, 4, 9}};

    @Test
    void referenceTrainGradientsMatchFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int[] sh : SHAPES) {
            int n = sh[0], c = sh[1], s = sh[2];
            double[] x = CpuFixture.random(rng, n * c * s, -2, 2);
            double[] gamma = CpuFixture.random(rng, c, 0.5, 1.5), beta = CpuFixture.random(rng, c, -1, 1);
            double[] proj = CpuFixture.random(rng, x.length, -1, 1);
            NaiveBatchNorm.Grads g = NaiveBatchNorm.backward(n, c, s, x, proj, gamma, EPS);
            double[] dx = FiniteDifference.gradient(x, 1e-5,
                    v -> FiniteDifference.dot(proj, NaiveBatchNorm.forwardTrain(n, c, s, v, gamma, beta, EPS).y()));
            double[] dgamma = FiniteDifference.gradient(gamma, 1e-5,
                    v -> FiniteDifference.dot(proj, NaiveBatchNorm.forwardTrain(n, c, s, x, v, beta, EPS).y()));
            double[] dbeta = FiniteDifference.gradient(beta, 1e-5,
                    v -> FiniteDifference.dot(proj, NaiveBatchNorm.forwardTrain(n, c, s, x, gamma, v, EPS).y()));
            String shape = "(N,C,S)=" + java.util.Arrays.toString(sh);
            assertTrue(FiniteDifference.maxRelativeError(g.dx(), dx) < 1e-6, () -> "dx " + shape);
            assertTrue(FiniteDifference.maxRelativeError(g.dgamma(), dgamma) < 1e-6, () -> "dgamma " + shape);
            assertTrue(FiniteDifference.maxRelativeError(g.dbeta(), dbeta) < 1e-6, () -> "dbeta " + shape);
        }
    }

    @Test
    void referenceEvalGradientsMatchFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(4);
        for (int[] sh : SHAPES) {
            int n = sh[0], c = sh[1], s = sh[2];
            double[] x = CpuFixture.random(rng, n * c * s, -2, 2);
            double[] gamma = CpuFixture.random(rng, c, 0.5, 1.5), beta = CpuFixture.random(rng, c, -1, 1);
            double[] rm = CpuFixture.random(rng, c, -1, 1), rv = CpuFixture.random(rng, c, 0.5, 2);
            double[] proj = CpuFixture.random(rng, x.length, -1, 1);
            NaiveBatchNorm.Grads g = NaiveBatchNorm.backwardEval(n, c, s, x, proj, gamma, rm, rv, EPS);
            double[] dx = FiniteDifference.gradient(x, 1e-5,
                    v -> FiniteDifference.dot(proj, NaiveBatchNorm.forwardEval(n, c, s, v, gamma, beta, rm, rv, EPS)));
            double[] dgamma = FiniteDifference.gradient(gamma, 1e-5,
                    v -> FiniteDifference.dot(proj, NaiveBatchNorm.forwardEval(n, c, s, x, v, beta, rm, rv, EPS)));
            double[] dbeta = FiniteDifference.gradient(beta, 1e-5,
                    v -> FiniteDifference.dot(proj, NaiveBatchNorm.forwardEval(n, c, s, x, gamma, v, rm, rv, EPS)));
            String shape = "(N,C,S)=" + java.util.Arrays.toString(sh);
            assertTrue(FiniteDifference.maxRelativeError(g.dx(), dx) < 1e-6, () -> "dx " + shape);
            assertTrue(FiniteDifference.maxRelativeError(g.dgamma(), dgamma) < 1e-6, () -> "dgamma " + shape);
            assertTrue(FiniteDifference.maxRelativeError(g.dbeta(), dbeta) < 1e-6, () -> "dbeta " + shape);
        }
    }

    @Test
    void matchesHandComputedPyTorchValues() {
        // x = [1,2,3,4] in one channel: mean 2.5, biased var 1.25, unbiased 5/3; momentum 0.1 from (0, 1)
        try (CpuFixture f = new CpuFixture(2, 256)) {
            int x = f.put(Arena.ACTS, new double[]{1, 2, 3, 4});
            int gamma = f.put(Arena.PARAMS, new double[]{1}), beta = f.put(Arena.PARAMS, new double[]{0});
            int rm = f.put(Arena.BUFFERS, new double[]{0}), rv = f.put(Arena.BUFFERS, new double[]{1});
            int y = f.alloc(Arena.ACTS, 4), sm = f.alloc(Arena.ACTS, 1), si = f.alloc(Arena.ACTS, 1);
            BatchNormOp op = f.backend.batchNorm(4, 1, 1, 1e-5f, 0.1f);
            op.forwardTrain(x, gamma, beta, rm, rv, y, sm, si);
            assertArrayEquals(new double[]{-1.3416354199689269, -0.447211806656309, 0.447211806656309, 1.3416354199689269},
                    f.get(Arena.ACTS, y, 4), 1e-6);
            assertArrayEquals(new double[]{0.25, 1.0666666666666667},
                    new double[]{f.get(Arena.BUFFERS, rm, 1)[0], f.get(Arena.BUFFERS, rv, 1)[0]}, 1e-6);
            op.forwardEval(x, gamma, beta, rm, rv, y);
            double inv = 1 / Math.sqrt(1.0666666666666667 + 1e-5);
            assertArrayEquals(new double[]{(1 - 0.25) * inv, (2 - 0.25) * inv, (3 - 0.25) * inv, (4 - 0.25) * inv},
                    f.get(Arena.ACTS, y, 4), 1e-6);
        }
    }

    /** Both loops: BatchNormVectors' (the test JVMs have the Vector API, so a missing flag fails here) and the scalar ones. */
    @ParameterizedTest(name = "vectors {0}")
    @ValueSource(booleans = {true, false})
    void cpuMatchesReferenceInTrainAndEval(boolean vectors) {
        assertTrue(VectorApi.available(), VectorApi.description());
        SplittableRandom rng = new SplittableRandom(5);
        for (int threads : new int[]{1, 3}) {
            for (int trial = 0; trial < 12; trial++) {
                int n = 1 + rng.nextInt(6), c = 1 + rng.nextInt(9), s = 1 + rng.nextInt(trial < 10 ? 40 : 3000);
                if (n * s < 2) s = 2;
                // a mean well away from 0 checks that the shifted one-pass variance stays accurate
                double centre = rng.nextInt(3) == 0 ? 20 : 0;
                double[] x = CpuFixture.random(rng, n * c * s, centre - 2, centre + 2);
                double[] gamma = CpuFixture.random(rng, c, 0.5, 1.5), beta = CpuFixture.random(rng, c, -1, 1);
                double[] runMean = CpuFixture.random(rng, c, -1, 1), runVar = CpuFixture.random(rng, c, 0.5, 2);
                double[] dy = CpuFixture.random(rng, x.length, -1, 1), dxStart = CpuFixture.random(rng, x.length, -1, 1);
                double[] dgStart = CpuFixture.random(rng, c, -1, 1), dbStart = CpuFixture.random(rng, c, -1, 1);
                try (CpuFixture f = new CpuFixture(threads, 6 * x.length + 20 * c + 100)) {
                    int xo = f.put(Arena.ACTS, x), yo = f.alloc(Arena.ACTS, x.length);
                    int go = f.put(Arena.PARAMS, gamma), bo = f.put(Arena.PARAMS, beta);
                    f.set(Arena.GRADS, go, dgStart);
                    f.set(Arena.GRADS, bo, dbStart);
                    int rm = f.put(Arena.BUFFERS, runMean), rv = f.put(Arena.BUFFERS, runVar);
                    int sm = f.alloc(Arena.ACTS, c), si = f.alloc(Arena.ACTS, c);
                    int dyo = f.put(Arena.ACTS, dy), dxo = f.put(Arena.ACTS, dxStart);
                    BatchNormOp op = new CpuBatchNormOp(f.backend.context(), n, c, s, (float) EPS, 0.1f, vectors);
                    op.forwardTrain(xo, go, bo, rm, rv, yo, sm, si);
                    op.backward(xo, dyo, go, sm, si, dxo, go, bo);

                    NaiveBatchNorm.Train t = NaiveBatchNorm.forwardTrain(n, c, s, x, gamma, beta, EPS);
                    NaiveBatchNorm.Grads g = NaiveBatchNorm.backward(n, c, s, x, dy, gamma, EPS);
                    double[] rmRef = runMean.clone(), rvRef = runVar.clone();
                    NaiveBatchNorm.updateRunning(t, n * s, 0.1, rmRef, rvRef);
                    String what = "vectors=" + vectors + " threads=" + threads + " (N,C,S)=(" + n + "," + c + "," + s + ")";
                    assertClose(t.y(), f.get(Arena.ACTS, yo, x.length), 2e-5, "y " + what);
                    assertClose(t.mean(), f.get(Arena.ACTS, sm, c), 1e-6, "mean " + what);
                    assertClose(rmRef, f.get(Arena.BUFFERS, rm, c), 1e-6, "running mean " + what);
                    assertClose(rvRef, f.get(Arena.BUFFERS, rv, c), 1e-5, "running var " + what);
                    assertClose(plus(g.dx(), dxStart), f.get(Arena.ACTS, dxo, x.length), 1e-4, "dx " + what);
                    assertClose(plus(g.dgamma(), dgStart), f.get(Arena.GRADS, go, c), 1e-4, "dgamma " + what);
                    assertClose(plus(g.dbeta(), dbStart), f.get(Arena.GRADS, bo, c), 1e-4, "dbeta " + what);

                    op.forwardEval(xo, go, bo, rm, rv, yo);
                    double[] eval = NaiveBatchNorm.forwardEval(n, c, s, x, gamma, beta,
                            CpuFixture.rounded(rmRef), CpuFixture.rounded(rvRef), EPS);
                    assertClose(eval, f.get(Arena.ACTS, yo, x.length), 2e-5, "eval y " + what);

                    // evaluation-mode backward, accumulating onto what the training backward left
                    double[] dxBefore = f.get(Arena.ACTS, dxo, x.length), dgBefore = f.get(Arena.GRADS, go, c);
                    double[] dbBefore = f.get(Arena.GRADS, bo, c);
                    op.backwardEval(xo, dyo, go, rm, rv, dxo, go, bo);
                    NaiveBatchNorm.Grads ge = NaiveBatchNorm.backwardEval(n, c, s, x, dy, gamma,
                            CpuFixture.rounded(rmRef), CpuFixture.rounded(rvRef), EPS);
                    assertClose(plus(ge.dx(), dxBefore), f.get(Arena.ACTS, dxo, x.length), 1e-4, "eval dx " + what);
                    assertClose(plus(ge.dgamma(), dgBefore), f.get(Arena.GRADS, go, c), 1e-4, "eval dgamma " + what);
                    assertClose(plus(ge.dbeta(), dbBefore), f.get(Arena.GRADS, bo, c), 1e-4, "eval dbeta " + what);
                }
            }
        }
    }

    @Test
    void trainingWithOneValuePerChannelIsRefused() {
        try (CpuFixture f = new CpuFixture(1, 64)) {
            BatchNormOp op = f.backend.batchNorm(1, 2, 1, 1e-5f, 0.1f);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> op.forwardTrain(3, 3, 5, 3, 5, 10, 20, 30));
            assertTrue(e.getMessage().contains("more than one value per channel"), e.getMessage());
        }
    }

    static double[] plus(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[i] + b[i];
        return r;
    }

    /** Relative to max(1, |value|) per element, the float-vs-double standard of these tests. */
    static void assertClose(double[] expected, double[] actual, double tol, String what) {
        double err = FiniteDifference.maxRelativeError(expected, actual);
        assertTrue(err < tol, () -> what + ": max relative error " + err);
    }
}
