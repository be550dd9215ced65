package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.ConvGeom;
import io.sparkcnn.model.backend.ConvOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Direct 2-D convolution of a one-channel input (LeNet's and grayscale models' first layer), stride 1,
 * on the JDK's Vector API. Both SGEMM and oneDNN do badly here: im2col builds a column matrix of
 * KH*KW rows for a product with one output row per channel, and oneDNN pads the one channel to a
 * block of 8 or 16.
 *
 * <p>Each plane is copied, zero-padded, into scratch with row stride {@code PS = W + 2*PW}. In that
 * layout kernel tap (i, j) is a fixed shift {@code i*PS + j} of the whole flattened plane, so every
 * pass is a few long unit-stride vector loops over it: output cells that fall in the padding columns
 * are computed and dropped (forward), or multiply a zero (backward-weights). The three passes:
 * <ul>
 *   <li>forward: {@code y'[p] = sum_t w[t] * x'[p + off(t)]}, broadcast weights, four vectors of p at a time;</li>
 *   <li>backward-weights: {@code dw[t] += sum_p dy'[p] * x'[p + off(t)]}, four taps at a time sharing each dy' load;</li>
 *   <li>backward-data: the forward loop over dy padded by {@code K-1-P}, with the taps reversed, summed over the K planes.</li>
 * </ul>
 * Loaded only where the module jdk.incubator.vector is present ({@link VectorApi}); each thread works
 * on its own slice of the context's scratch, one parallel item per thread.
 */
final class SingleChannelConv implements ConvOp {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    /** Taps per backward-weights block: four accumulators and the dy' vector stay in registers. */
    private static final int TAP_BLOCK = 4;

    private final CpuContext ctx;
    private final ConvGeom g;
    private final int taps, oh, ow, ih, iw, ps, psData;
    /** Flattened lengths (multiples of V) of the forward output and the padded input planes; the same for backward-data. */
    private final int outLen, inLen, dataOutLen, dataInLen;
    /** Tap t's shift in the padded planes of forward and backward-weights, and of backward-data; padded to whole blocks with 0. */
    private final int[] tapShift, dataTapShift;
    private final int sliceFloats;

    private int loopX, loopW, loopB, loopY, loopDy, loopDx, loopDw, loopDb;
    private boolean loopAccumulate;
    private final RangeTask forwardTask = this::forwardSlice;
    private final RangeTask backwardDataTask = this::backwardDataSlice;
    private final RangeTask backwardWeightsTask = this::backwardWeightsSlice;

    /** Whether this direct convolution computes g (VectorApi must say the Vector API runs, too). */
    static boolean fits(ConvGeom g) {
        return g.c() == 1 && g.groups() == 1 && g.id() == 1 && g.kd() == 1 && g.pd() == 0
                && g.sh() == 1 && g.sw() == 1 && g.dh() == 1 && g.dw() == 1
                // backward-data pads dy by K-1-P on each side
                && g.ph() < g.kh() && g.pw() < g.kw();
    }

    SingleChannelConv(CpuContext ctx, ConvGeom g) {
        if (!fits(g)) throw new IllegalArgumentException("the single-channel direct convolution needs one input channel, 2-D, stride 1, no dilation, padding below the kernel; got " + g);
        this.ctx = ctx;
        this.g = g;
        this.taps = g.kh() * g.kw();
        this.oh = g.oh();
        this.ow = g.ow();
        this.ih = g.ih();
        this.iw = g.iw();
        this.ps = iw + 2 * g.pw();
        this.psData = ow + 2 * (g.kw() - 1 - g.pw());
        this.outLen = roundUp(oh * ps);
        this.inLen = outLen + (g.kh() - 1) * ps + g.kw() - 1;
        this.dataOutLen = roundUp(ih * psData);
        this.dataInLen = dataOutLen + (g.kh() - 1) * psData + g.kw() - 1;
        int blocks = (taps + TAP_BLOCK - 1) / TAP_BLOCK * TAP_BLOCK;
        this.tapShift = new int[blocks];
        this.dataTapShift = new int[taps];
        for (int t = 0; t < taps; t++) {
            tapShift[t] = t / g.kw() * ps + t % g.kw();
            dataTapShift[t] = t / g.kw() * psData + t % g.kw();
        }
        this.sliceFloats = Math.max(inLen + 2 * outLen, dataInLen + dataOutLen);
        ctx.reserveScratch(ctx.threads() * sliceFloats);
    }

    private static int roundUp(int n) { return (n + V - 1) / V * V; }

    @Override
    public ConvGeom geom() { return g; }

    @Override
    public void forward(int x, int w, int b, int y, boolean accumulate) {
        loopX = x;
        loopW = w;
        loopB = b;
        loopY = y;
        loopAccumulate = accumulate;
        ctx.parallelFor(ctx.threads(), 1, forwardTask);
    }

    @Override
    public void backwardData(int dy, int w, int dx) {
        loopDy = dy;
        loopW = w;
        loopDx = dx;
        ctx.parallelFor(ctx.threads(), 1, backwardDataTask);
    }

    @Override
    public void backwardWeights(int x, int dy, int dw, int db) {
        loopX = x;
        loopDy = dy;
        loopDw = dw;
        loopDb = db;
        ctx.parallelFor(ctx.threads(), 1, backwardWeightsTask);
    }

    /** The first example of the batch that thread slice {@code slice} computes (forward and backward-data split by example). */
    private int first(int slice) { return (int) ((long) g.n() * slice / ctx.threads()); }

    // x (N,1,H,W) -> y (N,K,OH,OW); this thread's examples
    private void forwardSlice(int from, int to) {
        float[] acts = ctx.array(Arena.ACTS), params = ctx.array(Arena.PARAMS), s = ctx.scratch();
        int in = from * sliceFloats, out = in + inLen, k = g.k(), osp = oh * ow;
        for (int slice = from; slice < to; slice++) {
            for (int n = first(slice); n < first(slice + 1); n++) {
                pad(acts, loopX + n * ih * iw, ih, iw, s, in, ps, g.ph(), g.pw(), inLen);
                for (int c = 0; c < k; c++) {
                    correlate(s, in, tapShift, params, loopW + c * taps, false, s, out, outLen, false);
                    float bias = loopB >= 0 ? params[loopB + c] : 0f;
                    int yb = loopY + (n * k + c) * osp;
                    for (int r = 0; r < oh; r++) {
                        int src = out + r * ps, dst = yb + r * ow;
                        if (loopAccumulate) {
                            for (int q = 0; q < ow; q++) acts[dst + q] += s[src + q] + bias;
                        } else {
                            for (int q = 0; q < ow; q++) acts[dst + q] = s[src + q] + bias;
                        }
                    }
                }
            }
        }
    }

    // dy (N,K,OH,OW) -> dx (N,1,H,W) +=; this thread's examples
    private void backwardDataSlice(int from, int to) {
        float[] acts = ctx.array(Arena.ACTS), params = ctx.array(Arena.PARAMS), s = ctx.scratch();
        int in = from * sliceFloats, out = in + dataInLen, k = g.k(), osp = oh * ow;
        int qh = g.kh() - 1 - g.ph(), qw = g.kw() - 1 - g.pw();
        for (int slice = from; slice < to; slice++) {
            for (int n = first(slice); n < first(slice + 1); n++) {
                for (int c = 0; c < k; c++) {
                    pad(acts, loopDy + (n * k + c) * osp, oh, ow, s, in, psData, qh, qw, dataInLen);
                    correlate(s, in, dataTapShift, params, loopW + c * taps, true, s, out, dataOutLen, c > 0);
                }
                int dxb = loopDx + n * ih * iw;
                for (int r = 0; r < ih; r++) {
                    int src = out + r * psData, dst = dxb + r * iw;
                    for (int q = 0; q < iw; q++) acts[dst + q] += s[src + q];
                }
            }
        }
    }

    // x, dy -> dw (K,1,KH,KW) +=, db (K) +=; this thread's output channels, over the whole batch
    private void backwardWeightsSlice(int from, int to) {
        float[] acts = ctx.array(Arena.ACTS), grads = ctx.array(Arena.GRADS), s = ctx.scratch();
        int in = from * sliceFloats, d = in + inLen, k = g.k(), osp = oh * ow;
        int k0 = (int) ((long) k * from / ctx.threads()), k1 = (int) ((long) k * to / ctx.threads());
        if (k0 == k1) return;
        for (int n = 0; n < g.n(); n++) {
            pad(acts, loopX + n * ih * iw, ih, iw, s, in, ps, g.ph(), g.pw(), inLen);
            // output channels in pairs: the two dy' planes share each x' load
            for (int c = k0; c < k1; c += 2) {
                boolean pair = c + 1 < k1;
                for (int m = 0; m < (pair ? 2 : 1); m++) {
                    int at = d + m * outLen;
                    // dy' in the input's row stride, zero in the columns past OW and after the last row
                    pad(acts, loopDy + (n * k + c + m) * osp, oh, ow, s, at, ps, 0, 0, outLen);
                    if (loopDb >= 0) grads[loopDb + c + m] += sum(s, at, outLen);
                }
                if (pair) dotTapsPair(s, d, s, in, grads, loopDw + c * taps);
                else dotTaps(s, d, s, in, grads, loopDw + c * taps);
            }
        }
    }

    /** rows x cols at src into dst[at..at+len) with row stride stride, top/left padding padRows/padCols, zero elsewhere. */
    private static void pad(float[] src, int from, int rows, int cols, float[] dst, int at, int stride, int padRows, int padCols, int len) {
        Arrays.fill(dst, at, at + len, 0f);
        for (int r = 0; r < rows; r++) System.arraycopy(src, from + r * cols, dst, at + (r + padRows) * stride + padCols, cols);
    }

    /**
     * out[o..o+len) = (add ? out : 0) + sum over taps t of w[t] * in[i + shift[t] ..]; reversed takes
     * the weights from the last tap back (backward-data's rotated kernel).
     */
    private void correlate(float[] in, int i, int[] shift, float[] w, int wb, boolean reversed, float[] out, int o, int len, boolean add) {
        int p = 0;
        for (; p + 4 * V <= len; p += 4 * V) {
            FloatVector a0, a1, a2, a3;
            if (add) {
                a0 = FloatVector.fromArray(S, out, o + p);
                a1 = FloatVector.fromArray(S, out, o + p + V);
                a2 = FloatVector.fromArray(S, out, o + p + 2 * V);
                a3 = FloatVector.fromArray(S, out, o + p + 3 * V);
            } else {
                a0 = a1 = a2 = a3 = FloatVector.zero(S);
            }
            for (int t = 0; t < taps; t++) {
                FloatVector wt = FloatVector.broadcast(S, w[wb + (reversed ? taps - 1 - t : t)]);
                int at = i + p + shift[t];
                a0 = FloatVector.fromArray(S, in, at).fma(wt, a0);
                a1 = FloatVector.fromArray(S, in, at + V).fma(wt, a1);
                a2 = FloatVector.fromArray(S, in, at + 2 * V).fma(wt, a2);
                a3 = FloatVector.fromArray(S, in, at + 3 * V).fma(wt, a3);
            }
            a0.intoArray(out, o + p);
            a1.intoArray(out, o + p + V);
            a2.intoArray(out, o + p + 2 * V);
            a3.intoArray(out, o + p + 3 * V);
        }
        for (; p < len; p += V) {
            FloatVector a = add ? FloatVector.fromArray(S, out, o + p) : FloatVector.zero(S);
            for (int t = 0; t < taps; t++) {
                a = FloatVector.fromArray(S, in, i + p + shift[t]).fma(FloatVector.broadcast(S, w[wb + (reversed ? taps - 1 - t : t)]), a);
            }
            a.intoArray(out, o + p);
        }
    }

    /** dw[dwb + t] += sum over p of dy[d + p] * x[x0 + p + shift[t]], TAP_BLOCK taps per pass over dy. */
    private void dotTaps(float[] dy, int d, float[] x, int x0, float[] dw, int dwb) {
        for (int t = 0; t < taps; t += TAP_BLOCK) {
            int s0 = x0 + tapShift[t], s1 = x0 + tapShift[t + 1], s2 = x0 + tapShift[t + 2], s3 = x0 + tapShift[t + 3];
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int p = 0; p < outLen; p += V) {
                FloatVector v = FloatVector.fromArray(S, dy, d + p);
                a0 = FloatVector.fromArray(S, x, s0 + p).fma(v, a0);
                a1 = FloatVector.fromArray(S, x, s1 + p).fma(v, a1);
                a2 = FloatVector.fromArray(S, x, s2 + p).fma(v, a2);
                a3 = FloatVector.fromArray(S, x, s3 + p).fma(v, a3);
            }
            addSums(dw, dwb, t, a0, a1, a2, a3);
        }
    }

    /** dotTaps for two output channels at once: dy' planes at d and d + outLen, weights at dwb and dwb + taps. */
    private void dotTapsPair(float[] dy, int d, float[] x, int x0, float[] dw, int dwb) {
        int e = d + outLen;
        for (int t = 0; t < taps; t += TAP_BLOCK) {
            int s0 = x0 + tapShift[t], s1 = x0 + tapShift[t + 1], s2 = x0 + tapShift[t + 2], s3 = x0 + tapShift[t + 3];
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            for (int p = 0; p < outLen; p += V) {
                FloatVector u = FloatVector.fromArray(S, dy, d + p), v = FloatVector.fromArray(S, dy, e + p);
                FloatVector x0v = FloatVector.fromArray(S, x, s0 + p);
                a0 = x0v.fma(u, a0);
                b0 = x0v.fma(v, b0);
                FloatVector x1v = FloatVector.fromArray(S, x, s1 + p);
                a1 = x1v.fma(u, a1);
                b1 = x1v.fma(v, b1);
                FloatVector x2v = FloatVector.fromArray(S, x, s2 + p);
                a2 = x2v.fma(u, a2);
                b2 = x2v.fma(v, b2);
                FloatVector x3v = FloatVector.fromArray(S, x, s3 + p);
                a3 = x3v.fma(u, a3);
                b3 = x3v.fma(v, b3);
            }
            addSums(dw, dwb, t, a0, a1, a2, a3);
            addSums(dw, dwb + taps, t, b0, b1, b2, b3);
        }
    }

    /** dw[dwb + t + i] += the lanes of a_i, for the taps of the block that lie in the kernel (the others' shift is 0: dropped). */
    private void addSums(float[] dw, int dwb, int t, FloatVector a0, FloatVector a1, FloatVector a2, FloatVector a3) {
        dw[dwb + t] += a0.reduceLanes(VectorOperators.ADD);
        if (t + 1 < taps) dw[dwb + t + 1] += a1.reduceLanes(VectorOperators.ADD);
        if (t + 2 < taps) dw[dwb + t + 2] += a2.reduceLanes(VectorOperators.ADD);
        if (t + 3 < taps) dw[dwb + t + 3] += a3.reduceLanes(VectorOperators.ADD);
    }

    private static float sum(float[] a, int from, int len) {
        FloatVector acc = FloatVector.zero(S);
        for (int p = 0; p < len; p += V) acc = acc.add(FloatVector.fromArray(S, a, from + p));
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** The vector width this JVM runs the loops at, in floats (VectorApi's check). */
    static int lanes() { return V; }
}
