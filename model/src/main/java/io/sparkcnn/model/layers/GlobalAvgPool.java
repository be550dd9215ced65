package io.sparkcnn.model.layers;

import io.sparkcnn.model.backend.PoolGeom;
import io.sparkcnn.model.tensor.Shape;

import java.util.List;
import java.util.Map;

/**
 * The mean over all spatial positions of each channel: in (N,C,[D,][H,]W) -> out (N,C).
 * An average pooling whose window is the whole input, so backends need no extra op.
 */
public record GlobalAvgPool() implements LayerSpec {

    @Override
    public String type() { return "global_avgpool"; }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = inputs.get(0);
        geom(1, in);
        return Shape.of(in.channels());
    }

    private static PoolGeom geom(int batch, Shape in) {
        if (in.rank() < 2 || in.rank() > 4) {
            throw new IllegalArgumentException("global average pooling needs input (C,L), (C,H,W) or (C,D,H,W), got " + in);
        }
        int[] s = {1, 1, 1};
        for (int i = 1; i < in.rank(); i++) s[3 - in.rank() + i] = in.dim(i);
        return new PoolGeom(false, batch, in.channels(), s[0], s[1], s[2], s[0], s[1], s[2], 1, 1, 1, 0, 0, 0, true);
    }

    @Override
    public long flops(List<Shape> inputs) { return inputs.get(0).size(); }

    @Override
    public LayerRuntime plan(LayerPlan plan) {
        return new Pool.Runtime(geom(plan.batch(), plan.inputShape()), plan.input(0), plan.inputGrad(0), plan.output(),
                plan.outputGrad(), -1);
    }

    @Override
    public Map<String, Object> toConfig() { return Map.of(); }
}
