package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.LossOps;
import io.sparkcnn.model.reference.FiniteDifference;
import io.sparkcnn.model.reference.NaiveLosses;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static io.sparkcnn.model.backend.cpu.CpuBatchNormOpTest.assertClose;
import static io.sparkcnn.model.backend.cpu.CpuBatchNormOpTest.plus;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Losses: references against finite differences and hand values, the CPU ops against the references. */
class CpuLossOpsTest {
    private static final int IGNORE = 255;

    /** Labels in [0, classes) with about a quarter set to the ignore index. */
    private static int[] labels(SplittableRandom rng, int n, int classes, boolean ignore) {
        int[] l = new int[n];
        for (int i = 0; i < n; i++) l[i] = ignore && rng.nextInt(4) == 0 ? IGNORE : rng.nextInt(classes);
        return l;
    }

    private static double[] asDouble(int[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) r[i] = v[i];
        return r;
    }

    @Test
    void crossEntropyReferenceGradientMatchesFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(1);
        for (int trial = 0; trial < 8; trial++) {
            int n = 1 + rng.nextInt(3), c = 2 + rng.nextInt(4), s = trial < 4 ? 1 : 1 + rng.nextInt(6);
            boolean weighted = trial % 2 == 1, ignore = trial >= 2;
            double[] logits = CpuFixture.random(rng, n * c * s, -3, 3);
            int[] labels = labels(rng, n * s, c, ignore);
            double[] w = weighted ? CpuFixture.random(rng, c, 0.2, 3) : null;
            NaiveLosses.Result r = NaiveLosses.softmaxCrossEntropy(n, c, s, logits, labels, w, IGNORE);
            double[] numeric = FiniteDifference.gradient(logits, 1e-6,
                    v -> NaiveLosses.softmaxCrossEntropy(n, c, s, v, labels, w, IGNORE).loss());
            assertClose(r.grad(), numeric, 1e-8, "cross-entropy trial " + trial);
        }
        // log(e + e^2 + e^3) - 3
        assertEquals(0.40760596444438013,
                NaiveLosses.softmaxCrossEntropy(1, 3, 1, new double[]{1, 2, 3}, new int[]{2}, null, -100).loss(), 1e-15);
        // weights average over the weights of the counted targets: (2*nll0 + 1*nll1) / 3
        double nll0 = Math.log(Math.exp(0) + Math.exp(1)) - 0, nll1 = Math.log(Math.exp(0) + Math.exp(1)) - 0;
        assertEquals((2 * nll0 + nll1) / 3, NaiveLosses.softmaxCrossEntropy(2, 2, 1, new double[]{0, 1, 1, 0},
                new int[]{0, 1}, new double[]{2, 1}, -100).loss(), 1e-15);
    }

    @Test
    void elementwiseReferenceGradientsMatchFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(2);
        double[] x = CpuFixture.random(rng, 41, -4, 4), t = CpuFixture.random(rng, 41, 0, 1);
        for (int i = 0; i < 41; i += 3) t[i] = Math.round(t[i]);
        assertClose(NaiveLosses.sigmoidBinaryCrossEntropy(x, t).grad(),
                FiniteDifference.gradient(x.clone(), 1e-6, v -> NaiveLosses.sigmoidBinaryCrossEntropy(v, t).loss()), 1e-8, "bce");
        assertClose(NaiveLosses.meanSquaredError(x, t).grad(),
                FiniteDifference.gradient(x.clone(), 1e-6, v -> NaiveLosses.meanSquaredError(v, t).loss()), 1e-8, "mse");
        for (double beta : new double[]{1, 0.5, 0}) {
            double[] p = x.clone();
            for (int i = 0; i < p.length; i++) {
                double d = Math.abs(p[i] - t[i]);
                if (Math.abs(d - beta) < 1e-3 || d < 1e-3) p[i] += 0.01; // away from the kinks
            }
            assertClose(NaiveLosses.smoothL1(p, t, beta).grad(),
                    FiniteDifference.gradient(p, 1e-7, v -> NaiveLosses.smoothL1(v, t, beta).loss()), 1e-6, "smooth L1 beta " + beta);
        }
        // hand values: d = 0.5 -> 0.125 (beta 1); d = 2 -> 1.5; mean 0.8125
        assertEquals(0.8125, NaiveLosses.smoothL1(new double[]{0.5, 2}, new double[]{0, 0}, 1).loss(), 1e-15);
    }

    @Test
    void crossEntropyCpuMatchesReference() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int threads : new int[]{1, 3}) {
            for (int trial = 0; trial < 10; trial++) {
                int n = 1 + rng.nextInt(4), c = 2 + rng.nextInt(9), s = trial < 3 ? 1 : 1 + rng.nextInt(trial < 8 ? 30 : 3000);
                boolean weighted = trial % 2 == 0, ignore = trial % 3 != 0;
                double[] logits = CpuFixture.random(rng, n * c * s, -8, 8);
                int[] labels = labels(rng, n * s, c, ignore);
                double[] w = weighted ? CpuFixture.random(rng, c, 0.2, 3) : null;
                double[] gStart = CpuFixture.random(rng, logits.length, -1, 1);
                try (CpuFixture f = new CpuFixture(threads, 4 * logits.length + 3 * n * s + 2 * c + 64)) {
                    int lo = f.put(Arena.ACTS, logits), la = f.put(Arena.ACTS, asDouble(labels));
                    int wo = weighted ? f.put(Arena.ACTS, w) : -1, out = f.alloc(Arena.ACTS, 1);
                    int g = f.put(Arena.ACTS, gStart), pred = f.alloc(Arena.ACTS, n * s);
                    f.backend.loss().softmaxCrossEntropy(n, c, s, lo, la, wo, IGNORE, out, g, pred);
                    NaiveLosses.Result r = NaiveLosses.softmaxCrossEntropy(n, c, s, logits, labels, w, IGNORE);
                    String what = "threads=" + threads + " (N,C,S)=(" + n + "," + c + "," + s + ") weighted=" + weighted;
                    assertEquals(r.loss(), f.get(Arena.ACTS, out, 1)[0], 1e-5 * Math.max(1, r.loss()), "loss " + what);
                    assertClose(plus(r.grad(), gStart), f.get(Arena.ACTS, g, logits.length), 1e-6, "grad " + what);
                    double[] predicted = f.get(Arena.ACTS, pred, n * s);
                    for (int i = 0; i < n; i++) {
                        for (int j = 0; j < s; j++) {
                            int best = 0;
                            for (int k = 1; k < c; k++) if (logits[(i * c + k) * s + j] > logits[(i * c + best) * s + j]) best = k;
                            assertEquals(best, (int) predicted[i * s + j], "prediction " + what);
                        }
                    }
                }
            }
        }
    }

    @Test
    void crossEntropyWithEveryPositionIgnoredIsZeroNotNaN() {
        try (CpuFixture f = new CpuFixture(2, 128)) {
            int lo = f.put(Arena.ACTS, new double[]{1, 2, 3, 4}), la = f.put(Arena.ACTS, new double[]{IGNORE, IGNORE});
            int out = f.alloc(Arena.ACTS, 1), g = f.alloc(Arena.ACTS, 4);
            f.backend.loss().softmaxCrossEntropy(2, 2, 1, lo, la, -1, IGNORE, out, g, -1);
            assertEquals(0.0, f.get(Arena.ACTS, out, 1)[0]);
            assertArrayEquals(new double[4], f.get(Arena.ACTS, g, 4));
        }
    }

    @Test
    void crossEntropyRefusesALabelOutsideTheClasses() {
        try (CpuFixture f = new CpuFixture(2, 128)) {
            int lo = f.put(Arena.ACTS, new double[]{1, 2, 3, 4}), la = f.put(Arena.ACTS, new double[]{1, 7});
            int out = f.alloc(Arena.ACTS, 1), g = f.alloc(Arena.ACTS, 4);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> f.backend.loss().softmaxCrossEntropy(2, 2, 1, lo, la, -1, IGNORE, out, g, -1));
            assertTrue(e.getMessage().contains("label 7.0 at position 1"), e.getMessage());
        }
    }

    @Test
    void elementwiseLossesCpuMatchReference() {
        SplittableRandom rng = new SplittableRandom(4);
        for (int threads : new int[]{1, 3}) {
            for (int count : new int[]{1, 57, 20_011}) {
                double[] x = CpuFixture.random(rng, count, -30, 30), t = CpuFixture.random(rng, count, 0, 1);
                double[] gStart = CpuFixture.random(rng, count, -1, 1);
                for (int kind = 0; kind < 4; kind++) {
                    try (CpuFixture f = new CpuFixture(threads, 4 * count + 64)) {
                        LossOps ops = f.backend.loss();
                        int xo = f.put(Arena.ACTS, x), to = f.put(Arena.ACTS, t), out = f.alloc(Arena.ACTS, 1);
                        int g = f.put(Arena.ACTS, gStart);
                        NaiveLosses.Result r;
                        switch (kind) {
                            case 0 -> {
                                ops.sigmoidBinaryCrossEntropy(count, xo, to, out, g);
                                r = NaiveLosses.sigmoidBinaryCrossEntropy(x, t);
                            }
                            case 1 -> {
                                ops.meanSquaredError(count, xo, to, out, g);
                                r = NaiveLosses.meanSquaredError(x, t);
                            }
                            case 2 -> {
                                ops.smoothL1(count, 1f, xo, to, out, g);
                                r = NaiveLosses.smoothL1(x, t, 1);
                            }
                            default -> {
                                ops.smoothL1(count, 0f, xo, to, out, g);
                                r = NaiveLosses.smoothL1(x, t, 0);
                            }
                        }
                        String what = "loss kind " + kind + " threads=" + threads + " count=" + count;
                        assertEquals(r.loss(), f.get(Arena.ACTS, out, 1)[0], 1e-5 * Math.max(1, r.loss()), what);
                        assertClose(plus(r.grad(), gStart), f.get(Arena.ACTS, g, count), 1e-6, "grad " + what);
                    }
                }
            }
        }
    }

    @Test
    void binaryCrossEntropyStaysFiniteForLargeLogits() {
        try (CpuFixture f = new CpuFixture(1, 64)) {
            int x = f.put(Arena.ACTS, new double[]{200, -200}), t = f.put(Arena.ACTS, new double[]{0, 1});
            int out = f.alloc(Arena.ACTS, 1), g = f.alloc(Arena.ACTS, 2);
            f.backend.loss().sigmoidBinaryCrossEntropy(2, x, t, out, g);
            assertEquals(200.0, f.get(Arena.ACTS, out, 1)[0], 1e-4);
            assertArrayEquals(new double[]{0.5, -0.5}, f.get(Arena.ACTS, g, 2), 1e-7);
        }
    }
}
