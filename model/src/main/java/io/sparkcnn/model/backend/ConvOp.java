package io.sparkcnn.model.backend;

/**
 * A convolution of fixed geometry. Also serves transposed convolution, whose forward is
 * this op's backwardData and whose backward is this op's forward.
 */
public interface ConvOp {
    ConvGeom geom();

    /** y (ACTS, N*K*OD*OH*OW) = conv(x (ACTS), w (PARAMS)) + b (PARAMS, K; b &lt; 0: none); accumulate adds into y. */
    void forward(int x, int w, int b, int y, boolean accumulate);

    /** dx (ACTS, N*C*D*H*W) += conv^T(dy (ACTS), w (PARAMS)). */
    void backwardData(int dy, int w, int dx);

    /** dw (GRADS, weightCount) += dy (ACTS) correlated with x (ACTS); db (GRADS, K; &lt; 0: none) += sum of dy. */
    void backwardWeights(int x, int dy, int dw, int db);
}
