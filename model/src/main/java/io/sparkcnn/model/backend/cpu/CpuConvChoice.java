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
                if (!Dnnl.available() || gemmMeasuredFaster(g)) yield all(gemm(ctx, g));
                DnnlConv dnnl;
                try {
                    dnnl = new DnnlConv(ctx, g);
                } catch (RuntimeException e) {
                    LOG.debug("oneDNN has no convolution for {} ({}); using im2col + SGEMM", g, e.toString());
                    yield all(gemm(ctx, g));
                }
                yield gemmMeasuredFasterForBackwardData(g) ? new ConvOp[]{dnnl, gemm(ctx, g), dnnl} : all(dnnl);
            }
        };
    }

    /**
     * Layers where im2col + SGEMM or the direct loops measured ahead of oneDNN in all three passes
     * (ResNet-50 and MobileNet-v1 steps profiled op by op, 2026-12-03, quiet, docs/benchmarks.md):
     * 1x1 convolutions, which SGEMM reads as they lie (ResNet-50's: 529 ms a step against 788), and
     * strided depthwise ones (MobileNet's: 37 ms against 52). Where oneDNN gains less than its two copies
     * and reorders per pass cost, those decide.
     */
    static boolean gemmMeasuredFaster(ConvGeom g) {
        boolean pointwise = g.kd() * g.kh() * g.kw() == 1;
        boolean stridedDepthwise = CpuConvOp.usesChannelwiseLoops(g) && g.sd() * g.sh() * g.sw() > 1;
        return pointwise || stridedDepthwise;
    }

    /**
     * Where bench/run (2026-12-03, quiet, docs/benchmarks.md) had im2col + SGEMM ahead of oneDNN: the
     * backward-data pass of a layer with few input channels, whose blocked layout pads them to a block
     * of 16 (the 7x7/2 stem from 3 channels: 124 against 47 GFLOP/s; 5x5 from 1 channel: 50 against 16).
     * Everywhere else oneDNN measured ahead or even.
     */
    static boolean gemmMeasuredFasterForBackwardData(ConvGeom g) {
        return g.groups() == 1 && g.c() < FEW_INPUT_CHANNELS;
    }

    /** Input channels below one oneDNN channel block (16 floats, an AVX-512 register). */
    static final int FEW_INPUT_CHANNELS = 16;

    private static ConvOp[] all(ConvOp impl) { return new ConvOp[]{impl, impl, impl}; }

    private static ConvOp gemm(CpuContext ctx, ConvGeom g) {
        return CpuConvOp.usesChannelwiseLoops(g) ? new ChannelwiseConv(ctx, g) : new GemmConv(ctx, g);
    }
}
