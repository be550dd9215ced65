package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.ConvGeom;
import io.sparkcnn.model.backend.ConvOp;

import java.util.Arrays;

/**
 * Direct loops for convolutions where every output channel reads one input channel
 * (C/groups == 1: depthwise convolution, or a single-channel input). Per group, the column
 * matrix would have only KD*KH*KW rows and SGEMM one output row: one tiny SGEMM and im2col
 * hand-off per group and example. The direct loops need no column matrix; on the loaded
 * machine they measured about even with per-group SGEMMs (docs/benchmarks.md).
 * Output channel k reads input channel k / (K/groups).
 */
final class ChannelwiseConv implements ConvOp {
    private final CpuContext ctx;
    private final ConvGeom g;
    private final int kg, kvol, osp, isp, inSize, outSize;

    private int loopA, loopB, loopC, loopD;
    private boolean loopAccumulate;
    private final RangeTask forwardTask = this::forwardRange;
    private final RangeTask backwardDataTask = this::backwardDataRange;
    private final RangeTask backwardWeightsTask = this::backwardWeightsRange;

    ChannelwiseConv(CpuContext ctx, ConvGeom g) {
        if (g.c() != g.groups()) throw new IllegalArgumentException("channelwise convolution needs C/groups == 1, got " + g);
        this.ctx = ctx;
        this.g = g;
        this.kg = g.k() / g.groups();
        this.kvol = g.kd() * g.kh() * g.kw();
        this.osp = g.outSpatial();
        this.isp = g.inSpatial();
        this.inSize = g.inSize();
        this.outSize = g.outSize();
    }

    @Override
    public ConvGeom geom() { return g; }

    // x (N,C,D,H,W) -> y (N,K,OD,OH,OW), one (example, output channel) plane per item
    @Override
    public void forward(int x, int w, int b, int y, boolean accumulate) {
        loopA = x;
        loopB = w;
        loopC = b;
        loopD = y;
        loopAccumulate = accumulate;
        ctx.parallelFor(g.n() * g.k(), grain(), forwardTask);
    }

    private void forwardRange(int from, int to) {
        float[] acts = ctx.array(Arena.ACTS), params = ctx.array(Arena.PARAMS);
        int x = loopA, w = loopB, b = loopC, y = loopD;
        for (int i = from; i < to; i++) {
            int n = i / g.k(), k = i % g.k();
            int out = y + n * outSize + k * osp;
            float bias = b >= 0 ? params[b + k] : 0f;
            if (loopAccumulate) {
                for (int o = 0; o < osp; o++) acts[out + o] += bias;
            } else {
                Arrays.fill(acts, out, out + osp, bias);
            }
            int in = x + n * inSize + (k / kg) * isp;
            for (int t = 0; t < kvol; t++) {
                accumulateTap(g, t, params[w + k * kvol + t], acts, in, acts, out);
            }
        }
    }

    /** out (OD,OH,OW) += weight * the input plane shifted by kernel tap t. */
    private static void accumulateTap(ConvGeom g, int t, float weight, float[] x, int in, float[] y, int out) {
        int kdi = t / (g.kh() * g.kw()), khi = (t / g.kw()) % g.kh(), kwi = t % g.kw();
        int od = g.od(), oh = g.oh(), ow = g.ow(), id = g.id(), ih = g.ih(), iw = g.iw(), sw = g.sw();
        int wShift = kwi * g.dw() - g.pw();
        int lo = Im2col.firstValid(wShift, sw), hi = Im2col.lastValidExclusive(wShift, sw, iw, ow);
        if (lo >= hi) return;
        for (int z = 0; z < od; z++) {
            int inZ = z * g.sd() - g.pd() + kdi * g.dd();
            if (inZ < 0 || inZ >= id) continue;
            for (int r = 0; r < oh; r++) {
                int inY = r * g.sh() - g.ph() + khi * g.dh();
                if (inY < 0 || inY >= ih) continue;
                int s = in + (inZ * ih + inY) * iw + wShift;
                int d = out + (z * oh + r) * ow;
                if (sw == 1) {
                    for (int o = lo; o < hi; o++) y[d + o] += weight * x[s + o];
                } else {
                    for (int o = lo; o < hi; o++) y[d + o] += weight * x[s + o * sw];
                }
            }
        }
    }

    // dy (N,K,OD,OH,OW) -> dx (N,C,D,H,W) +=, one (example, input channel) plane per item
    @Override
    public void backwardData(int dy, int w, int dx) {
        loopA = dy;
        loopB = w;
        loopD = dx;
        ctx.parallelFor(g.n() * g.c(), grain(), backwardDataTask);
    }

    private void backwardDataRange(int from, int to) {
        float[] acts = ctx.array(Arena.ACTS), params = ctx.array(Arena.PARAMS);
        int dy = loopA, w = loopB, dx = loopD;
        int od = g.od(), oh = g.oh(), ow = g.ow(), id = g.id(), ih = g.ih(), iw = g.iw(), sw = g.sw();
        for (int i = from; i < to; i++) {
            int n = i / g.c(), c = i % g.c();
            int dst = dx + n * inSize + c * isp;
            for (int m = 0; m < kg; m++) {
                int k = c * kg + m;
                int src = dy + n * outSize + k * osp;
                for (int t = 0; t < kvol; t++) {
                    float weight = params[w + k * kvol + t];
                    int kdi = t / (g.kh() * g.kw()), khi = (t / g.kw()) % g.kh(), kwi = t % g.kw();
                    int wShift = kwi * g.dw() - g.pw();
                    int lo = Im2col.firstValid(wShift, sw), hi = Im2col.lastValidExclusive(wShift, sw, iw, ow);
                    if (lo >= hi) continue;
                    for (int z = 0; z < od; z++) {
                        int inZ = z * g.sd() - g.pd() + kdi * g.dd();
                        if (inZ < 0 || inZ >= id) continue;
                        for (int r = 0; r < oh; r++) {
                            int inY = r * g.sh() - g.ph() + khi * g.dh();
                            if (inY < 0 || inY >= ih) continue;
                            int d = dst + (inZ * ih + inY) * iw + wShift;
                            int s = src + (z * oh + r) * ow;
                            if (sw == 1) {
                                for (int o = lo; o < hi; o++) acts[d + o] += weight * acts[s + o];
                            } else {
                                for (int o = lo; o < hi; o++) acts[d + o * sw] += weight * acts[s + o];
                            }
                        }
                    }
                }
            }
        }
    }

    // x, dy -> dw (K, 1, KD, KH, KW) +=, db (K) +=, one output channel per item
    @Override
    public void backwardWeights(int x, int dy, int dw, int db) {
        loopA = x;
        loopB = dy;
        loopC = dw;
        loopD = db;
        ctx.parallelFor(g.k(), Math.max(1, grain() / Math.max(1, g.n())), backwardWeightsTask);
    }

    private void backwardWeightsRange(int from, int to) {
        float[] acts = ctx.array(Arena.ACTS), grads = ctx.array(Arena.GRADS);
        int x = loopA, dy = loopB, dw = loopC, db = loopD;
        int od = g.od(), oh = g.oh(), ow = g.ow(), id = g.id(), ih = g.ih(), iw = g.iw(), sw = g.sw();
        for (int k = from; k < to; k++) {
            int c = k / kg;
            for (int t = 0; t < kvol; t++) {
                int kdi = t / (g.kh() * g.kw()), khi = (t / g.kw()) % g.kh(), kwi = t % g.kw();
                int wShift = kwi * g.dw() - g.pw();
                int lo = Im2col.firstValid(wShift, sw), hi = Im2col.lastValidExclusive(wShift, sw, iw, ow);
                double sum = 0;
                for (int n = 0; n < g.n() && lo < hi; n++) {
                    int in = x + n * inSize + c * isp;
                    int grad = dy + n * outSize + k * osp;
                    float s0 = 0f, s1 = 0f;
                    for (int z = 0; z < od; z++) {
                        int inZ = z * g.sd() - g.pd() + kdi * g.dd();
                        if (inZ < 0 || inZ >= id) continue;
                        for (int r = 0; r < oh; r++) {
                            int inY = r * g.sh() - g.ph() + khi * g.dh();
                            if (inY < 0 || inY >= ih) continue;
                            int s = in + (inZ * ih + inY) * iw + wShift;
                            int d = grad + (z * oh + r) * ow;
                            int o = lo;
                            // two partial sums: a shorter dependency chain than one
                            for (; o + 1 < hi; o += 2) {
                                s0 += acts[d + o] * acts[s + o * sw];
                                s1 += acts[d + o + 1] * acts[s + (o + 1) * sw];
                            }
                            if (o < hi) s0 += acts[d + o] * acts[s + o * sw];
                        }
                    }
                    sum += s0 + s1;
                }
                grads[dw + k * kvol + t] += (float) sum;
            }
            if (db >= 0) {
                double sum = 0;
                for (int n = 0; n < g.n(); n++) {
                    int grad = dy + n * outSize + k * osp;
                    float part = 0f;
                    for (int o = 0; o < osp; o++) part += acts[grad + o];
                    sum += part;
                }
                grads[db + k] += (float) sum;
            }
        }
    }

    /** Planes per slice: enough multiply-adds that a hand-off to another thread pays. */
    private int grain() {
        return Math.max(1, 16_384 / Math.max(1, osp * kvol));
    }
}
