package io.sparkcnn.model.layers;

import io.sparkcnn.model.backend.Backend;
import io.sparkcnn.model.backend.TensorOps;
import io.sparkcnn.model.tensor.Shape;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Inverted dropout: in training each value is zeroed with probability p and the kept ones
 * scaled by 1/(1-p); in evaluation the identity. The mask is a pure function of the step's
 * seed and the element index ({@link io.sparkcnn.model.backend.DropoutHash}), so every
 * backend draws the same mask and a resumed run repeats it.
 */
public record Dropout(float p) implements LayerSpec {

    public Dropout {
        if (!(p >= 0f && p < 1f)) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
    }

    @Override
    public String type() { return "dropout"; }

    @Override
    public Shape outputShape(List<Shape> inputs) { return inputs.get(0); }

    @Override
    public LayerRuntime plan(LayerPlan plan) {
        int count = plan.batch() * plan.inputShape().size();
        int mask = plan.cache(count);
        int x = plan.input(0), dx = plan.inputGrad(0), y = plan.output(), dy = plan.outputGrad();
        return new LayerRuntime() {
            private TensorOps t;
            private boolean masked;

            @Override
            public void bind(Backend backend) { t = backend.tensor(); }

            @Override
            public void forward(boolean training, long seed) {
                masked = training && p > 0f;
                if (masked) t.dropoutForward(count, p, seed, x, mask, y);
                else t.copy(count, x, y);
            }

            @Override
            public void backward() {
                if (dx < 0) return;
                if (masked) t.dropoutBackward(count, mask, dy, dx);
                else t.accumulate(count, dy, dx);
            }
        };
    }

    @Override
    public Map<String, Object> toConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("p", (double) p);
        return m;
    }
}
