package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.PoolGeom;
import io.sparkcnn.model.backend.PoolOp;
import io.sparkcnn.model.reference.FiniteDifference;
import io.sparkcnn.model.reference.NaivePool;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pooling: the double reference against finite differences, then the float CPU op against
 * the reference. Tie rule (documented in PoolOp and CpuPoolOp): the first maximum of the
 * window in scan order, i.e. the lowest input index, takes the gradient, as PyTorch's CPU
 * kernel does. Finite differences cannot check a tie (the function has a kink there), so
 * ties are checked by hand-built windows and by exact agreement with the reference.
 */
class CpuPoolOpTest {

    /** Random geometries over 2-D and 3-D, strides, paddings (up to half the kernel) and odd sizes. */
    static List<PoolGeom> geometries(long seed, int count, boolean max) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<PoolGeom> out = new ArrayList<>();
        while (out.size() < count) {
            boolean three = rng.nextInt(3) == 0;
            int kd = three ? 1 + rng.nextInt(3) : 1, kh = 1 + rng.nextInt(4), kw = 1 + rng.nextInt(4);
            int id = three ? 1 + rng.nextInt(5) : 1, ih = 1 + rng.nextInt(9), iw = 1 + rng.nextInt(9);
            int sd = three ? 1 + rng.nextInt(3) : 1, sh = 1 + rng.nextInt(3), sw = 1 + rng.nextInt(3);
            int pd = rng.nextInt(kd / 2 + 1), ph = rng.nextInt(kh / 2 + 1), pw = rng.nextInt(kw / 2 + 1);
            PoolGeom g = new PoolGeom(max, 1 + rng.nextInt(3), 1 + rng.nextInt(4), id, ih, iw, kd, kh, kw, sd, sh, sw,
                    pd, ph, pw, rng.nextBoolean());
            if (g.od() > 0 && g.oh() > 0 && g.ow() > 0) out.add(g);
        }
        return out;
    }

    /** Distinct values at least 0.1 apart, so a finite-difference step never changes a window's winner. */
    static double[] distinct(SplittableRandom rng, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = i * 0.1 - n * 0.05;
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            double t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return v;
    }

    @Test
    void referenceBackwardMatchesFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(11);
        for (boolean max : new boolean[]{true, false}) {
            for (PoolGeom g : geometries(max ? 1 : 2, 25, max)) {
                double[] x = distinct(rng, g.n() * g.inSize());
                double[] proj = CpuFixture.random(rng, g.n() * g.outSize(), -1, 1);
                double[] analytic = NaivePool.backward(g, proj, NaivePool.forward(g, x).argmax());
                double[] numeric = FiniteDifference.gradient(x, 1e-4,
                        v -> FiniteDifference.dot(proj, NaivePool.forward(g, v).y()));
                assertTrue(FiniteDifference.maxRelativeError(analytic, numeric) < 1e-8, () -> "pool gradient differs for " + g);
            }
        }
    }

    @Test
    void tiesGoToTheFirstMaximumAndPaddingNeverWins() {
        // one plane 2x3, window 2x2 stride 1: windows [[1,1],[1,1]] and [[1,0],[1,-2]] -> first cell of each window
        PoolGeom g = new PoolGeom(true, 1, 1, 1, 2, 3, 1, 2, 2, 1, 1, 1, 0, 0, 0, true);
        NaivePool.Result r = NaivePool.forward(g, new double[]{1, 1, 0, 1, 1, -2});
        assertArrayEquals(new int[]{0, 1}, r.argmax());
        // all negative input with padding 1: the maximum is a real cell, never the padding's -inf or 0
        PoolGeom padded = new PoolGeom(true, 1, 1, 1, 2, 2, 1, 2, 2, 1, 2, 2, 0, 1, 1, true);
        NaivePool.Result p = NaivePool.forward(padded, new double[]{-4, -3, -2, -1});
        assertArrayEquals(new double[]{-4, -3, -2, -1}, p.y());
        assertArrayEquals(new int[]{0, 1, 2, 3}, p.argmax());
        try (CpuFixture f = new CpuFixture(2, 256)) {
            int x = f.put(Arena.ACTS, new double[]{1, 1, 0, 1, 1, -2});
            int y = f.alloc(Arena.ACTS, 2), am = f.alloc(Arena.ACTS, 2), dx = f.alloc(Arena.ACTS, 6);
            int dy = f.put(Arena.ACTS, new double[]{5, 7});
            PoolOp op = f.backend.pool(g);
            op.forward(x, y, am);
            op.backward(dy, am, dx);
            assertArrayEquals(new double[]{0, 1}, f.get(Arena.ACTS, am, 2));
            assertArrayEquals(new double[]{5, 7, 0, 0, 0, 0}, f.get(Arena.ACTS, dx, 6));
        }
    }

    @Test
    void cpuMatchesReferenceWithManyTies() {
        for (boolean max : new boolean[]{true, false}) {
            for (int threads : new int[]{1, 3}) {
                SplittableRandom rng = new SplittableRandom(threads * 7 + (max ? 1 : 0));
                for (PoolGeom g : geometries(threads * 31 + (max ? 5 : 6), 40, max)) {
                    // a few small integers: most max windows hold ties
                    double[] x = new double[g.n() * g.inSize()];
                    for (int i = 0; i < x.length; i++) x[i] = max ? rng.nextInt(4) - 2 : rng.nextDouble() * 4 - 2;
                    double[] dy = CpuFixture.random(rng, g.n() * g.outSize(), -1, 1);
                    double[] dxStart = CpuFixture.random(rng, x.length, -1, 1);
                    try (CpuFixture f = new CpuFixture(threads, 4 * (x.length + dy.length) + 64)) {
                        int xo = f.put(Arena.ACTS, x), yo = f.alloc(Arena.ACTS, dy.length), am = f.alloc(Arena.ACTS, dy.length);
                        int dyo = f.put(Arena.ACTS, dy), dxo = f.put(Arena.ACTS, dxStart);
                        PoolOp op = f.backend.pool(g);
                        op.forward(xo, yo, max ? am : -1);
                        op.backward(dyo, max ? am : -1, dxo);
                        NaivePool.Result ref = NaivePool.forward(g, x);
                        double[] refDx = NaivePool.backward(g, dy, ref.argmax());
                        for (int i = 0; i < refDx.length; i++) refDx[i] += dxStart[i];
                        assertTrue(FiniteDifference.maxRelativeError(ref.y(), f.get(Arena.ACTS, yo, dy.length)) < 1e-6,
                                () -> "forward differs for " + g);
                        if (max) {
                            double[] am2 = f.get(Arena.ACTS, am, dy.length);
                            for (int i = 0; i < am2.length; i++) assertEquals(ref.argmax()[i], (int) am2[i], "argmax " + i + " of " + g);
                        }
                        assertTrue(FiniteDifference.maxRelativeError(refDx, f.get(Arena.ACTS, dxo, x.length)) < 1e-6,
                                () -> "backward differs for " + g);
                    }
                }
            }
        }
    }

    /** 2x2 stride 2 without padding has its own loop (CpuPoolOp.maxPlane2x2): against the reference on tie-rich planes, odd sizes included. */
    @Test
    void twoByTwoStrideTwoMatchesReferenceWithManyTies() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int threads : new int[]{1, 3}) {
            for (int[] size : new int[][]{{28, 28}, {7, 9}, {2, 2}, {5, 4}}) {
                PoolGeom g = new PoolGeom(true, 2, 3, 1, size[0], size[1], 1, 2, 2, 1, 2, 2, 0, 0, 0, true);
                double[] x = new double[g.n() * g.inSize()];
                for (int i = 0; i < x.length; i++) x[i] = rng.nextInt(3) - 1;
                double[] dy = CpuFixture.random(rng, g.n() * g.outSize(), -1, 1);
                try (CpuFixture f = new CpuFixture(threads, 4 * (x.length + dy.length) + 64)) {
                    int xo = f.put(Arena.ACTS, x), yo = f.alloc(Arena.ACTS, dy.length), am = f.alloc(Arena.ACTS, dy.length);
                    int dyo = f.put(Arena.ACTS, dy), dxo = f.alloc(Arena.ACTS, x.length);
                    PoolOp op = f.backend.pool(g);
                    op.forward(xo, yo, am);
                    op.backward(dyo, am, dxo);
                    NaivePool.Result ref = NaivePool.forward(g, x);
                    assertArrayEquals(ref.y(), f.get(Arena.ACTS, yo, dy.length), "forward of " + g);
                    double[] got = f.get(Arena.ACTS, am, dy.length);
                    for (int i = 0; i < got.length; i++) assertEquals(ref.argmax()[i], (int) got[i], "argmax " + i + " of " + g);
                    assertArrayEquals(NaivePool.backward(g, dy, ref.argmax()), f.get(Arena.ACTS, dxo, x.length), "backward of " + g);
                    // without argmax (inference) the same maxima
                    f.backend.pool(g).forward(xo, yo, -1);
                    assertArrayEquals(ref.y(), f.get(Arena.ACTS, yo, dy.length), "forward without argmax of " + g);
                }
            }
        }
    }

    /** The scan-order rules in the 2x2 loop: the last NaN of a window wins, as in PyTorch; -0.0 before 0.0 stays -0.0. */
    @Test
    void twoByTwoKeepsTheScanOrderRulesForNanAndSignedZero() {
        PoolGeom g = new PoolGeom(true, 1, 1, 1, 2, 8, 1, 2, 2, 1, 2, 2, 0, 0, 0, true);
        double nan = Double.NaN;
        double[] plane = {nan, 1, 1, nan, -0.0, 0.0, 5, 5,
                          nan, 2, 3, 2, -1, -2, 5, 5};
        try (CpuFixture f = new CpuFixture(1, 64)) {
            int x = f.put(Arena.ACTS, plane), y = f.alloc(Arena.ACTS, 4), am = f.alloc(Arena.ACTS, 4);
            float[] acts = f.arenas.get(Arena.ACTS);
            f.backend.pool(g).forward(x, y, am);
            assertArrayEquals(new double[]{8, 3, 4, 6}, f.get(Arena.ACTS, am, 4), "argmax: last NaN, the NaN, -0.0 first, first of ties");
            assertTrue(Float.isNaN(acts[y]) && Float.isNaN(acts[y + 1]), "NaN propagates");
            assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(acts[y + 2]), "-0.0 kept");
            assertEquals(5f, acts[y + 3]);
        }
    }

    /**
     * The same rules in the 3x3 loop (CpuPoolOp.maxPlane3x3), by hand for NaN (the reference does not
     * model it): windows wholly inside the input (the branch-free path), and on ResNet's stem pool (3x3
     * stride 2, padding 1) windows the padding clips (the scan): the last NaN of each, the first of
     * ties, and -0.0 kept when it comes before 0.0.
     */
    @Test
    void threeByThreeTakesTheLastNanAndKeepsMinusZero() {
        double nan = Double.NaN;
        PoolGeom inside = new PoolGeom(true, 1, 3, 1, 3, 3, 1, 3, 3, 1, 1, 1, 0, 0, 0, true);
        double[] planes = {1, nan, 2, nan, -0.0, 0.0, 3, 0.0, -0.0,
                           -0.0, 0.0, -0.0, 0.0, -0.0, -1, -2, 0.0, -0.0,
                           1, 2, 2, 0, 2, 1, -1, 2, 0};
        try (CpuFixture f = new CpuFixture(1, 64)) {
            int x = f.put(Arena.ACTS, planes), y = f.alloc(Arena.ACTS, 3), am = f.alloc(Arena.ACTS, 3);
            f.backend.pool(inside).forward(x, y, am);
            assertArrayEquals(new double[]{3, 0, 1}, f.get(Arena.ACTS, am, 3), "argmax inside: the last NaN, -0.0 first, the first of ties");
            assertArrayEquals(new double[]{nan, -0.0, 2}, f.get(Arena.ACTS, y, 3), "NaN propagates, -0.0 kept");
        }
        PoolGeom clipped = new PoolGeom(true, 1, 1, 1, 3, 3, 1, 3, 3, 1, 2, 2, 0, 1, 1, true);
        try (CpuFixture f = new CpuFixture(1, 64)) {
            int x = f.put(Arena.ACTS, java.util.Arrays.copyOf(planes, 9)), y = f.alloc(Arena.ACTS, 4), am = f.alloc(Arena.ACTS, 4);
            f.backend.pool(clipped).forward(x, y, am);
            assertArrayEquals(new double[]{3, 1, 3, 4}, f.get(Arena.ACTS, am, 4), "argmax clipped: the last NaN of each window, else -0.0 first");
            assertArrayEquals(new double[]{nan, nan, nan, -0.0}, f.get(Arena.ACTS, y, 4), "NaN propagates, -0.0 kept");
        }
    }

    /**
     * Signed zeros and ties against the reference, the value's bits included: planes drawn from -0.0,
     * 0.0 and +-1 on the stem pool (the 3x3 loop), a 3-D window and the random geometries (the scan).
     */
    @Test
    void signedZerosAndTiesMatchTheReferenceBitForBit() {
        List<PoolGeom> cases = new ArrayList<>(List.of(new PoolGeom(true, 2, 3, 1, 9, 11, 1, 3, 3, 1, 2, 2, 0, 1, 1, true),
                new PoolGeom(true, 1, 2, 4, 5, 6, 2, 3, 3, 2, 2, 1, 1, 1, 1, true)));
        cases.addAll(geometries(77, 30, true));
        double[] values = {-0.0, 0.0, 1, -1, -0.0, 0.0, -1};
        SplittableRandom rng = new SplittableRandom(9);
        for (PoolGeom g : cases) {
            double[] x = new double[g.n() * g.inSize()];
            for (int i = 0; i < x.length; i++) x[i] = values[rng.nextInt(values.length)];
            NaivePool.Result ref = NaivePool.forward(g, x);
            try (CpuFixture f = new CpuFixture(2, 4 * (x.length + g.n() * g.outSize()) + 64)) {
                int out = g.n() * g.outSize();
                int xo = f.put(Arena.ACTS, x), yo = f.alloc(Arena.ACTS, out), am = f.alloc(Arena.ACTS, out);
                f.backend.pool(g).forward(xo, yo, am);
                assertArrayEquals(ref.y(), f.get(Arena.ACTS, yo, out), "maxima (the sign of zero included) of " + g);
                double[] got = f.get(Arena.ACTS, am, out);
                for (int i = 0; i < out; i++) assertEquals(ref.argmax()[i], (int) got[i], "argmax " + i + " of " + g);
            }
        }
    }
}
