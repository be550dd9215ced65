package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.ConvGeom;
import io.sparkcnn.model.backend.ConvOp;

/**
 * The CPU convolution: the implementation {@link CpuConvChoice} picks, once per geometry, from
 * oneDNN ({@link DnnlConv}), direct channelwise loops for depthwise convolutions (groups > 1, one
 * input channel per group), and im2col + SGEMM ({@link GemmConv}).
 */
public final class CpuConvOp implements ConvOp {
    private final ConvOp impl;

    public CpuConvOp(CpuContext ctx, ConvGeom g) { this(ctx, g, CpuConvChoice.GEMM); }

    public CpuConvOp(CpuContext ctx, ConvGeom g, CpuConvChoice choice) { this.impl = choice.create(ctx, g); }

    /** True when the direct loops serve this geometry in gemm mode: depthwise, one input channel per group. */
    public static boolean usesChannelwiseLoops(ConvGeom g) {
        return g.groups() > 1 && g.c() == g.groups();
    }

    /** The implementation chosen for this geometry, for reports ("DnnlConv (jit:avx512_core / ...)" for oneDNN). */
    public String strategy() {
        return impl instanceof DnnlConv d ? "DnnlConv (" + d.implementations() + ")" : impl.getClass().getSimpleName();
    }

    @Override
    public ConvGeom geom() { return impl.geom(); }

    @Override
    public void forward(int x, int w, int b, int y, boolean accumulate) { impl.forward(x, w, b, y, accumulate); }

    @Override
    public void backwardData(int dy, int w, int dx) { impl.backwardData(dy, w, dx); }

    @Override
    public void backwardWeights(int x, int dy, int dw, int db) { impl.backwardWeights(x, dy, dw, db); }
}
