package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.DenseOp;

/** A fully connected layer as three SGEMMs: x (N,IN), W (OUT,IN), b (OUT), y (N,OUT). */
public final class CpuDenseOp implements DenseOp {
    private final CpuContext ctx;
    private final int batch, in, out;

    private int loopA, loopB;
    private final RangeTask biasFillTask = this::biasFillRange;
    private final RangeTask biasGradTask = this::biasGradRange;

    public CpuDenseOp(CpuContext ctx, int batch, int inFeatures, int outFeatures) {
        if (batch <= 0 || inFeatures <= 0 || outFeatures <= 0) {
            throw new IllegalArgumentException("dense sizes must be positive, got batch=" + batch + " in=" + inFeatures + " out=" + outFeatures);
        }
        this.ctx = ctx;
        this.batch = batch;
        this.in = inFeatures;
        this.out = outFeatures;
    }

    // x (N,IN) -> y (N,OUT) = x W^T + b
    @Override
    public void forward(int x, int w, int b, int y) {
        float[] acts = ctx.array(Arena.ACTS), params = ctx.array(Arena.PARAMS);
        if (b >= 0) {
            loopA = b;
            loopB = y;
            ctx.parallelFor(batch, Math.max(1, 16_384 / out), biasFillTask);
        }
        Blas.sgemm(false, true, batch, out, in, 1f, acts, x, in, params, w, in, b >= 0 ? 1f : 0f, acts, y, out);
    }

    private void biasFillRange(int from, int to) {
        float[] acts = ctx.array(Arena.ACTS), params = ctx.array(Arena.PARAMS);
        for (int n = from; n < to; n++) System.arraycopy(params, loopA, acts, loopB + n * out, out);
    }

    // dy (N,OUT) -> dx (N,IN) += dy W
    @Override
    public void backwardData(int dy, int w, int dx) {
        float[] acts = ctx.array(Arena.ACTS), params = ctx.array(Arena.PARAMS);
        Blas.sgemm(false, false, batch, in, out, 1f, acts, dy, out, params, w, in, 1f, acts, dx, in);
    }

    // dw (OUT,IN) += dy^T x; db (OUT) += column sums of dy
    @Override
    public void backwardWeights(int x, int dy, int dw, int db) {
        float[] acts = ctx.array(Arena.ACTS), grads = ctx.array(Arena.GRADS);
        Blas.sgemm(true, false, out, in, batch, 1f, acts, dy, out, acts, x, in, 1f, grads, dw, in);
        if (db >= 0) {
            loopA = dy;
            loopB = db;
            ctx.parallelFor(out, Math.max(1, 16_384 / batch), biasGradTask);
        }
    }

    // item = output feature o: db[o] += sum over the batch of dy[n,o]
    private void biasGradRange(int from, int to) {
        float[] acts = ctx.array(Arena.ACTS), grads = ctx.array(Arena.GRADS);
        for (int o = from; o < to; o++) {
            float sum = 0f;
            for (int n = 0; n < batch; n++) sum += acts[loopA + n * out + o];
            grads[loopB + o] += sum;
        }
    }
}
