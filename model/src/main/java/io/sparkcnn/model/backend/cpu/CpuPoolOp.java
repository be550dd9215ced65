package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.PoolGeom;
import io.sparkcnn.model.backend.PoolOp;

/**
 * Max and average pooling over (D,H,W), one (example, channel) plane per loop index, so
 * threads write disjoint parts of y and dx. Each axis's window bounds are tabulated once at
 * creation, and each plane is a small method the JIT compiles on its own.
 *
 * <p>Max pooling skips padded cells (PyTorch pads with -inf), keeps the FIRST maximal input
 * of the window in scan order (lowest index: ties go to the earliest cell) and propagates
 * NaN as PyTorch does. Average pooling divides by the window clipped to the padded input
 * when countIncludePad, else by the number of real cells in it.
 */
final class CpuPoolOp implements PoolOp {
    /** Output cells per thread below which a hand-off costs more than it saves. */
    private static final int GRAIN_CELLS = 1 << 13;

    private final CpuContext ctx;
    private final PoolGeom g;
    private final int od, oh, ow, inPlane, outPlane, planes, grain;
    /** Per axis and output index: first and last+1 real input cell, and the padded window's size. */
    private final int[] dLo, dHi, dSpan, hLo, hHi, hSpan, wLo, wHi, wSpan;

    private int x, y, argmax, dy, dx;
    private final RangeTask forwardTask = this::forwardPlanes;
    private final RangeTask backwardTask = this::backwardPlanes;

    CpuPoolOp(CpuContext ctx, PoolGeom g) {
        this.ctx = ctx;
        this.g = g;
        this.od = g.od();
        this.oh = g.oh();
        this.ow = g.ow();
        String sizes = " for input (" + g.id() + "," + g.ih() + "," + g.iw() + "), kernel (" + g.kd() + "," + g.kh() + ","
                + g.kw() + "), padding (" + g.pd() + "," + g.ph() + "," + g.pw() + ")";
        if (od <= 0 || oh <= 0 || ow <= 0) throw new IllegalArgumentException("pooling has an empty output" + sizes);
        if (2 * g.pd() > g.kd() || 2 * g.ph() > g.kh() || 2 * g.pw() > g.kw()) {
            // a window of padding only would have no input to route its gradient to
            throw new IllegalArgumentException("pooling padding must be at most half the kernel" + sizes);
        }
        this.inPlane = g.id() * g.ih() * g.iw();
        this.outPlane = od * oh * ow;
        this.planes = g.n() * g.c();
        this.grain = Math.max(1, GRAIN_CELLS / outPlane);
        dLo = new int[od];
        dHi = new int[od];
        dSpan = new int[od];
        hLo = new int[oh];
        hHi = new int[oh];
        hSpan = new int[oh];
        wLo = new int[ow];
        wHi = new int[ow];
        wSpan = new int[ow];
        windows(od, g.id(), g.kd(), g.sd(), g.pd(), dLo, dHi, dSpan);
        windows(oh, g.ih(), g.kh(), g.sh(), g.ph(), hLo, hHi, hSpan);
        windows(ow, g.iw(), g.kw(), g.sw(), g.pw(), wLo, wHi, wSpan);
    }

    private static void windows(int out, int in, int k, int s, int p, int[] lo, int[] hi, int[] span) {
        for (int o = 0; o < out; o++) {
            int start = o * s - p, end = Math.min(start + k, in + p);
            lo[o] = Math.max(start, 0);
            hi[o] = Math.min(end, in);
            span[o] = end - start;
        }
    }

    @Override
    public PoolGeom geom() { return g; }

    @Override
    public void forward(int x, int y, int argmax) {
        this.x = x;
        this.y = y;
        this.argmax = argmax;
        ctx.parallelFor(planes, grain, forwardTask);
    }

    @Override
    public void backward(int dy, int argmax, int dx) {
        this.dy = dy;
        this.argmax = argmax;
        this.dx = dx;
        ctx.parallelFor(planes, grain, backwardTask);
    }

    // x (N*C, D,H,W) -> y (N*C, OD,OH,OW) [+ argmax: index in the input plane]
    private void forwardPlanes(int from, int to) {
        float[] a = ctx.array(Arena.ACTS);
        for (int p = from; p < to; p++) {
            if (g.max()) maxPlane(a, x + p * inPlane, y + p * outPlane, argmax < 0 ? -1 : argmax + p * outPlane);
            else avgPlane(a, x + p * inPlane, y + p * outPlane);
        }
    }

    // dy (N*C, OD,OH,OW) -> dx (N*C, D,H,W) +=
    private void backwardPlanes(int from, int to) {
        float[] a = ctx.array(Arena.ACTS);
        for (int p = from; p < to; p++) {
            if (g.max()) routeMaxPlane(a, dy + p * outPlane, argmax + p * outPlane, dx + p * inPlane);
            else spreadAvgPlane(a, dy + p * outPlane, dx + p * inPlane);
        }
    }

    private void maxPlane(float[] a, int xb, int yb, int ab) {
        int ih = g.ih(), iw = g.iw();
        int o = 0;
        for (int zd = 0; zd < od; zd++) {
            for (int zh = 0; zh < oh; zh++) {
                for (int zw = 0; zw < ow; zw++, o++) {
                    int d0 = dLo[zd], h0 = hLo[zh], w0 = wLo[zw], h1 = hHi[zh], w1 = wHi[zw];
                    int bestIdx = (d0 * ih + h0) * iw + w0;
                    float best = a[xb + bestIdx];
                    for (int d = d0, d1 = dHi[zd]; d < d1; d++) {
                        for (int h = h0; h < h1; h++) {
                            int row = (d * ih + h) * iw;
                            for (int w = w0; w < w1; w++) {
                                float v = a[xb + row + w];
                                // strict > keeps the first maximum; v != v lets NaN win, as PyTorch
                                if (v > best || v != v) {
                                    best = v;
                                    bestIdx = row + w;
                                }
                            }
                        }
                    }
                    a[yb + o] = best;
                    if (ab >= 0) a[ab + o] = bestIdx;
                }
            }
        }
    }

    private void avgPlane(float[] a, int xb, int yb) {
        int ih = g.ih(), iw = g.iw();
        boolean includePad = g.countIncludePad();
        int o = 0;
        for (int zd = 0; zd < od; zd++) {
            for (int zh = 0; zh < oh; zh++) {
                for (int zw = 0; zw < ow; zw++, o++) {
                    int d0 = dLo[zd], d1 = dHi[zd], h0 = hLo[zh], h1 = hHi[zh], w0 = wLo[zw], w1 = wHi[zw];
                    float sum = 0f;
                    for (int d = d0; d < d1; d++) {
                        for (int h = h0; h < h1; h++) {
                            int row = xb + (d * ih + h) * iw;
                            for (int w = w0; w < w1; w++) sum += a[row + w];
                        }
                    }
                    int divisor = includePad ? dSpan[zd] * hSpan[zh] * wSpan[zw] : (d1 - d0) * (h1 - h0) * (w1 - w0);
                    a[yb + o] = sum / divisor;
                }
            }
        }
    }

    private void routeMaxPlane(float[] a, int dyb, int ab, int dxb) {
        for (int o = 0; o < outPlane; o++) a[dxb + (int) a[ab + o]] += a[dyb + o];
    }

    private void spreadAvgPlane(float[] a, int dyb, int dxb) {
        int ih = g.ih(), iw = g.iw();
        boolean includePad = g.countIncludePad();
        int o = 0;
        for (int zd = 0; zd < od; zd++) {
            for (int zh = 0; zh < oh; zh++) {
                for (int zw = 0; zw < ow; zw++, o++) {
                    int d0 = dLo[zd], d1 = dHi[zd], h0 = hLo[zh], h1 = hHi[zh], w0 = wLo[zw], w1 = wHi[zw];
                    int divisor = includePad ? dSpan[zd] * hSpan[zh] * wSpan[zw] : (d1 - d0) * (h1 - h0) * (w1 - w0);
                    float share = a[dyb + o] / divisor;
                    for (int d = d0; d < d1; d++) {
                        for (int h = h0; h < h1; h++) {
                            int row = dxb + (d * ih + h) * iw;
                            for (int w = w0; w < w1; w++) a[row + w] += share;
                        }
                    }
                }
            }
        }
    }
}
