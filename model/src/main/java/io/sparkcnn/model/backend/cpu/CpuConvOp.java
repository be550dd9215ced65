package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.ConvGeom;
import io.sparkcnn.model.backend.ConvOp;

/**
 * The CPU convolution: picks, once per geometry, the implementation that measured faster on
 * it (docs/benchmarks.md): direct channelwise loops for depthwise convolutions (groups > 1,
 * one input channel per group), im2col + SGEMM everywhere else, including single-channel
 * inputs such as LeNet's first layer, where one SGEMM over the batch beat the direct loops 5-20x.
 */
public final class CpuConvOp implements ConvOp {
    private final ConvOp impl;

    public CpuConvOp(CpuContext ctx, ConvGeom g) {
        this.impl = usesChannelwiseLoops(g) ? new ChannelwiseConv(ctx, g) : new GemmConv(ctx, g);
    }

    /** True when the direct loops serve this geometry: depthwise, one input channel per group. */
    public static boolean usesChannelwiseLoops(ConvGeom g) {
        return g.groups() > 1 && g.c() == g.groups();
    }

    /** The implementation chosen for this geometry, for reports. */
    public String strategy() { return impl.getClass().getSimpleName(); }

    @Override
    public ConvGeom geom() { return impl.geom(); }

    @Override
    public void forward(int x, int w, int b, int y, boolean accumulate) { impl.forward(x, w, b, y, accumulate); }

    @Override
    public void backwardData(int dy, int w, int dx) { impl.backwardData(dy, w, dx); }

    @Override
    public void backwardWeights(int x, int dy, int dw, int db) { impl.backwardWeights(x, dy, dw, db); }
}
