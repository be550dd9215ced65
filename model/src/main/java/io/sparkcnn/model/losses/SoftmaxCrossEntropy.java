package io.sparkcnn.model.losses;

import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.Backend;
import io.sparkcnn.model.backend.LossOps;
import io.sparkcnn.model.graph.LossPlan;
import io.sparkcnn.model.graph.LossRuntime;
import io.sparkcnn.model.graph.LossSpec;
import io.sparkcnn.model.tensor.Shape;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Softmax cross-entropy over the channel axis: (C) logits per example for classification,
 * (C,H,W) per pixel for segmentation; targets are class indices (one per position).
 * Optional class weights and an ignore index, as PyTorch's CrossEntropyLoss.
 */
public record SoftmaxCrossEntropy(float[] classWeights, int ignoreIndex) implements LossSpec {

    public static final int NO_IGNORE = Integer.MIN_VALUE;

    public SoftmaxCrossEntropy() { this(null, NO_IGNORE); }

    @Override
    public String type() { return "softmax_cross_entropy"; }

    @Override
    public int targetSize(Shape output) {
        if (classWeights != null && classWeights.length != output.channels()) {
            throw new IllegalArgumentException(classWeights.length + " class weights for " + output.channels() + " classes");
        }
        if (output.channels() < 2) throw new IllegalArgumentException("needs at least 2 classes");
        return output.spatialSize();
    }

    @Override
    public LossRuntime plan(LossPlan p) {
        int classes = p.outputShape().channels();
        int spatial = p.outputShape().spatialSize();
        int weights = classWeights == null ? -1 : p.cache().cache(classes);
        return new LossRuntime() {
            private LossOps ops;

            @Override
            public void bind(Backend backend) {
                ops = backend.loss();
                if (weights >= 0) backend.upload(Arena.ACTS, weights, classWeights, 0, classes);
            }

            @Override
            public void compute() {
                ops.softmaxCrossEntropy(p.batch(), classes, spatial, p.output(), p.targets(), weights, ignoreIndex,
                        p.lossOut(), p.outputGrad(), -1);
            }
        };
    }

    @Override
    public Map<String, Object> toConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (classWeights != null) {
            Double[] w = new Double[classWeights.length];
            for (int i = 0; i < w.length; i++) w[i] = (double) classWeights[i];
            m.put("class_weights", List.of(w));
        }
        if (ignoreIndex != NO_IGNORE) m.put("ignore_index", ignoreIndex);
        return m;
    }
}
