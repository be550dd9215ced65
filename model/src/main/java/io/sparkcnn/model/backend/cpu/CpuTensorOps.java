package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.DropoutHash;
import io.sparkcnn.model.backend.TensorOps;

/**
 * Element-wise and layout ops. Every loop has its own {@link RangeTask} field and takes its
 * per-call values through fields, so a call allocates nothing; calls are not reentrant
 * (the network runs one op at a time).
 */
final class CpuTensorOps implements TensorOps {
    /** Elements per thread below which a hand-off costs more than it saves. */
    private static final int GRAIN = 1 << 15;
    /** Fixed partial-sum slots: reductions give the same bits for any thread count. */
    private static final int CHUNKS = 64;

    private final CpuContext ctx;
    private final double[] partials = new double[CHUNKS];

    // per-call arguments, read by the tasks
    private Arena arena;
    private int n, c, s, src, dst, a, b, srcC, dstC, chOff;
    private float value;
    private long seed;
    private boolean bilinear;
    private int h, w, scaleH, scaleW;

    private final RangeTask fillTask = this::fillRange;
    private final RangeTask scaleTask = this::scaleRange;
    private final RangeTask sumSquaresTask = this::sumSquaresChunks;
    private final RangeTask copyTask = this::copyRange;
    private final RangeTask addTask = this::addRange;
    private final RangeTask accumulateTask = this::accumulateRange;
    private final RangeTask addBiasTask = this::addBiasPlanes;
    private final RangeTask biasGradTask = this::biasGradChannels;
    private final RangeTask intoChannelsTask = this::intoChannelsExamples;
    private final RangeTask fromChannelsTask = this::fromChannelsExamples;
    private final RangeTask dropoutForwardTask = this::dropoutForwardRange;
    private final RangeTask dropoutBackwardTask = this::dropoutBackwardRange;
    private final RangeTask upsampleForwardTask = this::upsampleForwardPlanes;
    private final RangeTask upsampleBackwardTask = this::upsampleBackwardPlanes;

    CpuTensorOps(CpuContext ctx) { this.ctx = ctx; }

    @Override
    public void fill(Arena arena, int off, int n, float value) {
        this.arena = arena;
        this.dst = off;
        this.value = value;
        ctx.parallelFor(n, GRAIN, fillTask);
    }

    private void fillRange(int from, int to) {
        java.util.Arrays.fill(ctx.array(arena), dst + from, dst + to, value);
    }

    @Override
    public void scale(Arena arena, int off, int n, float s) {
        this.arena = arena;
        this.dst = off;
        this.value = s;
        ctx.parallelFor(n, GRAIN, scaleTask);
    }

    private void scaleRange(int from, int to) {
        float[] x = ctx.array(arena);
        float k = value;
        for (int i = dst + from, e = dst + to; i < e; i++) x[i] *= k;
    }

    @Override
    public void sumSquares(Arena arena, int off, int n, int out) {
        this.arena = arena;
        this.src = off;
        this.n = n;
        ctx.parallelFor(CHUNKS, n < GRAIN ? CHUNKS : 1, sumSquaresTask);
        double total = 0;
        for (double p : partials) total += p;
        ctx.array(Arena.ACTS)[out] = (float) total;
    }

    // chunk j of x[off .. off+n) -> partials[j]
    private void sumSquaresChunks(int from, int to) {
        float[] x = ctx.array(arena);
        for (int j = from; j < to; j++) {
            int lo = src + (int) ((long) n * j / CHUNKS), hi = src + (int) ((long) n * (j + 1) / CHUNKS);
            // four lanes: one chain of double adds would be bound by add latency
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int i = lo;
            for (; i + 3 < hi; i += 4) {
                double v0 = x[i], v1 = x[i + 1], v2 = x[i + 2], v3 = x[i + 3];
                s0 += v0 * v0;
                s1 += v1 * v1;
                s2 += v2 * v2;
                s3 += v3 * v3;
            }
            for (; i < hi; i++) s0 += (double) x[i] * x[i];
            partials[j] = (s0 + s1) + (s2 + s3);
        }
    }

    @Override
    public void copy(int n, int src, int dst) {
        this.src = src;
        this.dst = dst;
        ctx.parallelFor(n, GRAIN, copyTask);
    }

    private void copyRange(int from, int to) {
        float[] x = ctx.array(Arena.ACTS);
        System.arraycopy(x, src + from, x, dst + from, to - from);
    }

    @Override
    public void add(int n, int a, int b, int y) {
        this.a = a;
        this.b = b;
        this.dst = y;
        ctx.parallelFor(n, GRAIN, addTask);
    }

    private void addRange(int from, int to) {
        float[] x = ctx.array(Arena.ACTS);
        int ao = a, bo = b, yo = dst;
        for (int i = from; i < to; i++) x[yo + i] = x[ao + i] + x[bo + i];
    }

    @Override
    public void accumulate(int n, int src, int dst) {
        this.src = src;
        this.dst = dst;
        ctx.parallelFor(n, GRAIN, accumulateTask);
    }

    private void accumulateRange(int from, int to) {
        float[] x = ctx.array(Arena.ACTS);
        int so = src, d = dst;
        for (int i = from; i < to; i++) x[d + i] += x[so + i];
    }

    @Override
    public void addBias(int n, int channels, int spatial, int bias, int y) {
        this.c = channels;
        this.s = spatial;
        this.src = bias;
        this.dst = y;
        ctx.parallelFor(n * channels, Math.max(1, GRAIN / spatial), addBiasTask);
    }

    // y (N*C planes of S) += bias[c]
    private void addBiasPlanes(int from, int to) {
        float[] x = ctx.array(Arena.ACTS);
        float[] p = ctx.array(Arena.PARAMS);
        for (int plane = from; plane < to; plane++) {
            float bv = p[src + plane % c];
            for (int i = dst + plane * s, e = i + s; i < e; i++) x[i] += bv;
        }
    }

    @Override
    public void biasGrad(int n, int channels, int spatial, int dy, int db) {
        this.n = n;
        this.c = channels;
        this.s = spatial;
        this.src = dy;
        this.dst = db;
        ctx.parallelFor(channels, Math.max(1, GRAIN / (n * spatial)), biasGradTask);
    }

    // dy (N,C,S) -> db (C) +=
    private void biasGradChannels(int from, int to) {
        float[] x = ctx.array(Arena.ACTS);
        float[] gr = ctx.array(Arena.GRADS);
        for (int ch = from; ch < to; ch++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                int row = src + (i * c + ch) * s, j = 0;
                float p0 = 0f, p1 = 0f, p2 = 0f, p3 = 0f;
                for (; j + 3 < s; j += 4) {
                    p0 += x[row + j];
                    p1 += x[row + j + 1];
                    p2 += x[row + j + 2];
                    p3 += x[row + j + 3];
                }
                for (; j < s; j++) p0 += x[row + j];
                sum += (double) p0 + p1 + p2 + p3;
            }
            gr[dst + ch] += (float) sum;
        }
    }

    @Override
    public void copyIntoChannels(int n, int srcC, int dstC, int spatial, int channelOffset, int src, int dst) {
        checkChannelSlice(srcC, dstC, channelOffset);
        this.srcC = srcC;
        this.dstC = dstC;
        this.s = spatial;
        this.chOff = channelOffset;
        this.src = src;
        this.dst = dst;
        ctx.parallelFor(n, Math.max(1, GRAIN / (srcC * spatial)), intoChannelsTask);
    }

    // src (N,srcC,S) -> dst (N,dstC,S) channels [chOff, chOff+srcC)
    private void intoChannelsExamples(int from, int to) {
        float[] x = ctx.array(Arena.ACTS);
        int len = srcC * s;
        for (int i = from; i < to; i++) {
            System.arraycopy(x, src + i * len, x, dst + (i * dstC + chOff) * s, len);
        }
    }

    @Override
    public void accumulateFromChannels(int n, int srcC, int dstC, int spatial, int channelOffset, int ddst, int dsrc) {
        checkChannelSlice(srcC, dstC, channelOffset);
        this.srcC = srcC;
        this.dstC = dstC;
        this.s = spatial;
        this.chOff = channelOffset;
        this.src = ddst;
        this.dst = dsrc;
        ctx.parallelFor(n, Math.max(1, GRAIN / (srcC * spatial)), fromChannelsTask);
    }

    // ddst (N,dstC,S) channels [chOff, chOff+srcC) -> dsrc (N,srcC,S) +=
    private void fromChannelsExamples(int from, int to) {
        float[] x = ctx.array(Arena.ACTS);
        int len = srcC * s;
        for (int i = from; i < to; i++) {
            int so = src + (i * dstC + chOff) * s, d = dst + i * len;
            for (int j = 0; j < len; j++) x[d + j] += x[so + j];
        }
    }

    private static void checkChannelSlice(int srcC, int dstC, int channelOffset) {
        if (channelOffset < 0 || srcC <= 0 || channelOffset + srcC > dstC) {
            throw new IllegalArgumentException("channels [" + channelOffset + ", " + (channelOffset + srcC)
                    + ") do not fit in " + dstC + " channels");
        }
    }

    @Override
    public void dropoutForward(int n, float p, long seed, int x, int mask, int y) {
        if (!(p >= 0f && p < 1f)) {
            if (p == 1f) {
                fill(Arena.ACTS, mask, n, 0f);
                fill(Arena.ACTS, y, n, 0f);
                return;
            }
            throw new IllegalArgumentException("dropout probability must be in [0, 1], got " + p);
        }
        this.value = p;
        this.seed = seed;
        this.src = x;
        this.c = mask;
        this.dst = y;
        ctx.parallelFor(n, GRAIN, dropoutForwardTask);
    }

    // x (n) -> mask (n) = keep ? 1/(1-p) : 0, y (n) = x * mask
    private void dropoutForwardRange(int from, int to) {
        float[] x = ctx.array(Arena.ACTS);
        float p = value;
        float keepScale = 1f / (1f - p);
        long sd = seed;
        int xo = src, mo = c, yo = dst;
        for (int i = from; i < to; i++) {
            float m = DropoutHash.uniform(sd, i) >= p ? keepScale : 0f;
            x[mo + i] = m;
            x[yo + i] = x[xo + i] * m;
        }
    }

    @Override
    public void dropoutBackward(int n, int mask, int dy, int dx) {
        this.c = mask;
        this.src = dy;
        this.dst = dx;
        ctx.parallelFor(n, GRAIN, dropoutBackwardTask);
    }

    // dy (n) * mask (n) -> dx (n) +=
    private void dropoutBackwardRange(int from, int to) {
        float[] x = ctx.array(Arena.ACTS);
        int mo = c, so = src, d = dst;
        for (int i = from; i < to; i++) x[d + i] += x[so + i] * x[mo + i];
    }

    @Override
    public void upsampleForward(boolean bilinear, int n, int c, int h, int w, int scaleH, int scaleW, int x, int y) {
        setUpsample(bilinear, c, h, w, scaleH, scaleW, x, y);
        ctx.parallelFor(n * c, Math.max(1, GRAIN / (h * w * scaleH * scaleW)), upsampleForwardTask);
    }

    @Override
    public void upsampleBackward(boolean bilinear, int n, int c, int h, int w, int scaleH, int scaleW, int dy, int dx) {
        setUpsample(bilinear, c, h, w, scaleH, scaleW, dy, dx);
        ctx.parallelFor(n * c, Math.max(1, GRAIN / (h * w * scaleH * scaleW)), upsampleBackwardTask);
    }

    private void setUpsample(boolean bilinear, int c, int h, int w, int scaleH, int scaleW, int src, int dst) {
        if (scaleH <= 0 || scaleW <= 0) throw new IllegalArgumentException("upsampling scales must be positive, got " + scaleH + "x" + scaleW);
        this.bilinear = bilinear;
        this.c = c;
        this.h = h;
        this.w = w;
        this.scaleH = scaleH;
        this.scaleW = scaleW;
        this.src = src;
        this.dst = dst;
    }

    /**
     * PyTorch's source coordinate for align_corners=false with a given scale factor:
     * (o + 0.5) / scale - 0.5, clamped at 0.
     */
    static float sourceCoord(int o, int scale) {
        float v = (o + 0.5f) * (1f / scale) - 0.5f;
        return v < 0f ? 0f : v;
    }

    // x (N*C planes of H,W) -> y (N*C planes of H*sh, W*sw)
    private void upsampleForwardPlanes(int from, int to) {
        float[] a = ctx.array(Arena.ACTS);
        int OH = h * scaleH, OW = w * scaleW;
        for (int p = from; p < to; p++) {
            int xb = src + p * h * w, yb = dst + p * OH * OW;
            for (int oy = 0; oy < OH; oy++) {
                int yRow = yb + oy * OW;
                if (!bilinear) {
                    int xRow = xb + (oy / scaleH) * w;
                    for (int ox = 0; ox < OW; ox++) a[yRow + ox] = a[xRow + ox / scaleW];
                    continue;
                }
                float sy = sourceCoord(oy, scaleH);
                int y0 = (int) sy, y1 = y0 < h - 1 ? y0 + 1 : y0;
                float ly1 = sy - y0, ly0 = 1f - ly1;
                int r0 = xb + y0 * w, r1 = xb + y1 * w;
                for (int ox = 0; ox < OW; ox++) {
                    float sx = sourceCoord(ox, scaleW);
                    int x0 = (int) sx, x1 = x0 < w - 1 ? x0 + 1 : x0;
                    float lx1 = sx - x0, lx0 = 1f - lx1;
                    a[yRow + ox] = ly0 * (lx0 * a[r0 + x0] + lx1 * a[r0 + x1])
                            + ly1 * (lx0 * a[r1 + x0] + lx1 * a[r1 + x1]);
                }
            }
        }
    }

    // dy (N*C planes of H*sh, W*sw) -> dx (N*C planes of H,W) +=
    private void upsampleBackwardPlanes(int from, int to) {
        float[] a = ctx.array(Arena.ACTS);
        int OH = h * scaleH, OW = w * scaleW;
        for (int p = from; p < to; p++) {
            int dxb = dst + p * h * w, dyb = src + p * OH * OW;
            for (int oy = 0; oy < OH; oy++) {
                int gRow = dyb + oy * OW;
                if (!bilinear) {
                    int xRow = dxb + (oy / scaleH) * w;
                    for (int ox = 0; ox < OW; ox++) a[xRow + ox / scaleW] += a[gRow + ox];
                    continue;
                }
                float sy = sourceCoord(oy, scaleH);
                int y0 = (int) sy, y1 = y0 < h - 1 ? y0 + 1 : y0;
                float ly1 = sy - y0, ly0 = 1f - ly1;
                int r0 = dxb + y0 * w, r1 = dxb + y1 * w;
                for (int ox = 0; ox < OW; ox++) {
                    float sx = sourceCoord(ox, scaleW);
                    int x0 = (int) sx, x1 = x0 < w - 1 ? x0 + 1 : x0;
                    float lx1 = sx - x0, lx0 = 1f - lx1;
                    float g = a[gRow + ox];
                    a[r0 + x0] += ly0 * lx0 * g;
                    a[r0 + x1] += ly0 * lx1 * g;
                    a[r1 + x0] += ly1 * lx0 * g;
                    a[r1 + x1] += ly1 * lx1 * g;
                }
            }
        }
    }
}
