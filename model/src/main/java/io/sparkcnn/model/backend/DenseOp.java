package io.sparkcnn.model.backend;

/** A fully connected layer: x (N,IN), weights (OUT,IN) as in PyTorch, bias (OUT), y (N,OUT). */
public interface DenseOp {
    /** y (ACTS) = x (ACTS) W^T (PARAMS) + b (PARAMS; &lt; 0: none). */
    void forward(int x, int w, int b, int y);

    /** dx (ACTS) += dy (ACTS) W (PARAMS). */
    void backwardData(int dy, int w, int dx);

    /** dw (GRADS) += dy^T x; db (GRADS; &lt; 0: none) += column sums of dy. */
    void backwardWeights(int x, int dy, int dw, int db);
}
