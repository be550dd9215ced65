package io.sparkcnn.model.backend.opencl;

import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.ConvGeom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Convolution on OpenCL against the CPU backend: forward (with and without bias, overwrite
 * and accumulate), data gradient (the transposed convolution's forward) and weight/bias
 * gradients, over 1/2/3-D, strides, padding, dilation, groups, depthwise, odd sizes that are
 * not multiples of the 16x16 tile, shapes for the register-blocked 64x64 GEMM, and a kernel
 * too large for the local weight tile.
 */
class OpenClConvOpTest {
    private static DeviceFixture f;

    @BeforeAll
    static void open() { f = new DeviceFixture(1 << 20); }

    @AfterAll
    static void close() { if (f != null) f.close(); }

    static ConvGeom geom(int n, int c, int d, int h, int w, int k, int kd, int kh, int kw, int s, int p, int dil, int g) {
        return new ConvGeom(n, c, d, h, w, k, kd, kh, kw, d > 1 ? s : 1, s, s, d > 1 ? p : 0, p, p,
                d > 1 ? dil : 1, dil, dil, g);
    }

    static List<ConvGeom> cases() {
        List<ConvGeom> r = new ArrayList<>();
        r.add(geom(2, 3, 1, 7, 9, 5, 1, 3, 3, 1, 1, 1, 1));      // plain 3x3, odd sizes
        r.add(geom(3, 4, 1, 11, 10, 6, 1, 3, 3, 2, 1, 1, 1));    // stride 2
        r.add(geom(2, 3, 1, 9, 9, 5, 1, 3, 3, 1, 2, 2, 1));      // dilation 2
        r.add(geom(2, 6, 1, 8, 7, 9, 1, 3, 3, 1, 1, 1, 3));      // grouped
        r.add(geom(2, 5, 1, 9, 8, 5, 1, 3, 3, 2, 1, 1, 5));      // depthwise, stride 2
        r.add(geom(2, 7, 1, 5, 6, 17, 1, 1, 1, 1, 0, 1, 1));     // 1x1, 17 out channels
        r.add(geom(2, 33, 1, 6, 5, 19, 1, 3, 3, 1, 1, 1, 1));    // reduction longer than a tile, odd
        r.add(new ConvGeom(3, 3, 1, 1, 29, 4, 1, 1, 5, 1, 1, 2, 0, 0, 2, 1, 1, 1, 1)); // 1-D, stride 2, pad 2
        r.add(new ConvGeom(2, 3, 5, 6, 7, 4, 3, 2, 3, 2, 1, 2, 1, 0, 1, 1, 2, 1, 1));  // 3-D, mixed per-axis
        r.add(new ConvGeom(1, 2, 12, 12, 12, 2, 11, 11, 11, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)); // kvol 1331 > weight tile
        // large enough for the register-blocked GEMM (64x64 output tiles) in forward and weight gradient
        r.add(geom(2, 16, 1, 10, 9, 70, 1, 3, 3, 1, 1, 1, 1));
        r.add(geom(2, 32, 1, 9, 9, 130, 1, 3, 3, 1, 1, 1, 2));   // blocked and grouped, 65 per group
        r.add(geom(1, 64, 1, 17, 17, 64, 1, 3, 3, 2, 1, 1, 1));  // blocked, stride 2
        r.add(geom(2, 80, 1, 9, 8, 72, 1, 1, 1, 1, 0, 1, 1));    // blocked 1x1
        SplittableRandom rng = new SplittableRandom(7);
        for (int i = 0; i < 4; i++) { // random 2-D shapes
            int g = 1 + rng.nextInt(3);
            int c = g * (1 + rng.nextInt(4)), k = g * (1 + rng.nextInt(5));
            int kern = 1 + rng.nextInt(4), dil = 1 + rng.nextInt(2), s = 1 + rng.nextInt(3), p = rng.nextInt(kern);
            int h = dil * (kern - 1) + 1 + rng.nextInt(9), w = dil * (kern - 1) + 1 + rng.nextInt(9);
            r.add(geom(1 + rng.nextInt(3), c, 1, h, w, k, 1, kern, kern, s, p, dil, g));
        }
        return r;
    }

    @Test
    void forwardMatchesCpu() {
        SplittableRandom rng = new SplittableRandom(1);
        for (ConvGeom g : cases()) {
            for (int variant = 0; variant < 2; variant++) {
                boolean bias = variant == 0, accumulate = variant == 1;
                f.reset();
                int x = f.random(Arena.ACTS, g.n() * g.inSize(), rng, -1, 1);
                int w = f.random(Arena.PARAMS, g.weightCount(), rng, -1, 1);
                int b = bias ? f.random(Arena.PARAMS, g.k(), rng, -1, 1) : -1;
                int y = f.random(Arena.ACTS, g.n() * g.outSize(), rng, -1, 1);
                f.run(be -> be.conv(g).forward(x, w, b, y, accumulate));
                f.compare("conv forward " + g + (bias ? " +bias" : "") + (accumulate ? " accumulate" : ""),
                        Arena.ACTS, y, g.n() * g.outSize());
            }
        }
    }

    @Test
    void dataGradientMatchesCpu() {
        SplittableRandom rng = new SplittableRandom(2);
        for (ConvGeom g : cases()) {
            f.reset();
            int dy = f.random(Arena.ACTS, g.n() * g.outSize(), rng, -1, 1);
            int w = f.random(Arena.PARAMS, g.weightCount(), rng, -1, 1);
            int dx = f.random(Arena.ACTS, g.n() * g.inSize(), rng, -1, 1);
            f.run(be -> be.conv(g).backwardData(dy, w, dx));
            f.compare("conv backward data " + g, Arena.ACTS, dx, g.n() * g.inSize());
        }
    }

    @Test
    void weightGradientsMatchCpu() {
        SplittableRandom rng = new SplittableRandom(3);
        for (ConvGeom g : cases()) {
            f.reset();
            int x = f.random(Arena.ACTS, g.n() * g.inSize(), rng, -1, 1);
            int dy = f.random(Arena.ACTS, g.n() * g.outSize(), rng, -1, 1);
            int dw = f.random(Arena.GRADS, g.weightCount(), rng, -1, 1);
            int db = f.random(Arena.GRADS, g.k(), rng, -1, 1);
            f.run(be -> be.conv(g).backwardWeights(x, dy, dw, db));
            f.compare("conv weight gradient " + g, Arena.GRADS, dw, g.weightCount());
            f.compare("conv bias gradient " + g, Arena.GRADS, db, g.k());
        }
    }
}
