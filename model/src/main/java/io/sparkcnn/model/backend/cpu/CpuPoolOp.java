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
    /** 2-D max pooling 2x2 stride 2 without padding (LeNet, VGG, U-Net): {@link #maxPlane2x2}. */
    private final boolean twoByTwo;
    /** 2-D max pooling with 3x3 windows, any stride and padding: {@link #maxPlane3x3}. */
    private final boolean threeByThree;
    /** The 3x3 window's cells as offsets from its corner, made once: a call allocates nothing. */
    private final int[] windowCells;

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
        this.twoByTwo = g.max() && g.id() == 1 && g.kd() == 1 && g.pd() == 0 && g.kh() == 2 && g.kw() == 2
                && g.sh() == 2 && g.sw() == 2 && g.ph() == 0 && g.pw() == 0;
        this.threeByThree = g.max() && g.id() == 1 && g.kd() == 1 && g.pd() == 0 && g.kh() == 3 && g.kw() == 3;
        int iw = g.iw();
        this.windowCells = new int[]{0, 1, 2, iw, iw + 1, iw + 2, 2 * iw, 2 * iw + 1, 2 * iw + 2};
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
            if (twoByTwo) maxPlane2x2(a, x + p * inPlane, y + p * outPlane, argmax < 0 ? -1 : argmax + p * outPlane);
            else if (threeByThree) maxPlane3x3(a, x + p * inPlane, y + p * outPlane, argmax < 0 ? -1 : argmax + p * outPlane);
            else if (g.max()) maxPlane(a, x + p * inPlane, y + p * outPlane, argmax < 0 ? -1 : argmax + p * outPlane);
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
        int o = 0;
        for (int zd = 0; zd < od; zd++) {
            for (int zh = 0; zh < oh; zh++) {
                for (int zw = 0; zw < ow; zw++, o++) {
                    int best = scanWindow(a, xb, dLo[zd], dHi[zd], hLo[zh], hHi[zh], wLo[zw], wHi[zw]);
                    a[yb + o] = a[xb + best];
                    if (ab >= 0) a[ab + o] = best;
                }
            }
        }
    }

    /** The plane index of the window's maximum in scan order: the first of equal values, the last NaN. */
    private int scanWindow(float[] a, int xb, int d0, int d1, int h0, int h1, int w0, int w1) {
        int ih = g.ih(), iw = g.iw();
        int bestIdx = (d0 * ih + h0) * iw + w0;
        float best = a[xb + bestIdx];
        for (int d = d0; d < d1; d++) {
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
        return bestIdx;
    }

    /**
     * 1 when v equals the float whose bits (after + 0f) are key, else 0, in integer arithmetic: in the 3x3
     * loop C2 compiled {@code v == m ? 1 : 0} to branches, which mispredicted (22 against 15 ms for
     * ResNet-50's stem pool; the 2x2 loop's three stay as they are, measured no slower). + 0f makes -0.0 equal 0.0.
     */
    private static int equalBit(float v, int key) {
        int d = Float.floatToRawIntBits(v + 0f) ^ key;
        return ((d | -d) >>> 31) ^ 1;
    }

    /**
     * 2-D 3x3 windows (ResNet's stem pool): those wholly inside the input without a branch on the data,
     * as {@link #maxPlane2x2}; the ones the padding clips take {@link #scanWindow}.
     */
    private void maxPlane3x3(float[] a, int xb, int yb, int ab) {
        int iw = g.iw(), o = 0;
        int[] cell = windowCells;
        for (int zh = 0; zh < oh; zh++) {
            int h0 = hLo[zh];
            boolean rowsInside = hHi[zh] - h0 == 3;
            for (int zw = 0; zw < ow; zw++, o++) {
                int w0 = wLo[zw], best;
                if (rowsInside && wHi[zw] - w0 == 3) {
                    int corner = h0 * iw + w0, at = xb + corner;
                    float v0 = a[at], v1 = a[at + 1], v2 = a[at + 2];
                    float v3 = a[at + iw], v4 = a[at + iw + 1], v5 = a[at + iw + 2];
                    float v6 = a[at + 2 * iw], v7 = a[at + 2 * iw + 1], v8 = a[at + 2 * iw + 2];
                    float m = Math.max(Math.max(Math.max(v0, v1), Math.max(v2, v3)), Math.max(Math.max(v4, v5), Math.max(v6, Math.max(v7, v8))));
                    if (m != m) {
                        best = scanWindow(a, xb, 0, 1, h0, h0 + 3, w0, w0 + 3);
                    } else {
                        int key = Float.floatToRawIntBits(m + 0f);
                        int equal = equalBit(v0, key) | equalBit(v1, key) << 1 | equalBit(v2, key) << 2 | equalBit(v3, key) << 3 | equalBit(v4, key) << 4
                                | equalBit(v5, key) << 5 | equalBit(v6, key) << 6 | equalBit(v7, key) << 7 | equalBit(v8, key) << 8;
                        best = corner + cell[Integer.numberOfTrailingZeros(equal)];
                    }
                } else {
                    best = scanWindow(a, xb, 0, 1, h0, hHi[zh], w0, wHi[zw]);
                }
                // the picked cell's own value, so that -0.0 before 0.0 stays -0.0 as in the scan
                a[yb + o] = a[xb + best];
                if (ab >= 0) a[ab + o] = best;
            }
        }
    }

    /**
     * maxPlane for 2x2 windows at stride 2, all inside the input, without a branch on the data: the
     * scan-order loop's comparisons went each way at random and cost 3-5x this (docs/benchmarks.md).
     * The same result: the first cell equal to the maximum, or the last NaN when there is one.
     */
    private void maxPlane2x2(float[] a, int xb, int yb, int ab) {
        int iw = g.iw(), o = 0;
        for (int zh = 0; zh < oh; zh++) {
            for (int zw = 0, cell = 2 * zh * iw; zw < ow; zw++, o++, cell += 2) {
                int at = xb + cell;
                float v0 = a[at], v1 = a[at + 1], v2 = a[at + iw], v3 = a[at + iw + 1];
                float m = Math.max(Math.max(v0, v1), Math.max(v2, v3));
                int pick;
                if (m != m) pick = v3 != v3 ? 3 : v2 != v2 ? 2 : v1 != v1 ? 1 : 0;
                else pick = Integer.numberOfTrailingZeros((v0 == m ? 1 : 0) | (v1 == m ? 2 : 0) | (v2 == m ? 4 : 0) | 8);
                int offset = (pick & 1) + (pick >> 1) * iw;
                // the picked cell's own value, so that -0.0 before 0.0 stays -0.0 as in the scan
                a[yb + o] = a[at + offset];
                if (ab >= 0) a[ab + o] = cell + offset;
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
