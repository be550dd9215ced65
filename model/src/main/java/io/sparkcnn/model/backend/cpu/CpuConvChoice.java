package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.ConvGeom;
import io.sparkcnn.model.backend.ConvOp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * How the CPU backend convolves ({@code backend.cpuConv}): {@code gemm} is im2col + SGEMM (and the
 * direct loops for depthwise layers), {@code dnnl} is oneDNN for every layer, {@code auto} takes,
 * per geometry and pass, what measured faster in bench/run (docs/benchmarks.md) and falls back to
 * gemm where oneDNN does not load or has no kernel for the shape.
 */
public enum CpuConvChoice {
    AUTO, GEMM, DNNL;

    private static final Logger LOG = LoggerFactory.getLogger(CpuConvChoice.class);

    public static CpuConvChoice parse(String s) {
        String v = s == null ? "auto" : s.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "auto" -> AUTO;
            case "gemm" -> GEMM;
            case "dnnl", "onednn" -> DNNL;
            default -> throw new IllegalArgumentException("backend.cpuConv must be auto, gemm or dnnl, got '" + s + "'");
        };
    }

    /** The setting's spelling. */
    public String configName() { return name().toLowerCase(Locale.ROOT); }

    /**
     * The implementations of forward, backward-data and backward-weights for g (the same object where
     * one serves all three); dnnl where oneDNN is absent or refuses g is an error naming why.
     */
    ConvOp[] create(CpuContext ctx, ConvGeom g) {
        return switch (this) {
            case GEMM -> all(gemm(ctx, g));
            case DNNL -> all(new DnnlConv(ctx, g));
            case AUTO -> {
                if (!singleChannelDirect(g)) yield libraryPasses(ctx, g);
                ConvOp direct = new SingleChannelConv(ctx, g);
                if (g.k() < FEW_OUTPUT_CHANNELS) yield all(direct);
                ConvOp[] passes = libraryPasses(ctx, g);
                passes[2] = direct;
                yield passes;
            }
        };
    }

    /** auto's choice between oneDNN and SGEMM per pass, where the direct loops take none or only backward-weights. */
    private static ConvOp[] libraryPasses(CpuContext ctx, ConvGeom g) {
        if (!Dnnl.available()) return all(gemm(ctx, g));
        DnnlConv dnnl;
        try {
            dnnl = new DnnlConv(ctx, g);
        } catch (RuntimeException e) {
            LOG.debug("oneDNN has no convolution for {} ({}); using im2col + SGEMM", g, e.toString());
            return all(gemm(ctx, g));
        }
        boolean data = gemmMeasuredFasterForBackwardData(g), weights = gemmMeasuredFasterForBackwardWeights(g);
        ConvOp gemm = data || weights ? gemm(ctx, g) : null;
        return new ConvOp[]{dnnl, data ? gemm : dnnl, weights ? gemm : dnnl};
    }

    /*
     * Where im2col + SGEMM measured ahead of oneDNN (bench/run conv passes and LeNet-5 / ResNet-50 /
     * MobileNet-v1 steps profiled op by op, 2026-12-03, quiet, docs/benchmarks.md). oneDNN's blocked
     * layouts pad the input channels to a block of 8 (AVX2) or 16 (AVX-512) floats, so on very few of
     * them it computes mostly padding. Everywhere else oneDNN measured ahead or even, 1x1 and depthwise
     * layers included, once its OpenMP threads spin briefly between regions (GOMP_SPINCOUNT, the
     * launchers); an earlier rule that kept 1x1 and strided depthwise layers on SGEMM had been measured
     * with the threads sleeping at once, which made oneDNN's kernels 2-5x slower.
     */

    /** Backward-data from fewer than 4 input channels: the 7x7/2 stem (3) 57 against 29 GFLOP/s, 5x5 from 1: 26 against 10; from 6 (LeNet's second layer) oneDNN took half the time. */
    static boolean gemmMeasuredFasterForBackwardData(ConvGeom g) {
        return g.groups() == 1 && g.c() < FEW_INPUT_CHANNELS;
    }

    /** Backward-weights from one input channel: 5x5 from 1, 20 against 8 GFLOP/s; from 3 (the stem) oneDNN led, 64 against 48. */
    static boolean gemmMeasuredFasterForBackwardWeights(ConvGeom g) {
        return g.groups() == 1 && g.c() == 1;
    }

    /**
     * A one-channel input at stride 1 (LeNet's first layer): the Vector API's direct loops, where the JVM
     * has the module, for backward-weights always and for all three passes under FEW_OUTPUT_CHANNELS.
     * LeNet-5's 1->6 5x5 pad 2 at batch 64, 2 threads, best of 2,000 calls: forward 0.35 ms (oneDNN 0.39,
     * SGEMM 1.00), backward-weights 0.38 (SGEMM 1.77, oneDNN 1.36), backward-data 0.31 (SGEMM 1.20,
     * oneDNN 1.18). bench/run's 1->32 5x5 at batch 64: backward-weights 30 GFLOP/s (SGEMM 20, PyTorch 2
     * 10), but forward 26 against oneDNN's 45 and backward-data 16 against SGEMM's 23: the direct loops
     * load the input plane once per output channel, where oneDNN keeps 8 output channels in a vector.
     */
    static boolean singleChannelDirect(ConvGeom g) {
        return VectorApi.available() && SingleChannelConv.fits(g);
    }

    /** Output channels below which the single-channel direct loops take every pass: oneDNN's block of 8 is then part padding. */
    static final int FEW_OUTPUT_CHANNELS = 8;

    /** Input channels below which oneDNN's backward-data loses to SGEMM (measured 1 and 3 against 6). */
    static final int FEW_INPUT_CHANNELS = 4;

    private static ConvOp[] all(ConvOp impl) { return new ConvOp[]{impl, impl, impl}; }

    private static ConvOp gemm(CpuContext ctx, ConvGeom g) {
        return CpuConvOp.usesChannelwiseLoops(g) ? new ChannelwiseConv(ctx, g) : new GemmConv(ctx, g);
    }
}
