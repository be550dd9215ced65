package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.Activation;
import io.sparkcnn.model.backend.ActivationOp;
import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.reference.FiniteDifference;
import io.sparkcnn.model.reference.NaiveActivation;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static io.sparkcnn.model.backend.cpu.CpuBatchNormOpTest.assertClose;
import static io.sparkcnn.model.backend.cpu.CpuBatchNormOpTest.plus;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class CpuActivationOpTest {
    private static final double ALPHA = 0.1;

    /** Values kept away from ReLU's kink at 0, where a central difference is not a derivative. */
    private static double[] awayFromZero(SplittableRandom rng, int n) {
        double[] v = CpuFixture.random(rng, n, -3, 3);
        for (int i = 0; i < n; i++) if (Math.abs(v[i]) < 0.05) v[i] += 0.1;
        return v;
    }

    @Test
    void referenceBackwardMatchesFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(1);
        for (Activation kind : Activation.values()) {
            double[] x = awayFromZero(rng, 37);
            double[] proj = CpuFixture.random(rng, x.length, -1, 1);
            double[] numeric = FiniteDifference.gradient(x, 1e-6,
                    v -> FiniteDifference.dot(proj, NaiveActivation.forward(kind, ALPHA, v)));
            assertClose(NaiveActivation.backward(kind, ALPHA, x, proj), numeric, 1e-8, kind.name());
        }
    }

    @Test
    void reluHasZeroDerivativeAtZeroAsPyTorch() {
        try (CpuFixture f = new CpuFixture(1, 64)) {
            int x = f.put(Arena.ACTS, new double[]{0, -0.0, 1}), y = f.alloc(Arena.ACTS, 3);
            int dy = f.put(Arena.ACTS, new double[]{1, 1, 1}), dx = f.alloc(Arena.ACTS, 3);
            ActivationOp op = f.backend.activation(Activation.RELU, 0f, 3);
            op.forward(x, y);
            op.backward(x, y, dy, dx);
            assertArrayEquals(new double[]{0, 0, 1}, f.get(Arena.ACTS, dx, 3));
        }
    }

    @Test
    void cpuMatchesReference() {
        SplittableRandom rng = new SplittableRandom(2);
        for (Activation kind : Activation.values()) {
            for (int threads : new int[]{1, 3}) {
                for (int count : new int[]{1, 17, 100_003}) {
                    double[] x = CpuFixture.random(rng, count, -6, 6);
                    double[] dy = CpuFixture.random(rng, count, -1, 1), dxStart = CpuFixture.random(rng, count, -1, 1);
                    try (CpuFixture f = new CpuFixture(threads, 4 * count + 64)) {
                        int xo = f.put(Arena.ACTS, x), yo = f.alloc(Arena.ACTS, count);
                        int dyo = f.put(Arena.ACTS, dy), dxo = f.put(Arena.ACTS, dxStart);
                        ActivationOp op = f.backend.activation(kind, (float) ALPHA, count);
                        op.forward(xo, yo);
                        op.backward(xo, yo, dyo, dxo);
                        String what = kind + " threads=" + threads + " count=" + count;
                        assertClose(NaiveActivation.forward(kind, ALPHA, x), f.get(Arena.ACTS, yo, count), 1e-6, "y " + what);
                        assertClose(plus(NaiveActivation.backward(kind, ALPHA, x, dy), dxStart), f.get(Arena.ACTS, dxo, count),
                                1e-6, "dx " + what);
                    }
                }
            }
        }
    }
}
