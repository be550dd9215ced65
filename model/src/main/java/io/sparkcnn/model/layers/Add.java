package io.sparkcnn.model.layers;

import io.sparkcnn.model.backend.Backend;
import io.sparkcnn.model.backend.TensorOps;
import io.sparkcnn.model.tensor.Shape;

import java.util.List;
import java.util.Map;

/** Element-wise sum of two or more inputs of one shape (residual connections): out = x0 + x1 + ... */
public record Add() implements LayerSpec {

    @Override
    public String type() { return "add"; }

    @Override
    public int arity() { return VARIADIC; }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape first = inputs.get(0);
        for (int i = 1; i < inputs.size(); i++) {
            if (!inputs.get(i).equals(first)) {
                throw new IllegalArgumentException("add needs inputs of one shape, got " + first + " and " + inputs.get(i)
                        + " (input " + i + ")");
            }
        }
        return first;
    }

    @Override
    public long flops(List<Shape> inputs) { return (long) (inputs.size() - 1) * inputs.get(0).size(); }

    @Override
    public LayerRuntime plan(LayerPlan plan) {
        int count = plan.batch() * plan.outputShape().size();
        int k = plan.inputShapes().size();
        int[] x = new int[k], dx = new int[k];
        for (int i = 0; i < k; i++) {
            x[i] = plan.input(i);
            dx[i] = plan.inputGrad(i);
        }
        int y = plan.output(), dy = plan.outputGrad();
        return new LayerRuntime() {
            private TensorOps t;

            @Override
            public void bind(Backend backend) { t = backend.tensor(); }

            // x0..xk (count) -> y (count)
            @Override
            public void forward(boolean training, long seed) {
                t.add(count, x[0], x[1], y);
                for (int i = 2; i < k; i++) t.accumulate(count, x[i], y);
            }

            // dy (count) -> every dxi (count) +=
            @Override
            public void backward() {
                for (int i = 0; i < k; i++) {
                    if (dx[i] >= 0) t.accumulate(count, dy, dx[i]);
                }
            }
        };
    }

    @Override
    public Map<String, Object> toConfig() { return Map.of(); }
}
