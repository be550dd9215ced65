package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.BatchNormOp;

/**
 * Batch normalisation of x (N,C,S) per channel, one channel per loop index. Statistics are
 * summed around a shift (the channel's first value), which keeps the one-pass variance exact
 * enough for inputs whose mean is large against their spread; each row of S values sums in
 * four float lanes (so the loop is not bound by add latency) and rows add up in double.
 * Running statistics follow PyTorch: r = (1-m) r + m batch, with the unbiased batch variance.
 * Where the JVM has the Vector API the loops over a channel are {@link BatchNormVectors}' (the same
 * sums, 8 or 16 lanes a row); the scalar ones below stay for JVMs without it.
 */
final class CpuBatchNormOp implements BatchNormOp {
    /** Values per thread below which a hand-off costs more than it saves. */
    private static final int GRAIN_VALUES = 1 << 14;

    private final CpuContext ctx;
    private final int n, c, s, m, grain;
    private final float eps, momentum;
    private final boolean vectors;
    /** Per channel, the two sums of its statistics or gradients: each thread writes its own channels' slots. */
    private final double[] sums;

    private int x, y, gamma, beta, runMean, runVar, saveMean, saveInvStd, dy, dx, dgamma, dbeta;
    private final RangeTask trainTask = this::trainChannels;
    private final RangeTask evalTask = this::evalChannels;
    private final RangeTask backwardTask = this::backwardChannels;
    private final RangeTask backwardEvalTask = this::backwardEvalChannels;

    CpuBatchNormOp(CpuContext ctx, int batch, int channels, int spatial, float eps, float momentum) {
        this(ctx, batch, channels, spatial, eps, momentum, VectorApi.available());
    }

    /** vectors: whether to run BatchNormVectors' loops (tests run both). */
    CpuBatchNormOp(CpuContext ctx, int batch, int channels, int spatial, float eps, float momentum, boolean vectors) {
        if (batch <= 0 || channels <= 0 || spatial <= 0) {
            throw new IllegalArgumentException("batch norm of (N=" + batch + ",C=" + channels + ",S=" + spatial + ") needs positive sizes");
        }
        this.ctx = ctx;
        this.n = batch;
        this.c = channels;
        this.s = spatial;
        this.m = batch * spatial;
        this.eps = eps;
        this.momentum = momentum;
        this.grain = Math.max(1, GRAIN_VALUES / m);
        if (vectors && !VectorApi.available()) throw new IllegalStateException("the Vector API is not in this JVM: " + VectorApi.description());
        this.vectors = vectors;
        this.sums = new double[2 * channels];
    }

    @Override
    public void forwardTrain(int x, int gamma, int beta, int runMean, int runVar, int y, int saveMean, int saveInvStd) {
        if (m < 2) {
            throw new IllegalStateException("batch norm in training needs more than one value per channel, got N=" + n + " S=" + s);
        }
        this.x = x;
        this.gamma = gamma;
        this.beta = beta;
        this.runMean = runMean;
        this.runVar = runVar;
        this.y = y;
        this.saveMean = saveMean;
        this.saveInvStd = saveInvStd;
        ctx.parallelFor(c, grain, trainTask);
    }

    @Override
    public void forwardEval(int x, int gamma, int beta, int runMean, int runVar, int y) {
        this.x = x;
        this.gamma = gamma;
        this.beta = beta;
        this.runMean = runMean;
        this.runVar = runVar;
        this.y = y;
        ctx.parallelFor(c, grain, evalTask);
    }

    @Override
    public void backward(int x, int dy, int gamma, int saveMean, int saveInvStd, int dx, int dgamma, int dbeta) {
        this.x = x;
        this.dy = dy;
        this.gamma = gamma;
        this.saveMean = saveMean;
        this.saveInvStd = saveInvStd;
        this.dx = dx;
        this.dgamma = dgamma;
        this.dbeta = dbeta;
        ctx.parallelFor(c, grain, backwardTask);
    }

    @Override
    public void backwardEval(int x, int dy, int gamma, int runMean, int runVar, int dx, int dgamma, int dbeta) {
        this.x = x;
        this.dy = dy;
        this.gamma = gamma;
        this.runMean = runMean;
        this.runVar = runVar;
        this.dx = dx;
        this.dgamma = dgamma;
        this.dbeta = dbeta;
        ctx.parallelFor(c, grain, backwardEvalTask);
    }

    // x (N,C,S) -> y (N,C,S), saveMean/saveInvStd (C), running stats (C) updated
    private void trainChannels(int from, int to) {
        float[] a = ctx.array(Arena.ACTS);
        float[] p = ctx.array(Arena.PARAMS);
        float[] buf = ctx.array(Arena.BUFFERS);
        int stride = c * s;
        for (int ch = from; ch < to; ch++) {
            int base = x + ch * s;
            float shift = a[base];
            if (vectors) BatchNormVectors.centredSums(a, base, n, s, stride, shift, sums, 2 * ch);
            else centredSums(a, base, stride, shift, 2 * ch);
            double sum = sums[2 * ch], sumSq = sums[2 * ch + 1];
            double meanShifted = sum / m;
            double var = Math.max(0.0, sumSq / m - meanShifted * meanShifted);
            double mean = shift + meanShifted;
            float invStd = (float) (1.0 / Math.sqrt(var + eps));
            a[saveMean + ch] = (float) mean;
            a[saveInvStd + ch] = invStd;
            buf[runMean + ch] = (float) ((1.0 - momentum) * buf[runMean + ch] + momentum * mean);
            buf[runVar + ch] = (float) ((1.0 - momentum) * buf[runVar + ch] + momentum * var * m / (m - 1));
            normalise(a, ch, (float) mean, invStd, p[gamma + ch], p[beta + ch]);
        }
    }

    /** sums[at] = sum of (x - shift), sums[at + 1] = its squares, over the channel from base. */
    private void centredSums(float[] a, int base, int stride, float shift, int at) {
        double sum = 0, sumSq = 0;
        for (int i = 0; i < n; i++) {
            // four float lanes per row break the add-latency chain; rows fold into double
            int row = base + i * stride, j = 0;
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, q0 = 0f, q1 = 0f, q2 = 0f, q3 = 0f;
            for (; j + 3 < s; j += 4) {
                float d0 = a[row + j] - shift, d1 = a[row + j + 1] - shift;
                float d2 = a[row + j + 2] - shift, d3 = a[row + j + 3] - shift;
                s0 += d0;
                s1 += d1;
                s2 += d2;
                s3 += d3;
                q0 += d0 * d0;
                q1 += d1 * d1;
                q2 += d2 * d2;
                q3 += d3 * d3;
            }
            for (; j < s; j++) {
                float d = a[row + j] - shift;
                s0 += d;
                q0 += d * d;
            }
            sum += (double) s0 + s1 + s2 + s3;
            sumSq += (double) q0 + q1 + q2 + q3;
        }
        sums[at] = sum;
        sums[at + 1] = sumSq;
    }

    // x (N,C,S) -> y (N,C,S) with the running statistics
    private void evalChannels(int from, int to) {
        float[] a = ctx.array(Arena.ACTS);
        float[] p = ctx.array(Arena.PARAMS);
        float[] buf = ctx.array(Arena.BUFFERS);
        for (int ch = from; ch < to; ch++) {
            float invStd = (float) (1.0 / Math.sqrt((double) buf[runVar + ch] + eps));
            normalise(a, ch, buf[runMean + ch], invStd, p[gamma + ch], p[beta + ch]);
        }
    }

    /** y = (x - mean) * invStd * gamma + beta over one channel, as one multiply-add per value. */
    private void normalise(float[] a, int ch, float mean, float invStd, float gammaC, float betaC) {
        float scale = invStd * gammaC;
        float offset = betaC - mean * scale;
        int stride = c * s;
        if (vectors) {
            BatchNormVectors.scaleShift(a, x + ch * s, y + ch * s, n, s, stride, scale, offset);
            return;
        }
        for (int i = 0; i < n; i++) {
            int xi = x + ch * s + i * stride;
            int yi = y + ch * s + i * stride;
            for (int j = 0; j < s; j++) a[yi + j] = a[xi + j] * scale + offset;
        }
    }

    // x, dy (N,C,S) -> dx (N,C,S) +=, dgamma, dbeta (C) +=, with the running statistics as constants
    private void backwardEvalChannels(int from, int to) {
        float[] a = ctx.array(Arena.ACTS);
        float[] p = ctx.array(Arena.PARAMS);
        float[] gr = ctx.array(Arena.GRADS);
        float[] buf = ctx.array(Arena.BUFFERS);
        int stride = c * s;
        for (int ch = from; ch < to; ch++) {
            float mean = buf[runMean + ch];
            float invStd = (float) (1.0 / Math.sqrt((double) buf[runVar + ch] + eps));
            float k = p[gamma + ch] * invStd;
            int xc = x + ch * s, dyc = dy + ch * s;
            if (vectors) BatchNormVectors.gradientSums(a, xc, dyc, n, s, stride, mean, sums, 2 * ch);
            else gradientSums(a, xc, dyc, stride, mean, 2 * ch);
            gr[dgamma + ch] += (float) (sums[2 * ch + 1] * invStd);
            gr[dbeta + ch] += (float) sums[2 * ch];
            if (dx < 0) continue;
            int dxc = dx + ch * s;
            if (vectors) {
                BatchNormVectors.addScaled(a, dyc, dxc, n, s, stride, k);
                continue;
            }
            for (int i = 0; i < n; i++) {
                int di = dyc + i * stride, oi = dxc + i * stride;
                for (int j = 0; j < s; j++) a[oi + j] += k * a[di + j];
            }
        }
    }

    // x, dy (N,C,S) -> dx (N,C,S) +=, dgamma, dbeta (C) +=
    private void backwardChannels(int from, int to) {
        float[] a = ctx.array(Arena.ACTS);
        float[] p = ctx.array(Arena.PARAMS);
        float[] gr = ctx.array(Arena.GRADS);
        int stride = c * s;
        for (int ch = from; ch < to; ch++) {
            float mean = a[saveMean + ch];
            float invStd = a[saveInvStd + ch];
            int xc = x + ch * s, dyc = dy + ch * s;
            if (vectors) BatchNormVectors.gradientSums(a, xc, dyc, n, s, stride, mean, sums, 2 * ch);
            else gradientSums(a, xc, dyc, stride, mean, 2 * ch);
            double sumDy = sums[2 * ch], sumDyXhat = sums[2 * ch + 1] * invStd;
            gr[dgamma + ch] += (float) sumDyXhat;
            gr[dbeta + ch] += (float) sumDy;
            if (dx < 0) continue;
            // dx = gamma*invStd/M * (M*dy - sum(dy) - xhat*sum(dy*xhat))
            float k = p[gamma + ch] * invStd;
            float meanDy = (float) (sumDy / m);
            float meanDyXhat = (float) (sumDyXhat / m);
            int dxc = dx + ch * s;
            if (vectors) {
                BatchNormVectors.addTrainingDx(a, xc, dyc, dxc, n, s, stride, mean, invStd, k, meanDy, meanDyXhat);
                continue;
            }
            for (int i = 0; i < n; i++) {
                int xi = xc + i * stride, di = dyc + i * stride, oi = dxc + i * stride;
                for (int j = 0; j < s; j++) {
                    float xhat = (a[xi + j] - mean) * invStd;
                    a[oi + j] += k * (a[di + j] - meanDy - xhat * meanDyXhat);
                }
            }
        }
    }

    /** sums[at] = sum of dy, sums[at + 1] = sum of dy * (x - mean), over the channel's rows. */
    private void gradientSums(float[] a, int xc, int dyc, int stride, float mean, int at) {
        double sumDy = 0, sumDyCentred = 0;
        for (int i = 0; i < n; i++) {
            int xi = xc + i * stride, di = dyc + i * stride, j = 0;
            float g0 = 0f, g1 = 0f, g2 = 0f, g3 = 0f, c0 = 0f, c1 = 0f, c2 = 0f, c3 = 0f;
            for (; j + 3 < s; j += 4) {
                float e0 = a[di + j], e1 = a[di + j + 1], e2 = a[di + j + 2], e3 = a[di + j + 3];
                g0 += e0;
                g1 += e1;
                g2 += e2;
                g3 += e3;
                c0 += e0 * (a[xi + j] - mean);
                c1 += e1 * (a[xi + j + 1] - mean);
                c2 += e2 * (a[xi + j + 2] - mean);
                c3 += e3 * (a[xi + j + 3] - mean);
            }
            for (; j < s; j++) {
                float e = a[di + j];
                g0 += e;
                c0 += e * (a[xi + j] - mean);
            }
            sumDy += (double) g0 + g1 + g2 + g3;
            sumDyCentred += (double) c0 + c1 + c2 + c3;
        }
        sums[at] = sumDy;
        sums[at + 1] = sumDyCentred;
    }
}
