package io.sparkcnn.model.losses;

import io.sparkcnn.model.backend.Backend;
import io.sparkcnn.model.backend.LossOps;
import io.sparkcnn.model.graph.LossPlan;
import io.sparkcnn.model.graph.LossRuntime;

/** The runtime shared by losses with one target per output value (BCE, MSE, smooth L1). */
final class ElementwiseLoss implements LossRuntime {
    /** One loss op call over count values at the plan's offsets. */
    @FunctionalInterface
    interface Call {
        void compute(LossOps ops, int count, LossPlan plan);
    }

    private final LossPlan plan;
    private final int count;
    private final Call call;
    private LossOps ops;

    ElementwiseLoss(LossPlan plan, Call call) {
        this.plan = plan;
        this.count = plan.batch() * plan.outputShape().size();
        this.call = call;
    }

    @Override
    public void bind(Backend backend) { ops = backend.loss(); }

    @Override
    public void compute() { call.compute(ops, count, plan); }
}
