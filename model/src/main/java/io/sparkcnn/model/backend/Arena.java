package io.sparkcnn.model.backend;

/**
 * The five flat float arrays a network lives in (llm.c's habit: one array per role, layers
 * hold offsets into them). Every op argument documents which arena its offset points into.
 */
public enum Arena {
    /** Trainable parameters: what the driver averages and checkpoints. */
    PARAMS,
    /** Gradients, same layout as PARAMS. */
    GRADS,
    /** Non-trainable state saved with the model: batch-norm running mean and variance. */
    BUFFERS,
    /** Activations, their gradients, per-layer caches, inputs, labels and the loss. */
    ACTS,
    /** Optimizer state (momentum, Adam moments), a whole multiple of PARAMS' length. */
    OPT
}
