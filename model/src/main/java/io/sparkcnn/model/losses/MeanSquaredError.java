package io.sparkcnn.model.losses;

import io.sparkcnn.model.graph.LossPlan;
import io.sparkcnn.model.graph.LossRuntime;
import io.sparkcnn.model.graph.LossSpec;
import io.sparkcnn.model.tensor.Shape;

import java.util.Map;

/** Mean squared error over every output value (PyTorch's MSELoss, mean reduction); one target per value. */
public record MeanSquaredError() implements LossSpec {

    @Override
    public String type() { return "mean_squared_error"; }

    @Override
    public int targetSize(Shape output) { return output.size(); }

    @Override
    public LossRuntime plan(LossPlan p) {
        return new ElementwiseLoss(p, (ops, n, q) -> ops.meanSquaredError(n, q.output(), q.targets(), q.lossOut(), q.outputGrad()));
    }

    @Override
    public Map<String, Object> toConfig() { return Map.of(); }
}
