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
import static org.junit.jupiter.api.Assertions.assertEquals;

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

    /**
     * ReLU's edge values: max(-0.0, 0) is 0.0 and NaN stays NaN (Math.max); the gradient passes where
     * x &gt; 0 and, by the bit rule, for a NaN with a clear sign bit, not for -0.0, 0 or a NaN with the
     * sign bit set.
     */
    @Test
    void reluKeepsItsRulesForSignedZeroAndNan() {
        int count = 37;
        float negativeNan = Float.intBitsToFloat(0xFFC00000);
        float[] special = {-0f, 0f, Float.NaN, negativeNan, 1f, -1f, Float.MIN_VALUE, -Float.MIN_VALUE};
        double[] dy = new double[count];
        for (int i = 0; i < count; i++) dy[i] = i + 1;
        try (CpuFixture f = new CpuFixture(1, 4 * count + 64)) {
            int xo = f.alloc(Arena.ACTS, count), yo = f.alloc(Arena.ACTS, count), dyo = f.put(Arena.ACTS, dy), dxo = f.alloc(Arena.ACTS, count);
            float[] acts = f.arenas.get(Arena.ACTS);
            for (int i = 0; i < count; i++) acts[xo + i] = special[i % special.length];
            ActivationOp op = f.backend.activation(Activation.RELU, 0f, count);
            op.forward(xo, yo);
            op.backward(xo, yo, dyo, dxo);
            for (int i = 0; i < count; i++) {
                float v = acts[xo + i];
                assertEquals(Float.floatToIntBits(Math.max(v, 0f)), Float.floatToIntBits(acts[yo + i]), "y[" + i + "] of " + v);
                boolean passes = v > 0 || (Float.isNaN(v) && Float.floatToRawIntBits(v) >= 0);
                assertEquals(passes ? i + 1 : 0, acts[dxo + i], "dx[" + i + "] of " + v);
            }
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
