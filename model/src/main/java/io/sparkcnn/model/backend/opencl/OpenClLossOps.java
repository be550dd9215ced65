package io.sparkcnn.model.backend.opencl;

import io.sparkcnn.model.backend.LossOps;

import static io.sparkcnn.model.backend.opencl.DeviceProgram.*;

/**
 * Losses in passes: per-work-group partial sums into the scratch (reduced in local memory),
 * one work-group that adds the partials and writes the mean loss, and for softmax
 * cross-entropy a gradient pass that needs the weight total of the whole batch.
 */
final class OpenClLossOps implements LossOps {
    private final ProgramHost host;
    private final DeviceProgram p;

    OpenClLossOps(ProgramHost host) {
        this.host = host;
        this.p = host.program;
    }

    // logits (N,C,S), labels (N,S) -> loss, dlogits (N,C,S) +=, predictions (N,S)
    @Override
    public void softmaxCrossEntropy(int n, int classes, int spatial, int logits, int labels, int weights, int ignoreIndex,
                                    int lossOut, int dlogits, int predictions) {
        int positions = n * spatial;
        p.n = positions; p.i0 = classes; p.i1 = spatial; p.i2 = ignoreIndex;
        p.o0 = logits; p.o1 = labels; p.o2 = weights; p.o3 = predictions;
        host.launch(OP_CE_PARTIAL, host.reduceRange(positions), "softmax cross-entropy");
        p.i3 = host.partials(positions); p.i4 = 1; p.o4 = lossOut;
        host.launch(OP_LOSS_FINAL, host.oneGroup(), "softmax cross-entropy (mean)");
        if (dlogits >= 0) {
            p.i0 = classes; p.i1 = spatial; p.i2 = ignoreIndex;
            p.o0 = logits; p.o1 = labels; p.o2 = weights; p.o5 = dlogits;
            host.launch(OP_CE_GRAD, host.range1d(positions), "softmax cross-entropy gradient");
        }
    }

    @Override
    public void sigmoidBinaryCrossEntropy(int count, int logits, int targets, int lossOut, int dlogits) {
        elementwise(OP_BCE, "sigmoid binary cross-entropy", count, 0f, logits, targets, lossOut, dlogits);
    }

    @Override
    public void meanSquaredError(int count, int pred, int target, int lossOut, int dpred) {
        elementwise(OP_MSE, "mean squared error", count, 0f, pred, target, lossOut, dpred);
    }

    @Override
    public void smoothL1(int count, float beta, int pred, int target, int lossOut, int dpred) {
        elementwise(OP_SMOOTH_L1, "smooth L1", count, beta, pred, target, lossOut, dpred);
    }

    // pred (count), target (count) -> loss = mean, dpred (count) += d loss / d pred
    private void elementwise(int op, String name, int count, float beta, int pred, int target, int lossOut, int dpred) {
        p.n = count; p.f0 = count; p.f1 = beta;
        p.o0 = pred; p.o1 = target; p.o5 = dpred;
        host.launch(op, host.reduceRange(count), name);
        p.i3 = host.partials(count); p.i4 = 0; p.f0 = count; p.o4 = lossOut;
        host.launch(OP_LOSS_FINAL, host.oneGroup(), "loss mean");
    }
}
