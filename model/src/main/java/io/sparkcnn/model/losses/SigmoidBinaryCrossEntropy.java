package io.sparkcnn.model.losses;

import io.sparkcnn.model.graph.LossPlan;
import io.sparkcnn.model.graph.LossRuntime;
import io.sparkcnn.model.graph.LossSpec;
import io.sparkcnn.model.tensor.Shape;

import java.util.Map;

/**
 * Binary cross-entropy on logits (PyTorch's BCEWithLogitsLoss, mean over every value): one
 * target in [0, 1] per output value, for multi-label classification and binary masks.
 */
public record SigmoidBinaryCrossEntropy() implements LossSpec {

    @Override
    public String type() { return "sigmoid_binary_cross_entropy"; }

    @Override
    public int targetSize(Shape output) { return output.size(); }

    @Override
    public LossRuntime plan(LossPlan p) {
        return new ElementwiseLoss(p, (ops, n, q) -> ops.sigmoidBinaryCrossEntropy(n, q.output(), q.targets(), q.lossOut(), q.outputGrad()));
    }

    @Override
    public Map<String, Object> toConfig() { return Map.of(); }
}
