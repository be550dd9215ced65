package io.sparkcnn.model.layers;

import io.sparkcnn.model.backend.Backend;
import io.sparkcnn.model.backend.TensorOps;
import io.sparkcnn.model.tensor.Shape;

import java.util.List;
import java.util.Map;

/** (C,H,W) -> (C*H*W): a copy forward, an accumulation backward (NCHW is already flat per example). */
public record Flatten() implements LayerSpec {
    @Override
    public String type() { return "flatten"; }

    @Override
    public Shape outputShape(List<Shape> inputs) { return Shape.of(inputs.get(0).size()); }

    @Override
    public LayerRuntime plan(LayerPlan plan) {
        int count = plan.batch() * plan.inputShape().size();
        int x = plan.input(0), dx = plan.inputGrad(0), y = plan.output(), dy = plan.outputGrad();
        return new LayerRuntime() {
            private TensorOps t;

            @Override
            public void bind(Backend backend) { t = backend.tensor(); }

            @Override
            public void forward(boolean training, long seed) { t.copy(count, x, y); }

            @Override
            public void backward() {
                if (dx >= 0) t.accumulate(count, dy, dx);
            }
        };
    }

    @Override
    public Map<String, Object> toConfig() { return Map.of(); }
}
