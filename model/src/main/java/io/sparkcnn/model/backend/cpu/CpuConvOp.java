package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.ConvGeom;
import io.sparkcnn.model.backend.ConvOp;

/**
 * The CPU convolution: for each of its three passes, the implementation {@link CpuConvChoice}
 * picks once per geometry, from oneDNN ({@link DnnlConv}), direct channelwise loops for
 * depthwise convolutions (groups > 1, one input channel per group), and im2col + SGEMM
 * ({@link GemmConv}). A pass may run on one and the next on another: each reads and writes
 * only the arenas.
 */
public final class CpuConvOp implements ConvOp {
    private final ConvGeom g;
    private final ConvOp forward, backwardData, backwardWeights;

    public CpuConvOp(CpuContext ctx, ConvGeom g, CpuConvChoice choice) {
        this.g = g;
        ConvOp[] passes = choice.create(ctx, g);
        this.forward = passes[0];
        this.backwardData = passes[1];
        this.backwardWeights = passes[2];
    }

    /** True when the direct loops serve this geometry in gemm mode: depthwise, one input channel per group. */
    public static boolean usesChannelwiseLoops(ConvGeom g) {
        return g.groups() > 1 && g.c() == g.groups();
    }

    /**
     * The implementation chosen for this geometry, for reports: one name ("GemmConv"), or one per pass,
     * forward / backward-data / backward-weights, where they differ; oneDNN's with its kernels' names.
     */
    public String strategy() {
        if (forward == backwardData && forward == backwardWeights) return name(forward);
        return name(forward) + " / " + name(backwardData) + " / " + name(backwardWeights);
    }

    private static String name(ConvOp impl) {
        return impl instanceof DnnlConv d ? "DnnlConv (" + d.implementations() + ")" : impl.getClass().getSimpleName();
    }

    @Override
    public ConvGeom geom() { return g; }

    @Override
    public void forward(int x, int w, int b, int y, boolean accumulate) { forward.forward(x, w, b, y, accumulate); }

    @Override
    public void backwardData(int dy, int w, int dx) { backwardData.backwardData(dy, w, dx); }

    @Override
    public void backwardWeights(int x, int dy, int dw, int db) { backwardWeights.backwardWeights(x, dy, dw, db); }
}
