package io.sparkcnn.model.layers;

import io.sparkcnn.model.backend.Activation;
import io.sparkcnn.model.backend.ActivationOp;
import io.sparkcnn.model.backend.Backend;
import io.sparkcnn.model.tensor.Shape;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A pointwise activation: relu, leaky_relu (negative slope alpha), sigmoid, tanh. Shape unchanged. */
public record Activate(Activation kind, float alpha) implements LayerSpec {

    public static Activate relu() { return new Activate(Activation.RELU, 0f); }

    public static Activate leakyRelu(float slope) { return new Activate(Activation.LEAKY_RELU, slope); }

    public static Activate sigmoid() { return new Activate(Activation.SIGMOID, 0f); }

    public static Activate tanh() { return new Activate(Activation.TANH, 0f); }

    @Override
    public String type() { return kind.name().toLowerCase(java.util.Locale.ROOT); }

    @Override
    public Shape outputShape(List<Shape> inputs) { return inputs.get(0); }

    @Override
    public long flops(List<Shape> inputs) { return inputs.get(0).size(); }

    @Override
    public LayerRuntime plan(LayerPlan plan) {
        int count = plan.batch() * plan.inputShape().size();
        int x = plan.input(0), dx = plan.inputGrad(0), y = plan.output(), dy = plan.outputGrad();
        return new LayerRuntime() {
            private ActivationOp op;

            @Override
            public void bind(Backend backend) { op = backend.activation(kind, alpha, count); }

            @Override
            public void forward(boolean training, long seed) { op.forward(x, y); }

            @Override
            public void backward() {
                if (dx >= 0) op.backward(x, y, dy, dx);
            }
        };
    }

    @Override
    public Map<String, Object> toConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (kind == Activation.LEAKY_RELU) m.put("alpha", (double) alpha);
        return m;
    }
}
