package io.sparkcnn.model.backend;

/** Batch normalisation over (N, spatial) per channel of x (N,C,spatial). */
public interface BatchNormOp {
    /**
     * Training: normalises with the batch statistics, saves mean and 1/sqrt(var+eps)
     * (ACTS, C each) for backward, and updates the running mean and unbiased variance
     * (BUFFERS, C each) with {@code momentum} as PyTorch does: r = (1-m) r + m batch.
     * gamma, beta in PARAMS; x, y in ACTS.
     */
    void forwardTrain(int x, int gamma, int beta, int runMean, int runVar, int y, int saveMean, int saveInvStd);

    /** Evaluation: normalises with the running statistics. */
    void forwardEval(int x, int gamma, int beta, int runMean, int runVar, int y);

    /** dx (ACTS) +=, dgamma, dbeta (GRADS) += the batch-statistics gradients. */
    void backward(int x, int dy, int gamma, int saveMean, int saveInvStd, int dx, int dgamma, int dbeta);

    /**
     * The gradients of {@link #forwardEval}, where the running statistics (BUFFERS) are constants:
     * dx (ACTS) += dy * gamma / sqrt(runVar + eps); dgamma += sum dy * xhat, dbeta += sum dy (GRADS).
     * A frozen batch norm in evaluation mode with trainable layers before it needs this (fine-tuning),
     * and so does any gradient of an evaluation-mode network (Grad-CAM). dx < 0: no input gradient.
     */
    void backwardEval(int x, int dy, int gamma, int runMean, int runVar, int dx, int dgamma, int dbeta);
}
