package io.sparkcnn.model.graph;

import io.sparkcnn.model.tensor.Shape;

import java.util.Map;

/** The loss applied to the network's last node. */
public interface LossSpec {
    String type();

    /**
     * Floats of target per example for this output shape (1 class index for classification,
     * H*W class indices per pixel, the output's size for regression). Throws
     * {@link IllegalArgumentException} when the loss does not fit the output.
     */
    int targetSize(Shape output);

    LossRuntime plan(LossPlan plan);

    Map<String, Object> toConfig();
}
