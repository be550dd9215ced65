package io.sparkcnn.model.reference;

/**
 * One step of each torch.optim rule in double, written as the PyTorch docs' pseudo-code
 * (step t is 1-based; state arrays are updated in place).
 */
public final class NaiveOptimizers {
    private NaiveOptimizers() {}

    /** torch.optim.SGD: the momentum buffer starts as a copy of the first gradient. */
    public static void sgd(double[] p, double[] grad, double[] buf, int t, double lr, double momentum, double dampening,
                           boolean nesterov, double wd) {
        for (int i = 0; i < p.length; i++) {
            double g = grad[i] + wd * p[i];
            if (momentum != 0) {
                buf[i] = t == 1 ? g : momentum * buf[i] + (1 - dampening) * g;
                g = nesterov ? g + momentum * buf[i] : buf[i];
            }
            p[i] -= lr * g;
        }
    }

    public static void adagrad(double[] p, double[] grad, double[] sum, double lr, double eps, double wd) {
        for (int i = 0; i < p.length; i++) {
            double g = grad[i] + wd * p[i];
            sum[i] += g * g;
            p[i] -= lr * g / (Math.sqrt(sum[i]) + eps);
        }
    }

    /** buf may be null when momentum is 0. */
    public static void rmsprop(double[] p, double[] grad, double[] sq, double[] buf, double lr, double alpha, double eps,
                               double wd, double momentum) {
        for (int i = 0; i < p.length; i++) {
            double g = grad[i] + wd * p[i];
            sq[i] = alpha * sq[i] + (1 - alpha) * g * g;
            double u = g / (Math.sqrt(sq[i]) + eps);
            if (momentum > 0) {
                buf[i] = momentum * buf[i] + u;
                u = buf[i];
            }
            p[i] -= lr * u;
        }
    }

    /** Adam (L2 added to the gradient) or AdamW (decoupled: p *= 1 - lr wd first). */
    public static void adam(double[] p, double[] grad, double[] m, double[] v, int t, double lr, double b1, double b2,
                            double eps, double wd, boolean decoupled) {
        double bc1 = 1 - Math.pow(b1, t), bc2 = 1 - Math.pow(b2, t);
        for (int i = 0; i < p.length; i++) {
            double g = grad[i];
            if (decoupled) p[i] *= 1 - lr * wd;
            else g += wd * p[i];
            m[i] = b1 * m[i] + (1 - b1) * g;
            v[i] = b2 * v[i] + (1 - b2) * g * g;
            p[i] -= lr / bc1 * m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + eps);
        }
    }
}
