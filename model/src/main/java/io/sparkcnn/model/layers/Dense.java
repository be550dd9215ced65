package io.sparkcnn.model.layers;

import io.sparkcnn.model.backend.Backend;
import io.sparkcnn.model.backend.DenseOp;
import io.sparkcnn.model.tensor.Shape;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Fully connected: in (N,F) -> out (N,units); weights (units,F), bias (units). Higher-rank inputs are read flat. */
public record Dense(int units, boolean bias) implements LayerSpec {

    public Dense {
        if (units <= 0) throw new IllegalArgumentException("units must be positive, got " + units);
    }

    public Dense(int units) { this(units, true); }

    @Override
    public String type() { return "dense"; }

    @Override
    public Shape outputShape(List<Shape> inputs) { return Shape.of(units); }

    @Override
    public long paramCount(List<Shape> inputs) {
        return (long) inputs.get(0).size() * units + (bias ? units : 0);
    }

    @Override
    public long flops(List<Shape> inputs) { return 2L * inputs.get(0).size() * units; }

    @Override
    public LayerRuntime plan(LayerPlan plan) {
        int in = plan.inputShape().size();
        int w = plan.params(in * units, Init.he(in));
        int b = bias ? plan.params(units, Init.zeros()) : -1;
        return new Runtime(plan.batch(), in, units, plan.input(0), plan.inputGrad(0), plan.output(), plan.outputGrad(), w, b);
    }

    @Override
    public Map<String, Object> toConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("units", units);
        m.put("bias", bias);
        return m;
    }

    private static final class Runtime implements LayerRuntime {
        private final int n, in, out, x, dx, y, dy, w, b;
        private DenseOp op;

        Runtime(int n, int in, int out, int x, int dx, int y, int dy, int w, int b) {
            this.n = n;
            this.in = in;
            this.out = out;
            this.x = x;
            this.dx = dx;
            this.y = y;
            this.dy = dy;
            this.w = w;
            this.b = b;
        }

        @Override
        public void bind(Backend backend) { op = backend.dense(n, in, out); }

        @Override
        public void forward(boolean training, long seed) { op.forward(x, w, b, y); }

        @Override
        public void backward() {
            op.backwardWeights(x, dy, w, b);
            if (dx >= 0) op.backwardData(dy, w, dx);
        }
    }
}
