package io.sparkcnn.model.layers;

import io.sparkcnn.model.backend.Backend;
import io.sparkcnn.model.backend.TensorOps;
import io.sparkcnn.model.tensor.Shape;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Upsampling of (C,H,W) by integer factors: (C,H,W) -> (C,H*sh,W*sw). Nearest copies each
 * input cell; bilinear interpolates with PyTorch's align_corners=false coordinates.
 */
public record Upsample(Mode mode, int scaleH, int scaleW) implements LayerSpec {

    public enum Mode { NEAREST, BILINEAR }

    public Upsample {
        if (mode == null) throw new IllegalArgumentException("upsample mode is missing (nearest or bilinear)");
        if (scaleH <= 0 || scaleW <= 0) {
            throw new IllegalArgumentException("upsample scale must be positive, got " + scaleH + "x" + scaleW);
        }
    }

    public static Upsample nearest(int scale) { return new Upsample(Mode.NEAREST, scale, scale); }

    public static Upsample bilinear(int scale) { return new Upsample(Mode.BILINEAR, scale, scale); }

    /** "nearest" or "bilinear", as written in configs. */
    public static Mode mode(String name) {
        for (Mode m : Mode.values()) {
            if (m.name().toLowerCase(Locale.ROOT).equals(name)) return m;
        }
        throw new IllegalArgumentException("upsample mode must be nearest or bilinear, got " + name);
    }

    @Override
    public String type() { return "upsample"; }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = inputs.get(0);
        if (in.rank() != 3) throw new IllegalArgumentException("upsample needs input (C,H,W), got " + in);
        return Shape.of(in.channels(), Math.multiplyExact(in.dim(1), scaleH), Math.multiplyExact(in.dim(2), scaleW));
    }

    @Override
    public long flops(List<Shape> inputs) {
        return (mode == Mode.BILINEAR ? 8L : 1L) * outputShape(inputs).size();
    }

    @Override
    public LayerRuntime plan(LayerPlan plan) {
        Shape in = plan.inputShape();
        int n = plan.batch(), c = in.channels(), h = in.dim(1), w = in.dim(2);
        boolean bilinear = mode == Mode.BILINEAR;
        int x = plan.input(0), dx = plan.inputGrad(0), y = plan.output(), dy = plan.outputGrad();
        return new LayerRuntime() {
            private TensorOps t;

            @Override
            public void bind(Backend backend) { t = backend.tensor(); }

            @Override
            public void forward(boolean training, long seed) { t.upsampleForward(bilinear, n, c, h, w, scaleH, scaleW, x, y); }

            @Override
            public void backward() {
                if (dx >= 0) t.upsampleBackward(bilinear, n, c, h, w, scaleH, scaleW, dy, dx);
            }
        };
    }

    @Override
    public Map<String, Object> toConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", mode.name().toLowerCase(Locale.ROOT));
        m.put("scale", List.of(scaleH, scaleW));
        return m;
    }
}
