package io.sparkcnn.model.backend;

/** Element-wise and layout ops on ACTS unless the arena is named. */
public interface TensorOps {
    /** arena[off .. off+n) = value. */
    void fill(Arena a, int off, int n, float value);

    /** arena[off .. off+n) *= s. */
    void scale(Arena a, int off, int n, float s);

    /** Sum of squares of arena[off .. off+n), accumulated in double, written to ACTS[out]. */
    void sumSquares(Arena a, int off, int n, int out);

    /** dst = src (n elements). */
    void copy(int n, int src, int dst);

    /** y = a + b (n elements). */
    void add(int n, int a, int b, int y);

    /** dst += src (n elements). */
    void accumulate(int n, int src, int dst);

    /** y (N,C,S) += bias (PARAMS, C) broadcast over S. */
    void addBias(int n, int channels, int spatial, int bias, int y);

    /** db (GRADS, C) += sum over N and S of dy (N,C,S). */
    void biasGrad(int n, int channels, int spatial, int dy, int db);

    /**
     * Channel concatenation: for each example, src (srcC,S) is copied into channels
     * [channelOffset, channelOffset+srcC) of dst (dstC,S). Forward of Concat.
     */
    void copyIntoChannels(int n, int srcC, int dstC, int spatial, int channelOffset, int src, int dst);

    /** Backward of {@link #copyIntoChannels}: dsrc (srcC,S) += the slice of ddst (dstC,S). */
    void accumulateFromChannels(int n, int srcC, int dstC, int spatial, int channelOffset, int ddst, int dsrc);

    /**
     * Inverted dropout: mask (ACTS) = keep ? 1/(1-p) : 0, y = x * mask. The keep decision for
     * element i is a pure function of (seed, i) ({@link DropoutHash}) so every backend draws
     * the same mask.
     */
    void dropoutForward(int n, float p, long seed, int x, int mask, int y);

    /** dx += dy * mask. */
    void dropoutBackward(int n, int mask, int dy, int dx);

    /** Nearest or bilinear (align_corners=false, as PyTorch) upsampling of x (N,C,H,W) by integer factors. */
    void upsampleForward(boolean bilinear, int n, int c, int h, int w, int scaleH, int scaleW, int x, int y);

    /** dx += adjoint of the upsampling applied to dy. */
    void upsampleBackward(boolean bilinear, int n, int c, int h, int w, int scaleH, int scaleW, int dy, int dx);
}
