package io.sparkcnn.model.backend;

/**
 * In-place parameter updates over params[off, off+n) with gradients at the same offsets of
 * GRADS and state in OPT. Semantics follow PyTorch's torch.optim of the same names.
 */
public interface OptimizerOps {
    /** SGD with momentum (velocity in OPT at vel), optional Nesterov, L2 weight decay added to the gradient. */
    void sgd(int off, int n, float lr, float momentum, float dampening, boolean nesterov, float weightDecay, int vel);

    /** AdaGrad: sum of squares in OPT at acc. */
    void adagrad(int off, int n, float lr, float eps, float weightDecay, int acc);

    /** RMSProp (no centring): square average in OPT at sq, optional momentum buffer at mom (&lt; 0: none). */
    void rmsprop(int off, int n, float lr, float alpha, float eps, float weightDecay, float momentum, int sq, int mom);

    /**
     * Adam or AdamW (decoupled weight decay) at step t (1-based) with first and second
     * moments in OPT at m and v.
     */
    void adam(int off, int n, float lr, float beta1, float beta2, float eps, float weightDecay, boolean decoupled,
              int t, int m, int v);
}
