package io.sparkcnn.model.layers;

import io.sparkcnn.model.tensor.Shape;

import java.util.List;
import java.util.Map;

/**
 * The immutable description of a layer (Spark ml/ann's Layer, darknet's make_*_layer):
 * shape inference, parameter count and FLOPs without any memory, and a runtime planned
 * from it. Specs are written to checkpoints and config files through {@link #toConfig()}.
 */
public interface LayerSpec {

    /** The config name of this layer type, e.g. "conv2d". */
    String type();

    /** How many inputs the layer takes: 1 for most, {@link #VARIADIC} for add and concat. */
    default int arity() { return 1; }

    int VARIADIC = -1;

    /**
     * The output shape for these input shapes. Throws {@link IllegalArgumentException} with
     * the offending shapes when they do not fit; the caller adds the layer's name.
     */
    Shape outputShape(List<Shape> inputs);

    /** Trainable parameters. */
    default long paramCount(List<Shape> inputs) { return 0; }

    /** Non-trainable saved state (batch-norm running statistics). */
    default long bufferCount(List<Shape> inputs) { return 0; }

    /** Forward floating point operations per example (a multiply-add counts 2). */
    default long flops(List<Shape> inputs) { return 0; }

    /** Reserves this layer's parameters and caches and returns its runtime. */
    LayerRuntime plan(LayerPlan plan);

    /** The layer's settings without its name and inputs; "type" is added by the writer. */
    Map<String, Object> toConfig();
}
