package io.sparkcnn.model.detect;

import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.Backend;
import io.sparkcnn.model.graph.LossPlan;
import io.sparkcnn.model.graph.LossRuntime;

/**
 * A detection loss computed on the host: the head's output, targets and gradient come down once per step,
 * the anchor-major loss runs in double ({@link MultiBoxLoss}), and its gradient is added into the
 * output gradient and sent back. Hard-negative mining sorts per image, which no backend op does;
 * on a device the transfer is the head's output and gradient per step. Every buffer is allocated at plan time.
 */
abstract class HostHeadLoss implements LossRuntime {
    final LossPlan plan;
    final int batch, outSize, targetSize;
    final float[] out, targets, grad;
    private final float[] lossValue = new float[1];
    private Backend backend;

    HostHeadLoss(LossPlan plan, int outSize, int targetSize) {
        this.plan = plan;
        this.batch = plan.batch();
        this.outSize = outSize;
        this.targetSize = targetSize;
        out = new float[batch * outSize];
        targets = new float[batch * targetSize];
        grad = new float[batch * outSize];
    }

    @Override
    public void bind(Backend backend) { this.backend = backend; }

    @Override
    public void compute() {
        backend.download(Arena.ACTS, plan.output(), out, 0, out.length);
        backend.download(Arena.ACTS, plan.targets(), targets, 0, targets.length);
        boolean wantsGrad = plan.outputGrad() >= 0;
        if (wantsGrad) backend.download(Arena.ACTS, plan.outputGrad(), grad, 0, grad.length);
        lossValue[0] = (float) loss(wantsGrad);
        if (wantsGrad) backend.upload(Arena.ACTS, plan.outputGrad(), grad, 0, grad.length);
        backend.upload(Arena.ACTS, plan.lossOut(), lossValue, 0, 1);
    }

    /** The mean loss from out and targets; when wantsGrad, adds the gradient into grad (head layout). */
    abstract double loss(boolean wantsGrad);
}
