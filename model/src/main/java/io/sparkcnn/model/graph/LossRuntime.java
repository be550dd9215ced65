package io.sparkcnn.model.graph;

import io.sparkcnn.model.backend.Backend;

/** A planned loss: computes the mean loss into ACTS and adds its gradient into the output's gradient. */
public interface LossRuntime {
    void bind(Backend backend);

    void compute();
}
