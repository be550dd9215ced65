package io.sparkcnn.jobs.train;

import java.util.Locale;

/**
 * train.outerOptimizer: what the driver does with the workers' mean model at the end of a
 * parameter-averaging round. NONE takes the mean as the next model (plain averaging). NESTEROV
 * treats the round's mean displacement as a gradient for an outer SGD step with Nesterov
 * momentum (SlowMo, Wang et al. 2020; DiLoCo, Douillard et al. 2023): with x the model
 * broadcast at the round's start and x̄ the workers' mean,
 * <pre>
 *   Δ = x − x̄        u ← β·u + Δ        x' = x − α·(β·u + Δ)
 * </pre>
 * With α = 1 and β = 0 it is plain averaging. Batch-norm running statistics and the averaged
 * inner optimizer state are averaged as before: only the parameters get the outer step.
 *
 * @param learningRate α, train.outerLearningRate
 * @param momentum     β, train.outerMomentum
 */
public record OuterOptimizer(Kind kind, float learningRate, float momentum) {

    public enum Kind {
        NONE, NESTEROV;

        public static Kind parse(String s) { return valueOf(s.trim().toUpperCase(Locale.ROOT)); }
    }

    /** Plain averaging. */
    public static final OuterOptimizer NONE = new OuterOptimizer(Kind.NONE, 1f, 0f);

    public OuterOptimizer {
        if (kind == null) throw new IllegalArgumentException("train.outerOptimizer is missing");
        if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
            throw new IllegalArgumentException("train.outerLearningRate must be > 0, got " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("train.outerMomentum must be in [0, 1), got " + momentum);
    }

    public boolean enabled() { return kind != Kind.NONE; }

    /** The momentum buffer of a run's start: zeros of the parameters' length, or none. */
    public float[] initialMomentum(int params) { return enabled() ? new float[params] : new float[0]; }

    /**
     * The outer Nesterov step, in place: {@code next} holds x̄ on entry and x' on return,
     * {@code u} the momentum buffer (updated). {@code start} is x, read only.
     */
    public void step(float[] start, float[] next, float[] u) {
        if (start.length != next.length || u.length != next.length) {
            throw new IllegalArgumentException("outer step over " + start.length + " parameters, the mean has " + next.length
                    + " and the momentum buffer " + u.length);
        }
        float a = learningRate, b = momentum;
        for (int i = 0; i < next.length; i++) {
            float delta = start[i] - next[i];
            float ui = b * u[i] + delta;
            u[i] = ui;
            next[i] = start[i] - a * (b * ui + delta);
        }
    }
}
