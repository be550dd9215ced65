package io.sparkcnn.model.backend.opencl;

import io.sparkcnn.model.backend.Arena;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

/** Tensor ops, losses and optimizer updates on OpenCL against the CPU backend. */
class OpenClTensorLossOptimizerTest {
    private static DeviceFixture f;

    @BeforeAll
    static void open() { f = new DeviceFixture(1 << 19); }

    @AfterAll
    static void close() { if (f != null) f.close(); }

    @Test
    void elementwiseAndLayoutOpsMatchCpu() {
        SplittableRandom rng = new SplittableRandom(21);
        int n = 1237;
        f.reset();
        int a = f.random(Arena.ACTS, n, rng, -1, 1), b = f.random(Arena.ACTS, n, rng, -1, 1);
        int sum = f.alloc(Arena.ACTS, n), copy = f.alloc(Arena.ACTS, n), acc = f.random(Arena.ACTS, n, rng, -1, 1);
        int filled = f.alloc(Arena.OPT, n), scaled = f.random(Arena.GRADS, n, rng, -1, 1);
        int sq = f.alloc(Arena.ACTS, 5);
        int big = f.random(Arena.PARAMS, 100_003, rng, -1, 1);
        f.run(be -> {
            var t = be.tensor();
            t.add(n, a, b, sum);
            t.copy(n, a, copy);
            t.accumulate(n, b, acc);
            t.fill(Arena.OPT, filled, n, 0.25f);
            t.scale(Arena.GRADS, scaled, n, -3f);
            t.sumSquares(Arena.ACTS, a, n, sq);
            t.sumSquares(Arena.PARAMS, big, 100_003, sq + 1);
            t.sumSquares(Arena.GRADS, scaled, 7, sq + 2);
        });
        f.compare("add", Arena.ACTS, sum, n);
        f.compare("copy", Arena.ACTS, copy, n);
        f.compare("accumulate", Arena.ACTS, acc, n);
        f.compare("fill", Arena.OPT, filled, n);
        f.compare("scale", Arena.GRADS, scaled, n);
        f.compare("sum of squares", Arena.ACTS, sq, 1);
        f.compare("sum of squares over 100003 (64 partial groups)", Arena.ACTS, sq + 1, 1);
        f.compare("sum of squares over 7", Arena.ACTS, sq + 2, 1);
    }

    @Test
    void biasChannelsDropoutUpsampleMatchCpu() {
        SplittableRandom rng = new SplittableRandom(22);
        int n = 3, c = 5, s = 37, dstC = 9, off = 2;
        f.reset();
        int bias = f.random(Arena.PARAMS, c, rng, -1, 1);
        int y = f.random(Arena.ACTS, n * c * s, rng, -1, 1);
        int dy = f.random(Arena.ACTS, n * c * s, rng, -1, 1);
        int db = f.random(Arena.GRADS, c, rng, -1, 1);
        int cat = f.random(Arena.ACTS, n * dstC * s, rng, -1, 1);
        int dsrc = f.random(Arena.ACTS, n * c * s, rng, -1, 1);
        int count = n * c * s;
        int mask = f.alloc(Arena.ACTS, count), dropped = f.alloc(Arena.ACTS, count);
        int ddx = f.random(Arena.ACTS, count, rng, -1, 1);
        int h = 5, w = 7, sh = 2, sw = 3;
        int up = f.random(Arena.ACTS, n * c * h * w, rng, -1, 1);
        int upNearest = f.alloc(Arena.ACTS, n * c * h * sh * w * sw), upBilinear = f.alloc(Arena.ACTS, n * c * h * sh * w * sw);
        int dyUp = f.random(Arena.ACTS, n * c * h * sh * w * sw, rng, -1, 1);
        int dxNearest = f.random(Arena.ACTS, n * c * h * w, rng, -1, 1), dxBilinear = f.random(Arena.ACTS, n * c * h * w, rng, -1, 1);
        f.run(be -> {
            var t = be.tensor();
            t.addBias(n, c, s, bias, y);
            t.biasGrad(n, c, s, dy, db);
            t.copyIntoChannels(n, c, dstC, s, off, dy, cat);
            t.accumulateFromChannels(n, c, dstC, s, off, cat, dsrc);
            t.dropoutForward(count, 0.3f, 0x1234_5678_9ABCL, dy, mask, dropped);
            t.dropoutBackward(count, mask, y, ddx);
            t.upsampleForward(false, n, c, h, w, sh, sw, up, upNearest);
            t.upsampleForward(true, n, c, h, w, sh, sw, up, upBilinear);
            t.upsampleBackward(false, n, c, h, w, sh, sw, dyUp, dxNearest);
            t.upsampleBackward(true, n, c, h, w, sh, sw, dyUp, dxBilinear);
        });
        f.compare("add bias", Arena.ACTS, y, count);
        f.compare("bias gradient", Arena.GRADS, db, c);
        f.compare("copy into channels", Arena.ACTS, cat, n * dstC * s);
        f.compare("accumulate from channels", Arena.ACTS, dsrc, count);
        f.compare("dropout mask", Arena.ACTS, mask, count);
        f.compare("dropout forward", Arena.ACTS, dropped, count);
        f.compare("dropout backward", Arena.ACTS, ddx, count);
        f.compare("nearest upsample", Arena.ACTS, upNearest, n * c * h * sh * w * sw);
        f.compare("bilinear upsample", Arena.ACTS, upBilinear, n * c * h * sh * w * sw);
        f.compare("nearest upsample backward", Arena.ACTS, dxNearest, n * c * h * w);
        f.compare("bilinear upsample backward", Arena.ACTS, dxBilinear, n * c * h * w);
    }

    @Test
    void softmaxCrossEntropyMatchesCpu() {
        SplittableRandom rng = new SplittableRandom(23);
        int[][] shapes = {{64, 10, 1}, {3, 4, 29}, {2, 19, 300}, {1, 2, 1}};
        for (int[] sh : shapes) {
            for (int variant = 0; variant < 2; variant++) {
                int n = sh[0], c = sh[1], s = sh[2];
                boolean weighted = variant == 1;
                int ignore = weighted ? 1 : Integer.MIN_VALUE;
                f.reset();
                int logits = f.random(Arena.ACTS, n * c * s, rng, -3, 3);
                int labels = f.alloc(Arena.ACTS, n * s);
                for (int i = 0; i < n * s; i++) f.set(Arena.ACTS, labels + i, rng.nextInt(c));
                int weights = weighted ? f.random(Arena.ACTS, c, rng, 0.2, 2) : -1;
                int loss = f.alloc(Arena.ACTS, 1);
                int grad = f.random(Arena.ACTS, n * c * s, rng, -1, 1);
                int pred = f.alloc(Arena.ACTS, n * s);
                f.run(be -> be.loss().softmaxCrossEntropy(n, c, s, logits, labels, weights, ignore, loss, grad, pred));
                String what = "softmax cross-entropy (" + n + "," + c + "," + s + ")" + (weighted ? " weighted, ignore 1" : "");
                f.compare(what + " loss", Arena.ACTS, loss, 1);
                f.compare(what + " gradient", Arena.ACTS, grad, n * c * s);
                if (c > 2) f.compare(what + " predictions", Arena.ACTS, pred, n * s);
            }
        }
    }

    @Test
    void elementwiseLossesMatchCpu() {
        SplittableRandom rng = new SplittableRandom(24);
        for (int count : new int[]{1, 300, 40_001}) {
            for (int kind = 0; kind < 4; kind++) {
                final int k = kind;
                f.reset();
                int pred = f.random(Arena.ACTS, count, rng, -3, 3);
                int target = f.alloc(Arena.ACTS, count);
                for (int i = 0; i < count; i++) {
                    f.set(Arena.ACTS, target + i, k == 0 ? rng.nextInt(2) : (float) rng.nextDouble(-3, 3));
                }
                int loss = f.alloc(Arena.ACTS, 1);
                int grad = f.random(Arena.ACTS, count, rng, -1, 1);
                f.run(be -> {
                    var l = be.loss();
                    if (k == 0) l.sigmoidBinaryCrossEntropy(count, pred, target, loss, grad);
                    else if (k == 1) l.meanSquaredError(count, pred, target, loss, grad);
                    else if (k == 2) l.smoothL1(count, 0.7f, pred, target, loss, grad);
                    else l.smoothL1(count, 0f, pred, target, loss, grad);
                });
                String what = new String[]{"sigmoid BCE", "MSE", "smooth L1 beta 0.7", "smooth L1 beta 0"}[k] + " over " + count;
                f.compare(what + " loss", Arena.ACTS, loss, 1);
                f.compare(what + " gradient", Arena.ACTS, grad, count);
            }
        }
    }

    @Test
    void optimizersMatchCpu() {
        SplittableRandom rng = new SplittableRandom(25);
        int n = 3001;
        for (int kind = 0; kind < 7; kind++) {
            final int k = kind;
            f.reset();
            int p = f.random(Arena.PARAMS, n, rng, -1, 1);
            f.fill(Arena.GRADS, p, n, rng, -1, 1);
            int s1 = f.random(Arena.OPT, n, rng, 0, 1), s2 = f.random(Arena.OPT, n, rng, 0, 1);
            f.run(be -> {
                var o = be.optimizer();
                for (int step = 1; step <= 3; step++) {
                    if (k == 0) o.sgd(p, n, 0.1f, 0.9f, 0f, false, 1e-4f, s1);
                    else if (k == 1) o.sgd(p, n, 0.1f, 0.9f, 0f, true, 0f, s1);
                    else if (k == 2) o.sgd(p, n, 0.05f, 0f, 0f, false, 0f, s1);
                    else if (k == 3) o.adagrad(p, n, 0.1f, 1e-10f, 1e-3f, s1);
                    else if (k == 4) o.rmsprop(p, n, 0.01f, 0.99f, 1e-8f, 1e-4f, 0.9f, s1, s2);
                    else if (k == 5) o.adam(p, n, 1e-3f, 0.9f, 0.999f, 1e-8f, 1e-2f, false, step, s1, s2);
                    else o.adam(p, n, 1e-3f, 0.9f, 0.999f, 1e-8f, 1e-2f, true, step, s1, s2);
                }
            });
            String what = new String[]{"sgd momentum", "sgd nesterov", "sgd plain", "adagrad", "rmsprop momentum", "adam", "adamw"}[k];
            f.compare(what + " params", Arena.PARAMS, p, n);
            f.compare(what + " state 1", Arena.OPT, s1, n);
            if (k >= 4) f.compare(what + " state 2", Arena.OPT, s2, n);
        }
    }
}
