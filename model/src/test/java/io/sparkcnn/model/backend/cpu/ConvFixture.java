package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.Arenas;
import io.sparkcnn.model.backend.ConvGeom;
import io.sparkcnn.model.backend.ConvOp;

import java.util.Random;
import java.util.function.Function;

/**
 * A CPU context holding one convolution's tensors at non-zero arena offsets, filled with
 * random values in [-1, 1), with accessors that return them in double for the reference.
 * ACTS: [pad | x | y | dy | dx]; PARAMS and GRADS: [pad | w | b].
 */
final class ConvFixture implements AutoCloseable {
    private static final int PAD = 13;
    final ConvGeom g;
    final ConvOp op;
    final int xOff, yOff, dyOff, dxOff, wOff, bOff;
    private final CpuContext ctx;
    private final Arenas arenas;
    private final int inCount, outCount;

    /** With im2col + SGEMM and the direct loops (backend.cpuConv=gemm); DnnlConvTest passes oneDNN's op. */
    ConvFixture(ConvGeom g, int threads, long seed) { this(g, threads, seed, ctx -> new CpuConvOp(ctx, g, CpuConvChoice.GEMM)); }

    /** With the op that ops makes (a specific implementation or tuning). */
    ConvFixture(ConvGeom g, int threads, long seed, Function<CpuContext, ConvOp> ops) {
        this.g = g;
        inCount = g.n() * g.inSize();
        outCount = g.n() * g.outSize();
        xOff = PAD;
        yOff = xOff + inCount;
        dyOff = yOff + outCount;
        dxOff = dyOff + outCount;
        wOff = PAD;
        bOff = wOff + g.weightCount();
        arenas = new Arenas(bOff + g.k(), 0, dxOff + inCount, 0);
        Random rnd = new Random(seed);
        fill(arenas.acts(), 0, arenas.acts().length, rnd);
        fill(arenas.params(), 0, arenas.params().length, rnd);
        fill(arenas.grads(), 0, arenas.grads().length, rnd);
        ctx = new CpuContext(threads);
        ctx.bind(arenas);
        op = ops.apply(ctx);
    }

    double[] x() { return read(arenas.acts(), xOff, inCount); }

    double[] w() { return read(arenas.params(), wOff, g.weightCount()); }

    double[] b() { return read(arenas.params(), bOff, g.k()); }

    double[] dy() { return read(arenas.acts(), dyOff, outCount); }

    double[] yResult() { return read(arenas.acts(), yOff, outCount); }

    double[] dxResult() { return read(arenas.acts(), dxOff, inCount); }

    double[] dwResult() { return read(arenas.grads(), wOff, g.weightCount()); }

    double[] dbResult() { return read(arenas.grads(), bOff, g.k()); }

    /** Fresh random y; returns it. */
    double[] fillY(Random rnd) {
        fill(arenas.acts(), yOff, outCount, rnd);
        return yResult();
    }

    /** Fresh random dx (what other consumers already added); returns it. */
    double[] fillDx(Random rnd) {
        fill(arenas.acts(), dxOff, inCount, rnd);
        return dxResult();
    }

    void zeroDx() { java.util.Arrays.fill(arenas.acts(), dxOff, dxOff + inCount, 0f); }

    /** Fresh random dw and db; returns {dw, db}. */
    double[][] fillGrads(Random rnd) {
        fill(arenas.grads(), wOff, g.weightCount() + g.k(), rnd);
        return new double[][]{dwResult(), dbResult()};
    }

    /** The threads a call runs on: the calling thread and the context's workers. */
    CpuContext context() { return ctx; }

    /** The raw floats, for bitwise comparisons. */
    float[] yFloats() { return java.util.Arrays.copyOfRange(arenas.acts(), yOff, yOff + outCount); }

    float[] dxFloats() { return java.util.Arrays.copyOfRange(arenas.acts(), dxOff, dxOff + inCount); }

    float[] dwFloats() { return java.util.Arrays.copyOfRange(arenas.grads(), wOff, wOff + g.weightCount() + g.k()); }

    void zeroGrads() { java.util.Arrays.fill(arenas.grads(), wOff, wOff + g.weightCount() + g.k(), 0f); }

    long[] stepThreadIds() { return SteadyStateAllocation.callerAnd(ctx.workerThreadIds()); }

    /** One forward and both backward calls (values are not checked). */
    void runAll() {
        op.forward(xOff, wOff, bOff, yOff, false);
        op.backwardWeights(xOff, dyOff, wOff, bOff);
        op.backwardData(dyOff, wOff, dxOff);
    }

    private static void fill(float[] a, int off, int n, Random rnd) {
        for (int i = 0; i < n; i++) a[off + i] = rnd.nextFloat() * 2 - 1;
    }

    private static double[] read(float[] a, int off, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = a[off + i];
        return v;
    }

    @Override
    public void close() { ctx.close(); }
}
