package io.sparkcnn.model.losses;

import io.sparkcnn.model.graph.LossPlan;
import io.sparkcnn.model.graph.LossRuntime;
import io.sparkcnn.model.graph.LossSpec;
import io.sparkcnn.model.tensor.Shape;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Smooth L1 (PyTorch's SmoothL1Loss, mean reduction): 0.5 d^2 / beta where |d| &lt; beta,
 * |d| - 0.5 beta elsewhere; beta 0 is plain L1. One target per output value (box regression).
 */
public record SmoothL1(float beta) implements LossSpec {

    public static final float DEFAULT_BETA = 1f;

    public SmoothL1 {
        if (!(beta >= 0f) || Float.isInfinite(beta)) throw new IllegalArgumentException("smooth L1 beta must be >= 0 and finite, got " + beta);
    }

    public SmoothL1() { this(DEFAULT_BETA); }

    /** The loss of one difference d = prediction - target (the formula every backend implements). */
    public static double value(double d, double beta) {
        double ad = Math.abs(d);
        return ad < beta ? 0.5 * d * d / beta : ad - 0.5 * beta;
    }

    /** d value / d d: d / beta inside the quadratic zone, sign(d) outside. */
    public static double derivative(double d, double beta) {
        return Math.abs(d) < beta ? d / beta : Math.signum(d);
    }

    @Override
    public String type() { return "smooth_l1"; }

    @Override
    public int targetSize(Shape output) { return output.size(); }

    @Override
    public LossRuntime plan(LossPlan p) {
        return new ElementwiseLoss(p, (ops, n, q) -> ops.smoothL1(n, beta, q.output(), q.targets(), q.lossOut(), q.outputGrad()));
    }

    @Override
    public Map<String, Object> toConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("beta", (double) beta);
        return m;
    }
}
