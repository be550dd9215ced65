package io.sparkcnn.model.backend.opencl;

import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.TensorOps;

import static io.sparkcnn.model.backend.opencl.DeviceProgram.*;

/** Elementwise and layout ops on the device; sizes arrive per call, ranges come from the host's cache. */
final class OpenClTensorOps implements TensorOps {
    private final ProgramHost host;
    private final DeviceProgram p;

    OpenClTensorOps(ProgramHost host) {
        this.host = host;
        this.p = host.program;
    }

    @Override
    public void fill(Arena a, int off, int n, float value) {
        if (n == 0) return;
        p.n = n; p.arena = a.ordinal(); p.o0 = off; p.f0 = value;
        host.launch(OP_FILL, host.range1d(n), "fill");
    }

    @Override
    public void scale(Arena a, int off, int n, float s) {
        if (n == 0) return;
        p.n = n; p.arena = a.ordinal(); p.o0 = off; p.f0 = s;
        host.launch(OP_SCALE, host.range1d(n), "scale");
    }

    // arena[off..off+n) -> ACTS[out]: partial sums per work-group, then one group adds them
    @Override
    public void sumSquares(Arena a, int off, int n, int out) {
        p.n = n; p.arena = a.ordinal(); p.o0 = off;
        host.launch(OP_SUMSQ_PARTIAL, host.reduceRange(n), "sum of squares");
        p.i3 = host.partials(n); p.o1 = out;
        host.launch(OP_SUMSQ_FINAL, host.oneGroup(), "sum of squares (final)");
    }

    @Override
    public void copy(int n, int src, int dst) {
        if (n == 0) return;
        p.n = n; p.arena = ACTS; p.o0 = src; p.arena2 = ACTS; p.o1 = dst;
        host.launch(OP_COPY, host.range1d(n), "copy");
    }

    @Override
    public void add(int n, int a, int b, int y) {
        if (n == 0) return;
        p.n = n; p.o0 = a; p.o1 = b; p.o2 = y;
        host.launch(OP_ADD, host.range1d(n), "add");
    }

    @Override
    public void accumulate(int n, int src, int dst) {
        if (n == 0) return;
        p.n = n; p.o0 = src; p.o1 = dst;
        host.launch(OP_ACCUMULATE, host.range1d(n), "accumulate");
    }

    // y (N,C,S) += bias (C)
    @Override
    public void addBias(int n, int channels, int spatial, int bias, int y) {
        int total = n * channels * spatial;
        if (total == 0) return;
        p.n = total; p.i0 = channels; p.i1 = spatial; p.o0 = bias; p.o1 = y;
        host.launch(OP_ADD_BIAS, host.range1d(total), "add bias");
    }

    // dy (N,C,S) -> db (C) +=
    @Override
    public void biasGrad(int n, int channels, int spatial, int dy, int db) {
        p.i0 = n; p.i1 = channels; p.i2 = spatial; p.o0 = dy; p.o1 = db;
        host.launch(OP_CHANNEL_SUM, host.perChannel(channels), "bias gradient");
    }

    // src (N,srcC,S) -> channels [off, off+srcC) of dst (N,dstC,S)
    @Override
    public void copyIntoChannels(int n, int srcC, int dstC, int spatial, int channelOffset, int src, int dst) {
        int total = n * srcC * spatial;
        if (total == 0) return;
        p.n = total; p.i0 = srcC; p.i1 = dstC; p.i2 = spatial; p.i3 = channelOffset; p.o0 = src; p.o1 = dst;
        host.launch(OP_INTO_CHANNELS, host.range1d(total), "copy into channels");
    }

    @Override
    public void accumulateFromChannels(int n, int srcC, int dstC, int spatial, int channelOffset, int ddst, int dsrc) {
        int total = n * srcC * spatial;
        if (total == 0) return;
        p.n = total; p.i0 = srcC; p.i1 = dstC; p.i2 = spatial; p.i3 = channelOffset; p.o0 = ddst; p.o1 = dsrc;
        host.launch(OP_FROM_CHANNELS, host.range1d(total), "accumulate from channels");
    }

    @Override
    public void dropoutForward(int n, float pDrop, long seed, int x, int mask, int y) {
        if (n == 0) return;
        p.n = n; p.i0 = foldSeed(seed); p.f0 = pDrop; p.f1 = pDrop < 1f ? 1f / (1f - pDrop) : 0f;
        p.o0 = x; p.o1 = mask; p.o2 = y;
        host.launch(OP_DROPOUT_FORWARD, host.range1d(n), "dropout forward");
    }

    /** The first line of DropoutHash.uniform, done once on the host. */
    static int foldSeed(long seed) {
        return (int) seed ^ (int) (seed >>> 32) * 0x9E3779B9;
    }

    @Override
    public void dropoutBackward(int n, int mask, int dy, int dx) {
        if (n == 0) return;
        p.n = n; p.o0 = mask; p.o1 = dy; p.o2 = dx;
        host.launch(OP_DROPOUT_BACKWARD, host.range1d(n), "dropout backward");
    }

    // x (N,C,H,W) -> y (N,C,H*sh,W*sw)
    @Override
    public void upsampleForward(boolean bilinear, int n, int c, int h, int w, int scaleH, int scaleW, int x, int y) {
        int total = n * c * h * scaleH * w * scaleW;
        if (total == 0) return;
        p.n = total; p.i0 = bilinear ? 1 : 0; p.i1 = h; p.i2 = w; p.i3 = scaleH; p.i4 = scaleW; p.o0 = x; p.o1 = y;
        host.launch(OP_UPSAMPLE_FORWARD, host.range1d(total), "upsample forward");
    }

    @Override
    public void upsampleBackward(boolean bilinear, int n, int c, int h, int w, int scaleH, int scaleW, int dy, int dx) {
        int total = n * c * h * w;
        if (total == 0) return;
        p.n = total; p.i0 = bilinear ? 1 : 0; p.i1 = h; p.i2 = w; p.i3 = scaleH; p.i4 = scaleW; p.o0 = dy; p.o1 = dx;
        host.launch(OP_UPSAMPLE_BACKWARD, host.range1d(total), "upsample backward");
    }
}
