package io.sparkcnn.model.layers;

import io.sparkcnn.model.backend.Backend;
import io.sparkcnn.model.backend.TensorOps;
import io.sparkcnn.model.tensor.Shape;

import java.util.List;
import java.util.Map;

/**
 * Channel concatenation of two or more inputs with the same spatial size:
 * (C0,...) + (C1,...) + ... -> (C0+C1+...,...), in the order the inputs are named.
 */
public record Concat() implements LayerSpec {

    @Override
    public String type() { return "concat"; }

    @Override
    public int arity() { return VARIADIC; }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape first = inputs.get(0);
        long channels = first.channels();
        for (int i = 1; i < inputs.size(); i++) {
            Shape s = inputs.get(i);
            if (s.rank() != first.rank() || !sameSpatial(first, s)) {
                throw new IllegalArgumentException("concat needs inputs with the same spatial size, got " + first + " and " + s
                        + " (input " + i + ")");
            }
            channels += s.channels();
        }
        return first.withChannels(Math.toIntExact(channels));
    }

    private static boolean sameSpatial(Shape a, Shape b) {
        for (int d = 1; d < a.rank(); d++) {
            if (a.dim(d) != b.dim(d)) return false;
        }
        return true;
    }

    @Override
    public LayerRuntime plan(LayerPlan plan) {
        int n = plan.batch();
        int k = plan.inputShapes().size();
        int spatial = plan.outputShape().spatialSize();
        int total = plan.outputShape().channels();
        int[] x = new int[k], dx = new int[k], channels = new int[k], offsets = new int[k];
        int at = 0;
        for (int i = 0; i < k; i++) {
            x[i] = plan.input(i);
            dx[i] = plan.inputGrad(i);
            channels[i] = plan.inputShapes().get(i).channels();
            offsets[i] = at;
            at += channels[i];
        }
        int y = plan.output(), dy = plan.outputGrad();
        return new LayerRuntime() {
            private TensorOps t;

            @Override
            public void bind(Backend backend) { t = backend.tensor(); }

            // xi (N,Ci,S) -> y (N,sum Ci,S) at channel offset sum of the earlier Ci
            @Override
            public void forward(boolean training, long seed) {
                for (int i = 0; i < k; i++) t.copyIntoChannels(n, channels[i], total, spatial, offsets[i], x[i], y);
            }

            // dy (N,sum Ci,S) slices -> dxi (N,Ci,S) +=
            @Override
            public void backward() {
                for (int i = 0; i < k; i++) {
                    if (dx[i] >= 0) t.accumulateFromChannels(n, channels[i], total, spatial, offsets[i], dy, dx[i]);
                }
            }
        };
    }

    @Override
    public Map<String, Object> toConfig() { return Map.of(); }
}
