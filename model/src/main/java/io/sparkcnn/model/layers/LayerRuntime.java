package io.sparkcnn.model.layers;

import io.sparkcnn.model.backend.Backend;

/**
 * A planned layer: holds its offsets (from {@link LayerPlan}) and the backend ops it uses.
 * Forward overwrites the layer's output; backward adds into its inputs' gradients and into
 * the parameter gradients.
 */
public interface LayerRuntime {

    /** Creates the backend ops; called once after the arenas exist. */
    void bind(Backend backend);

    /** @param seed a value unique to this step and layer, for dropout masks */
    void forward(boolean training, long seed);

    void backward();
}
