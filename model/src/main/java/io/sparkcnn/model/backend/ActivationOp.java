package io.sparkcnn.model.backend;

public interface ActivationOp {
    /** y (ACTS) = f(x (ACTS)) over {@code count} elements. */
    void forward(int x, int y);

    /** dx (ACTS) += f'(x) * dy, using x or y (ACTS) as the function needs. */
    void backward(int x, int y, int dy, int dx);
}
