package io.sparkcnn.model.layers;

import io.sparkcnn.model.tensor.Shape;

import java.util.List;

/**
 * What a layer sees while the network is laid out: its shapes and the ACTS offsets of its
 * inputs, output and their gradients, plus allocators for its parameters, buffers and
 * caches. Input gradient offsets are -1 where no gradient is needed (the network input).
 */
public interface LayerPlan {
    String name();

    int batch();

    List<Shape> inputShapes();

    default Shape inputShape() { return inputShapes().get(0); }

    Shape outputShape();

    /** ACTS offset of input i. */
    int input(int i);

    /** ACTS offset of the gradient of input i, or -1 when it needs none. */
    int inputGrad(int i);

    /** ACTS offset of this layer's output (batch * outputShape().size() floats). */
    int output();

    /** ACTS offset of the gradient of this layer's output. */
    int outputGrad();

    /** Reserves n trainable parameters (PARAMS; GRADS at the same offset) initialised by init. */
    int params(int n, Init init);

    /** Reserves n saved buffers (BUFFERS) starting at value. */
    int buffers(int n, float value);

    /** Reserves n floats of per-step cache in ACTS. */
    int cache(int n);
}
