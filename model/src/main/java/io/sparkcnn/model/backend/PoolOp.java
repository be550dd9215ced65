package io.sparkcnn.model.backend;

public interface PoolOp {
    PoolGeom geom();

    /**
     * y (ACTS) = pool(x (ACTS)). For max pooling, argmax (ACTS, one float per output) gets the
     * index within the example's channel plane of the first maximal input (ties: lowest index).
     */
    void forward(int x, int y, int argmax);

    /** dx (ACTS) += routed dy (ACTS); argmax is ignored for average pooling. */
    void backward(int dy, int argmax, int dx);
}
