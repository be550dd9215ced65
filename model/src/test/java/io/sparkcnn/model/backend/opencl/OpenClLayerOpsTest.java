package io.sparkcnn.model.backend.opencl;

import io.sparkcnn.model.backend.Activation;
import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.PoolGeom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

/** Dense, pooling, batch norm and activations on OpenCL against the CPU backend. */
class OpenClLayerOpsTest {
    private static DeviceFixture f;

    @BeforeAll
    static void open() { f = new DeviceFixture(1 << 19); }

    @AfterAll
    static void close() { if (f != null) f.close(); }

    @Test
    void denseMatchesCpu() {
        SplittableRandom rng = new SplittableRandom(11);
        int[][] shapes = {{5, 37, 19}, {1, 3, 2}, {33, 17, 40}, {64, 100, 10}, {70, 65, 66}, {130, 200, 67}};
        for (int[] s : shapes) {
            int n = s[0], in = s[1], out = s[2];
            for (boolean bias : new boolean[]{true, false}) {
                f.reset();
                int x = f.random(Arena.ACTS, n * in, rng, -1, 1);
                int w = f.random(Arena.PARAMS, out * in, rng, -1, 1);
                int b = bias ? f.random(Arena.PARAMS, out, rng, -1, 1) : -1;
                int y = f.random(Arena.ACTS, n * out, rng, -1, 1);
                int dy = f.random(Arena.ACTS, n * out, rng, -1, 1);
                int dx = f.random(Arena.ACTS, n * in, rng, -1, 1);
                int dw = f.random(Arena.GRADS, out * in, rng, -1, 1);
                int db = bias ? f.random(Arena.GRADS, out, rng, -1, 1) : -1;
                f.run(be -> {
                    var op = be.dense(n, in, out);
                    op.forward(x, w, b, y);
                    op.backwardData(dy, w, dx);
                    op.backwardWeights(x, dy, dw, db);
                });
                String what = "dense " + n + "x" + in + "->" + out + (bias ? " +bias" : "");
                f.compare(what + " forward", Arena.ACTS, y, n * out);
                f.compare(what + " backward data", Arena.ACTS, dx, n * in);
                f.compare(what + " backward weights", Arena.GRADS, dw, out * in);
                if (bias) f.compare(what + " bias gradient", Arena.GRADS, db, out);
            }
        }
    }

    @Test
    void poolingMatchesCpu() {
        SplittableRandom rng = new SplittableRandom(12);
        List<PoolGeom> cases = List.of(
                new PoolGeom(true, 2, 3, 1, 8, 8, 1, 2, 2, 1, 2, 2, 0, 0, 0, true),
                new PoolGeom(true, 2, 5, 1, 9, 7, 1, 3, 3, 1, 2, 2, 0, 1, 1, true),
                new PoolGeom(false, 2, 5, 1, 9, 7, 1, 3, 3, 1, 2, 2, 0, 1, 1, true),
                new PoolGeom(false, 2, 5, 1, 9, 7, 1, 3, 3, 1, 2, 2, 0, 1, 1, false),
                new PoolGeom(false, 3, 4, 1, 7, 7, 1, 7, 7, 1, 1, 1, 0, 0, 0, true), // global average
                new PoolGeom(true, 2, 3, 5, 6, 7, 2, 3, 2, 2, 1, 2, 1, 1, 0, true),  // 3-D
                new PoolGeom(false, 2, 3, 5, 6, 7, 3, 2, 3, 1, 2, 2, 1, 0, 1, false),
                new PoolGeom(true, 3, 2, 1, 1, 31, 1, 1, 4, 1, 1, 3, 0, 0, 1, true)); // 1-D, overlapping windows
        for (PoolGeom g : cases) {
            for (int ties = 0; ties < 2; ties++) {
                f.reset();
                int inN = g.n() * g.inSize(), outN = g.n() * g.outSize();
                int x = f.alloc(Arena.ACTS, inN);
                for (int i = 0; i < inN; i++) {
                    f.set(Arena.ACTS, x + i, ties == 1 ? rng.nextInt(3) : (float) rng.nextDouble(-1, 1));
                }
                int y = f.random(Arena.ACTS, outN, rng, -1, 1);
                int arg = f.random(Arena.ACTS, outN, rng, 0, 1);
                int dy = f.random(Arena.ACTS, outN, rng, -1, 1);
                int dx = f.random(Arena.ACTS, inN, rng, -1, 1);
                f.run(be -> {
                    var op = be.pool(g);
                    op.forward(x, y, arg);
                    op.backward(dy, arg, dx);
                });
                String what = g + (ties == 1 ? " with ties" : "");
                f.compare(what + " forward", Arena.ACTS, y, outN);
                if (g.max()) f.compare(what + " argmax", Arena.ACTS, arg, outN);
                f.compare(what + " backward", Arena.ACTS, dx, inN);
            }
        }
    }

    @Test
    void batchNormMatchesCpu() {
        SplittableRandom rng = new SplittableRandom(13);
        int[][] shapes = {{3, 5, 17}, {8, 3, 1}, {2, 7, 300}, {1, 2, 5}};
        for (int[] s : shapes) {
            int n = s[0], c = s[1], sp = s[2], count = n * c * sp;
            f.reset();
            int x = f.random(Arena.ACTS, count, rng, -2, 3);
            int gamma = f.random(Arena.PARAMS, c, rng, 0.5, 1.5);
            int beta = f.random(Arena.PARAMS, c, rng, -1, 1);
            int runMean = f.random(Arena.BUFFERS, c, rng, -1, 1);
            int runVar = f.random(Arena.BUFFERS, c, rng, 0.5, 2);
            int y = f.random(Arena.ACTS, count, rng, -1, 1);
            int yEval = f.random(Arena.ACTS, count, rng, -1, 1);
            int mean = f.alloc(Arena.ACTS, c), inv = f.alloc(Arena.ACTS, c);
            int dy = f.random(Arena.ACTS, count, rng, -1, 1);
            int dx = f.random(Arena.ACTS, count, rng, -1, 1);
            int dgamma = f.random(Arena.GRADS, c, rng, -1, 1), dbeta = f.random(Arena.GRADS, c, rng, -1, 1);
            int dxEval = f.random(Arena.ACTS, count, rng, -1, 1);
            int dgEval = f.random(Arena.GRADS, c, rng, -1, 1), dbEval = f.random(Arena.GRADS, c, rng, -1, 1);
            f.run(be -> {
                var op = be.batchNorm(n, c, sp, 1e-5f, 0.1f);
                op.forwardEval(x, gamma, beta, runMean, runVar, yEval);
                op.backwardEval(x, dy, gamma, runMean, runVar, dxEval, dgEval, dbEval);
                op.forwardTrain(x, gamma, beta, runMean, runVar, y, mean, inv);
                op.backward(x, dy, gamma, mean, inv, dx, dgamma, dbeta);
            });
            String what = "batch norm (" + n + "," + c + "," + sp + ")";
            f.compare(what + " eval", Arena.ACTS, yEval, count);
            f.compare(what + " eval dx", Arena.ACTS, dxEval, count);
            f.compare(what + " eval dgamma", Arena.GRADS, dgEval, c);
            f.compare(what + " eval dbeta", Arena.GRADS, dbEval, c);
            f.compare(what + " train", Arena.ACTS, y, count);
            f.compare(what + " saved mean", Arena.ACTS, mean, c);
            f.compare(what + " saved 1/std", Arena.ACTS, inv, c);
            f.compare(what + " running mean", Arena.BUFFERS, runMean, c);
            f.compare(what + " running var", Arena.BUFFERS, runVar, c);
            f.compare(what + " dx", Arena.ACTS, dx, count);
            f.compare(what + " dgamma", Arena.GRADS, dgamma, c);
            f.compare(what + " dbeta", Arena.GRADS, dbeta, c);
        }
    }

    @Test
    void activationsMatchCpu() {
        SplittableRandom rng = new SplittableRandom(14);
        for (Activation a : Activation.values()) {
            int count = 1000 + rng.nextInt(300);
            f.reset();
            int x = f.random(Arena.ACTS, count, rng, -4, 4);
            f.set(Arena.ACTS, x, 0f); // the kink of relu
            int y = f.random(Arena.ACTS, count, rng, -1, 1);
            int dy = f.random(Arena.ACTS, count, rng, -1, 1);
            int dx = f.random(Arena.ACTS, count, rng, -1, 1);
            f.run(be -> {
                var op = be.activation(a, 0.07f, count);
                op.forward(x, y);
                op.backward(x, y, dy, dx);
            });
            f.compare(a + " forward", Arena.ACTS, y, count);
            f.compare(a + " backward", Arena.ACTS, dx, count);
        }
    }
}
