package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.OptimizerOps;

/**
 * torch.optim's update rules over params[off, off+n), element-wise and split over threads.
 * Step constants (bias corrections) are computed in double once per call.
 *
 * <p>SGD: torch.optim sets the momentum buffer to the raw gradient on the first step
 * (no dampening). With a zeroed buffer, buf = m*0 + (1-dampening)*g equals that when the
 * caller passes dampening 0 on step 1, which is what the trainer does.
 */
final class CpuOptimizerOps implements OptimizerOps {
    /** Elements per thread below which a hand-off costs more than it saves. */
    private static final int GRAIN = 1 << 15;

    private final CpuContext ctx;

    private int off, s1, s2;
    private float lr, momentum, dampening, weightDecay, eps, alpha, beta1, beta2;
    private boolean nesterov, decoupled;
    private float stepSize, invSqrtBc2;

    private final RangeTask sgdTask = this::sgdRange;
    private final RangeTask adagradTask = this::adagradRange;
    private final RangeTask rmspropTask = this::rmspropRange;
    private final RangeTask adamTask = this::adamRange;

    CpuOptimizerOps(CpuContext ctx) { this.ctx = ctx; }

    @Override
    public void sgd(int off, int n, float lr, float momentum, float dampening, boolean nesterov, float weightDecay, int vel) {
        if (nesterov && (momentum <= 0f || dampening != 0f)) {
            throw new IllegalArgumentException("Nesterov momentum requires a momentum > 0 and zero dampening");
        }
        this.off = off;
        this.lr = lr;
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
        this.s1 = vel;
        ctx.parallelFor(n, GRAIN, sgdTask);
    }

    // g = grad + wd p; buf = m buf + (1-d) g; g = nesterov ? g + m buf : buf; p -= lr g
    private void sgdRange(int from, int to) {
        float[] p = ctx.array(Arena.PARAMS), gr = ctx.array(Arena.GRADS), st = ctx.array(Arena.OPT);
        float m = momentum, damp = 1f - dampening, wd = weightDecay, rate = lr;
        for (int i = from; i < to; i++) {
            int k = off + i;
            float g = gr[k] + wd * p[k];
            if (m != 0f) {
                float buf = m * st[s1 + i] + damp * g;
                st[s1 + i] = buf;
                g = nesterov ? g + m * buf : buf;
            }
            p[k] -= rate * g;
        }
    }

    @Override
    public void adagrad(int off, int n, float lr, float eps, float weightDecay, int acc) {
        this.off = off;
        this.lr = lr;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.s1 = acc;
        ctx.parallelFor(n, GRAIN, adagradTask);
    }

    // g = grad + wd p; sum += g^2; p -= lr g / (sqrt(sum) + eps)
    private void adagradRange(int from, int to) {
        float[] p = ctx.array(Arena.PARAMS), gr = ctx.array(Arena.GRADS), st = ctx.array(Arena.OPT);
        float wd = weightDecay, rate = lr, e = eps;
        for (int i = from; i < to; i++) {
            int k = off + i;
            float g = gr[k] + wd * p[k];
            float sum = st[s1 + i] + g * g;
            st[s1 + i] = sum;
            p[k] -= rate * g / ((float) Math.sqrt(sum) + e);
        }
    }

    @Override
    public void rmsprop(int off, int n, float lr, float alpha, float eps, float weightDecay, float momentum, int sq, int mom) {
        if (momentum > 0f && mom < 0) throw new IllegalArgumentException("RMSProp with momentum needs a momentum buffer");
        this.off = off;
        this.lr = lr;
        this.alpha = alpha;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.momentum = momentum;
        this.s1 = sq;
        this.s2 = mom;
        ctx.parallelFor(n, GRAIN, rmspropTask);
    }

    // g = grad + wd p; sq = a sq + (1-a) g^2; u = g / (sqrt(sq) + eps); buf = m buf + u; p -= lr (m > 0 ? buf : u)
    private void rmspropRange(int from, int to) {
        float[] p = ctx.array(Arena.PARAMS), gr = ctx.array(Arena.GRADS), st = ctx.array(Arena.OPT);
        float wd = weightDecay, rate = lr, e = eps, a = alpha, m = momentum;
        for (int i = from; i < to; i++) {
            int k = off + i;
            float g = gr[k] + wd * p[k];
            float sq = a * st[s1 + i] + (1f - a) * g * g;
            st[s1 + i] = sq;
            float u = g / ((float) Math.sqrt(sq) + e);
            if (m > 0f) {
                u = m * st[s2 + i] + u;
                st[s2 + i] = u;
            }
            p[k] -= rate * u;
        }
    }

    @Override
    public void adam(int off, int n, float lr, float beta1, float beta2, float eps, float weightDecay, boolean decoupled,
                     int t, int m, int v) {
        if (t < 1) throw new IllegalArgumentException("Adam's step count is 1-based, got " + t);
        this.off = off;
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
        this.s1 = m;
        this.s2 = v;
        this.stepSize = (float) (lr / (1.0 - Math.pow(beta1, t)));
        this.invSqrtBc2 = (float) (1.0 / Math.sqrt(1.0 - Math.pow(beta2, t)));
        ctx.parallelFor(n, GRAIN, adamTask);
    }

    // AdamW: p *= 1 - lr wd; Adam: g += wd p. m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
    // p -= lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps)
    private void adamRange(int from, int to) {
        float[] p = ctx.array(Arena.PARAMS), gr = ctx.array(Arena.GRADS), st = ctx.array(Arena.OPT);
        float b1 = beta1, b2 = beta2, e = eps, step = stepSize, rs = invSqrtBc2;
        float decay = decoupled ? 1f - lr * weightDecay : 1f;
        float l2 = decoupled ? 0f : weightDecay;
        for (int i = from; i < to; i++) {
            int k = off + i;
            float pk = p[k] * decay;
            float g = gr[k] + l2 * pk;
            float mk = b1 * st[s1 + i] + (1f - b1) * g;
            float vk = b2 * st[s2 + i] + (1f - b2) * g * g;
            st[s1 + i] = mk;
            st[s2 + i] = vk;
            p[k] = pk - step * mk / ((float) Math.sqrt(vk) * rs + e);
        }
    }
}
