package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.TensorOps;
import io.sparkcnn.model.reference.FiniteDifference;
import io.sparkcnn.model.reference.NaiveAddConcat;
import io.sparkcnn.model.reference.NaiveDropout;
import io.sparkcnn.model.reference.NaiveUpsample;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static io.sparkcnn.model.backend.cpu.CpuBatchNormOpTest.assertClose;
import static io.sparkcnn.model.backend.cpu.CpuBatchNormOpTest.plus;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Element-wise and layout ops: references against finite differences, the CPU ops against the references. */
class CpuTensorOpsTest {
    /** Big enough that the thread team splits the loop. */
    private static final int BIG = 100_003;

    @Test
    void elementwiseOpsOverParallelSizes() {
        SplittableRandom rng = new SplittableRandom(1);
        for (int threads : new int[]{1, 3}) {
            for (int n : new int[]{1, 31, BIG}) {
                double[] a = CpuFixture.random(rng, n, -2, 2), b = CpuFixture.random(rng, n, -2, 2);
                try (CpuFixture f = new CpuFixture(threads, 6 * n + 64)) {
                    TensorOps t = f.backend.tensor();
                    int ao = f.put(Arena.ACTS, a), bo = f.put(Arena.ACTS, b), y = f.alloc(Arena.ACTS, n), c = f.alloc(Arena.ACTS, n);
                    t.add(n, ao, bo, y);
                    assertClose(NaiveAddConcat.add(a, b), f.get(Arena.ACTS, y, n), 1e-6, "add n=" + n);
                    t.copy(n, ao, c);
                    assertArrayEquals(a, f.get(Arena.ACTS, c, n));
                    t.accumulate(n, bo, c);
                    assertClose(NaiveAddConcat.add(a, b), f.get(Arena.ACTS, c, n), 1e-6, "accumulate n=" + n);
                    t.scale(Arena.ACTS, ao, n, -0.5f);
                    double[] half = a.clone();
                    for (int i = 0; i < n; i++) half[i] *= -0.5;
                    assertClose(half, f.get(Arena.ACTS, ao, n), 1e-7, "scale n=" + n);
                    int out = f.alloc(Arena.ACTS, 1);
                    t.sumSquares(Arena.ACTS, bo, n, out);
                    double ss = FiniteDifference.dot(b, b);
                    assertEquals(ss, f.get(Arena.ACTS, out, 1)[0], ss * 1e-6, "sumSquares n=" + n);
                    int p = f.alloc(Arena.PARAMS, n);
                    t.fill(Arena.PARAMS, p, n, 2.5f);
                    for (double v : f.get(Arena.PARAMS, p, n)) assertEquals(2.5, v);
                    assertEquals(0.0, f.arenas.params()[p + n], "fill wrote past its range");
                }
            }
        }
    }

    @Test
    void biasAddAndGradientMatchDefinitions() {
        SplittableRandom rng = new SplittableRandom(2);
        int n = 3, c = 5, s = 7;
        double[] y = CpuFixture.random(rng, n * c * s, -1, 1), bias = CpuFixture.random(rng, c, -1, 1);
        double[] dbStart = CpuFixture.random(rng, c, -1, 1);
        try (CpuFixture f = new CpuFixture(2, 1024)) {
            int yo = f.put(Arena.ACTS, y), bo = f.put(Arena.PARAMS, bias);
            f.set(Arena.GRADS, bo, dbStart);
            f.backend.tensor().addBias(n, c, s, bo, yo);
            f.backend.tensor().biasGrad(n, c, s, yo, bo);
            double[] expectY = y.clone(), expectDb = dbStart.clone();
            for (int i = 0; i < expectY.length; i++) expectY[i] += bias[(i / s) % c];
            for (int i = 0; i < expectY.length; i++) expectDb[(i / s) % c] += expectY[i];
            assertClose(expectY, f.get(Arena.ACTS, yo, y.length), 1e-6, "addBias");
            assertClose(expectDb, f.get(Arena.GRADS, bo, c), 1e-5, "biasGrad");
        }
    }

    @Test
    void concatReferenceAndCpuAgree() {
        SplittableRandom rng = new SplittableRandom(3);
        int n = 3, s = 11;
        int[] channels = {2, 1, 4};
        double[][] xs = new double[3][];
        for (int k = 0; k < 3; k++) xs[k] = CpuFixture.random(rng, n * channels[k] * s, -1, 1);
        double[] dy = CpuFixture.random(rng, n * 7 * s, -1, 1);
        // the reference's backward is the adjoint of its forward: check it by finite differences of <dy, concat>
        for (int k = 0; k < 3; k++) {
            final int kk = k;
            double[] numeric = FiniteDifference.gradient(xs[k].clone(), 1e-6, v -> {
                double[][] in = xs.clone();
                in[kk] = v;
                return FiniteDifference.dot(dy, NaiveAddConcat.concat(n, s, channels, in));
            });
            assertClose(NaiveAddConcat.concatBackward(n, s, channels, k, dy), numeric, 1e-8, "concat reference input " + k);
        }
        try (CpuFixture f = new CpuFixture(3, 4096)) {
            TensorOps t = f.backend.tensor();
            int y = f.alloc(Arena.ACTS, dy.length), dyo = f.put(Arena.ACTS, dy);
            int at = 0;
            int[] dxo = new int[3];
            for (int k = 0; k < 3; k++) {
                t.copyIntoChannels(n, channels[k], 7, s, at, f.put(Arena.ACTS, xs[k]), y);
                dxo[k] = f.put(Arena.ACTS, xs[k]); // a non-zero start: the backward must add
                t.accumulateFromChannels(n, channels[k], 7, s, at, dyo, dxo[k]);
                at += channels[k];
            }
            assertArrayEquals(NaiveAddConcat.concat(n, s, channels, xs), f.get(Arena.ACTS, y, dy.length));
            for (int k = 0; k < 3; k++) {
                assertClose(plus(NaiveAddConcat.concatBackward(n, s, channels, k, dy), xs[k]),
                        f.get(Arena.ACTS, dxo[k], xs[k].length), 1e-6, "concat backward " + k);
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> t.copyIntoChannels(n, 4, 7, s, 4, 0, 0));
            assertTrue(e.getMessage().contains("[4, 8) do not fit in 7"), e.getMessage());
        }
    }

    @Test
    void dropoutMasksFollowTheSharedHash() {
        SplittableRandom rng = new SplittableRandom(4);
        for (int threads : new int[]{1, 3}) {
            double p = 0.3;
            double[] x = CpuFixture.random(rng, BIG, -1, 1), dy = CpuFixture.random(rng, BIG, -1, 1);
            try (CpuFixture f = new CpuFixture(threads, 6 * BIG + 64)) {
                TensorOps t = f.backend.tensor();
                int xo = f.put(Arena.ACTS, x), m = f.alloc(Arena.ACTS, BIG), y = f.alloc(Arena.ACTS, BIG);
                int dyo = f.put(Arena.ACTS, dy), dx = f.alloc(Arena.ACTS, BIG);
                t.dropoutForward(BIG, (float) p, 42L, xo, m, y);
                t.dropoutBackward(BIG, m, dyo, dx);
                double[] mask = NaiveDropout.mask(BIG, (float) p, 42L);
                assertClose(mask, f.get(Arena.ACTS, m, BIG), 1e-6, "mask");
                assertClose(NaiveDropout.forward(x, mask), f.get(Arena.ACTS, y, BIG), 1e-6, "dropout y");
                assertClose(NaiveDropout.backward(dy, mask), f.get(Arena.ACTS, dx, BIG), 1e-6, "dropout dx");
                long kept = java.util.Arrays.stream(mask).filter(v -> v > 0).count();
                // 100k Bernoulli(0.7) draws: 5 standard deviations is about 0.7%
                assertEquals(0.7, kept / (double) BIG, 0.007, "kept fraction");
                assertNotEquals(0, java.util.Arrays.compare(mask, NaiveDropout.mask(BIG, (float) p, 43L)), "another seed, another mask");
            }
        }
        double[] x = CpuFixture.random(rng, 9, -1, 1), mask = NaiveDropout.mask(9, 0.5, 7L), proj = CpuFixture.random(rng, 9, -1, 1);
        double[] numeric = FiniteDifference.gradient(x, 1e-6, v -> FiniteDifference.dot(proj, NaiveDropout.forward(v, mask)));
        assertClose(NaiveDropout.backward(proj, mask), numeric, 1e-8, "dropout reference");
    }

    @Test
    void bilinearMatchesPyTorchOnAKnownInput() {
        // torch.nn.functional.interpolate([[1,2],[3,4]], scale_factor=2, mode='bilinear', align_corners=False)
        double[] expected = {
                1.00, 1.25, 1.75, 2.00,
                1.50, 1.75, 2.25, 2.50,
                2.50, 2.75, 3.25, 3.50,
                3.00, 3.25, 3.75, 4.00};
        assertArrayEquals(expected, NaiveUpsample.forward(true, 1, 2, 2, 2, 2, new double[]{1, 2, 3, 4}), 1e-12);
        assertArrayEquals(new double[]{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4},
                NaiveUpsample.forward(false, 1, 2, 2, 2, 2, new double[]{1, 2, 3, 4}), 0);
        try (CpuFixture f = new CpuFixture(2, 256)) {
            int x = f.put(Arena.ACTS, new double[]{1, 2, 3, 4}), y = f.alloc(Arena.ACTS, 16);
            f.backend.tensor().upsampleForward(true, 1, 1, 2, 2, 2, 2, x, y);
            assertArrayEquals(expected, f.get(Arena.ACTS, y, 16), 1e-6);
        }
    }

    @Test
    void upsampleReferenceAndCpuAgree() {
        SplittableRandom rng = new SplittableRandom(5);
        for (boolean bilinear : new boolean[]{false, true}) {
            for (int trial = 0; trial < 12; trial++) {
                int n = 1 + rng.nextInt(2), c = 1 + rng.nextInt(3), h = 1 + rng.nextInt(5), w = 1 + rng.nextInt(6);
                int sh = 1 + rng.nextInt(4), sw = 1 + rng.nextInt(4);
                int planes = n * c, outSize = planes * h * sh * w * sw;
                double[] x = CpuFixture.random(rng, planes * h * w, -1, 1), dy = CpuFixture.random(rng, outSize, -1, 1);
                String what = (bilinear ? "bilinear" : "nearest") + " (N,C,H,W)=(" + n + "," + c + "," + h + "," + w + ") x" + sh + "x" + sw;
                double[] numeric = FiniteDifference.gradient(x.clone(), 1e-6,
                        v -> FiniteDifference.dot(dy, NaiveUpsample.forward(bilinear, planes, h, w, sh, sw, v)));
                double[] ref = NaiveUpsample.backward(bilinear, planes, h, w, sh, sw, dy);
                assertClose(ref, numeric, 1e-8, "reference " + what);
                try (CpuFixture f = new CpuFixture(1 + trial % 3, 2 * outSize + 2 * x.length + 64)) {
                    int xo = f.put(Arena.ACTS, x), yo = f.alloc(Arena.ACTS, outSize);
                    int dyo = f.put(Arena.ACTS, dy), dxo = f.put(Arena.ACTS, x);
                    f.backend.tensor().upsampleForward(bilinear, n, c, h, w, sh, sw, xo, yo);
                    f.backend.tensor().upsampleBackward(bilinear, n, c, h, w, sh, sw, dyo, dxo);
                    assertClose(NaiveUpsample.forward(bilinear, planes, h, w, sh, sw, x), f.get(Arena.ACTS, yo, outSize), 1e-6, "y " + what);
                    assertClose(plus(ref, x), f.get(Arena.ACTS, dxo, x.length), 1e-5, "dx " + what);
                }
            }
        }
    }
}
