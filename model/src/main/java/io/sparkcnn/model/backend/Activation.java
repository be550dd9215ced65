package io.sparkcnn.model.backend;

/** Pointwise activations; {@code alpha} is the negative slope of LEAKY_RELU. */
public enum Activation {
    RELU, LEAKY_RELU, SIGMOID, TANH
}
