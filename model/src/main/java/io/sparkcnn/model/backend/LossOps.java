package io.sparkcnn.model.backend;

/**
 * Losses. Each writes the mean loss of the batch to ACTS[lossOut] and adds its gradient
 * (already divided by the count the mean used) into the gradient arrays given.
 */
public interface LossOps {
    /**
     * Softmax cross-entropy over C classes at every one of S positions (S=1 for
     * classification, H*W per pixel for segmentation). logits (N,C,S), labels (N,S) as float
     * class indices; weights (ACTS, C; &lt; 0: all 1). Positions whose label equals
     * ignoreIndex add nothing. Mean = sum(w[label] * nll) / sum(w[label]) as in PyTorch.
     * Also writes the argmax class of each position to ACTS[predictions] when predictions &gt;= 0.
     */
    void softmaxCrossEntropy(int n, int classes, int spatial, int logits, int labels, int weights, int ignoreIndex,
                             int lossOut, int dlogits, int predictions);

    /** Sigmoid binary cross-entropy over count logits with 0/1 targets (numerically stable form). */
    void sigmoidBinaryCrossEntropy(int count, int logits, int targets, int lossOut, int dlogits);

    /** Mean squared error over count values. */
    void meanSquaredError(int count, int pred, int target, int lossOut, int dpred);

    /** Smooth L1 (Huber with transition beta, as PyTorch) over count values. */
    void smoothL1(int count, float beta, int pred, int target, int lossOut, int dpred);
}
