package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.LossOps;

/**
 * Losses on ACTS. The batch is cut into a fixed number of chunks whose partial sums are
 * added in order, so the loss has the same bits for any thread count. A gradient offset
 * below 0 computes the loss alone (evaluation).
 *
 * <p>Softmax cross-entropy where every position is ignored (or weighs 0) writes a loss of
 * 0 and adds no gradient; PyTorch returns NaN there, which would poison the averaged model.
 */
final class CpuLossOps implements LossOps {
    private static final int CHUNKS = 64;
    /** Positions below which the whole loss runs on the calling thread. */
    private static final int SERIAL_BELOW = 1 << 12;

    private final CpuContext ctx;
    private final double[] partials = new double[CHUNKS];

    private int n, classes, spatial, logits, labels, weights, ignoreIndex, dlogits, predictions;
    private int count, pred, target, grad;
    private float beta;
    private double gradScale;
    private final RangeTask weightTask = this::weightChunks;
    private final RangeTask crossEntropyTask = this::crossEntropyChunks;
    private final RangeTask bceTask = this::bceChunks;
    private final RangeTask mseTask = this::mseChunks;
    private final RangeTask smoothL1Task = this::smoothL1Chunks;

    CpuLossOps(CpuContext ctx) { this.ctx = ctx; }

    private void runChunks(int work, RangeTask task) {
        java.util.Arrays.fill(partials, 0.0);
        ctx.parallelFor(CHUNKS, work < SERIAL_BELOW ? CHUNKS : 1, task);
    }

    private double sumPartials() {
        double t = 0;
        for (double p : partials) t += p;
        return t;
    }

    private static int lo(int total, int chunk) { return (int) ((long) total * chunk / CHUNKS); }

    @Override
    public void softmaxCrossEntropy(int n, int classes, int spatial, int logits, int labels, int weights, int ignoreIndex,
                                    int lossOut, int dlogits, int predictions) {
        this.n = n;
        this.classes = classes;
        this.spatial = spatial;
        this.logits = logits;
        this.labels = labels;
        this.weights = weights;
        this.ignoreIndex = ignoreIndex;
        this.dlogits = dlogits;
        this.predictions = predictions;
        int positions = n * spatial;
        runChunks(positions, weightTask);
        double weightSum = sumPartials();
        gradScale = weightSum > 0 ? 1.0 / weightSum : 0.0;
        runChunks(positions * classes, crossEntropyTask);
        ctx.array(Arena.ACTS)[lossOut] = weightSum > 0 ? (float) (sumPartials() / weightSum) : 0f;
    }

    /** The class at a position, or -1 when ignored; a label out of range is an error naming it. */
    private int labelAt(float[] a, int pos) {
        float v = a[labels + pos];
        int label = (int) v;
        if (label == ignoreIndex && label == v) return -1;
        if (label != v || label < 0 || label >= classes) {
            throw new IllegalArgumentException("label " + v + " at position " + pos + " is not a class in [0, " + classes
                    + ")" + (ignoreIndex == Integer.MIN_VALUE ? "" : " nor the ignore index " + ignoreIndex));
        }
        return label;
    }

    // labels (N*S) -> partials: sum of the class weights of the counted positions
    private void weightChunks(int from, int to) {
        float[] a = ctx.array(Arena.ACTS);
        int positions = n * spatial;
        for (int j = from; j < to; j++) {
            double sum = 0;
            for (int pos = lo(positions, j), e = lo(positions, j + 1); pos < e; pos++) {
                int label = labelAt(a, pos);
                if (label >= 0) sum += weights < 0 ? 1.0 : a[weights + label];
            }
            partials[j] = sum;
        }
    }

    // logits (N,C,S), labels (N,S) -> partials: weighted nll; dlogits (N,C,S) += w * (softmax - onehot) / sum(w)
    private void crossEntropyChunks(int from, int to) {
        float[] a = ctx.array(Arena.ACTS);
        int positions = n * spatial;
        int cs = classes * spatial;
        for (int j = from; j < to; j++) {
            double sum = 0;
            for (int pos = lo(positions, j), e = lo(positions, j + 1); pos < e; pos++) {
                int ex = pos / spatial, sp = pos - ex * spatial;
                int base = logits + ex * cs + sp;
                float max = Float.NEGATIVE_INFINITY;
                int argmax = 0;
                for (int k = 0; k < classes; k++) {
                    float v = a[base + k * spatial];
                    if (v > max) {
                        max = v;
                        argmax = k;
                    }
                }
                if (predictions >= 0) a[predictions + pos] = argmax;
                int label = labelAt(a, pos);
                if (label < 0) continue;
                double z = 0;
                for (int k = 0; k < classes; k++) z += Math.exp(a[base + k * spatial] - max);
                double logZ = Math.log(z);
                double w = weights < 0 ? 1.0 : a[weights + label];
                sum += w * (logZ - (a[base + label * spatial] - max));
                if (dlogits < 0 || w == 0) continue;
                double k0 = w * gradScale;
                int gbase = dlogits + ex * cs + sp;
                for (int k = 0; k < classes; k++) {
                    double prob = Math.exp(a[base + k * spatial] - max - logZ);
                    a[gbase + k * spatial] += (float) (k0 * (k == label ? prob - 1.0 : prob));
                }
            }
            partials[j] = sum;
        }
    }

    @Override
    public void sigmoidBinaryCrossEntropy(int count, int logits, int targets, int lossOut, int dlogits) {
        setElementwise(count, logits, targets, dlogits);
        runChunks(count, bceTask);
        ctx.array(Arena.ACTS)[lossOut] = (float) (sumPartials() / count);
    }

    // logits, targets (count) -> partials: max(x,0) - x t + log(1 + e^-|x|); grad += (sigmoid(x) - t) / count
    private void bceChunks(int from, int to) {
        float[] a = ctx.array(Arena.ACTS);
        for (int j = from; j < to; j++) {
            double sum = 0;
            for (int i = lo(count, j), e = lo(count, j + 1); i < e; i++) {
                double x = a[pred + i], t = a[target + i];
                sum += Math.max(x, 0.0) - x * t + Math.log1p(Math.exp(-Math.abs(x)));
                if (grad >= 0) {
                    double sig = x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
                    a[grad + i] += (float) ((sig - t) * gradScale);
                }
            }
            partials[j] = sum;
        }
    }

    @Override
    public void meanSquaredError(int count, int pred, int target, int lossOut, int dpred) {
        setElementwise(count, pred, target, dpred);
        runChunks(count, mseTask);
        ctx.array(Arena.ACTS)[lossOut] = (float) (sumPartials() / count);
    }

    // pred, target (count) -> partials: (p - t)^2; grad += 2 (p - t) / count
    private void mseChunks(int from, int to) {
        float[] a = ctx.array(Arena.ACTS);
        for (int j = from; j < to; j++) {
            double sum = 0;
            for (int i = lo(count, j), e = lo(count, j + 1); i < e; i++) {
                double d = (double) a[pred + i] - a[target + i];
                sum += d * d;
                if (grad >= 0) a[grad + i] += (float) (2.0 * d * gradScale);
            }
            partials[j] = sum;
        }
    }

    @Override
    public void smoothL1(int count, float beta, int pred, int target, int lossOut, int dpred) {
        if (!(beta >= 0f)) throw new IllegalArgumentException("smooth L1 beta must be >= 0, got " + beta);
        this.beta = beta;
        setElementwise(count, pred, target, dpred);
        runChunks(count, smoothL1Task);
        ctx.array(Arena.ACTS)[lossOut] = (float) (sumPartials() / count);
    }

    // pred, target (count) -> partials: |d| < beta ? d^2 / 2beta : |d| - beta/2; grad += d/beta or sign(d), / count
    private void smoothL1Chunks(int from, int to) {
        float[] a = ctx.array(Arena.ACTS);
        double b = beta;
        for (int j = from; j < to; j++) {
            double sum = 0;
            for (int i = lo(count, j), e = lo(count, j + 1); i < e; i++) {
                double d = (double) a[pred + i] - a[target + i];
                double ad = Math.abs(d);
                boolean quadratic = ad < b;
                sum += quadratic ? 0.5 * d * d / b : ad - 0.5 * b;
                if (grad >= 0) a[grad + i] += (float) ((quadratic ? d / b : Math.signum(d)) * gradScale);
            }
            partials[j] = sum;
        }
    }

    private void setElementwise(int count, int pred, int target, int grad) {
        if (count <= 0) throw new IllegalArgumentException("a loss needs at least one value, got " + count);
        this.count = count;
        this.pred = pred;
        this.target = target;
        this.grad = grad;
        this.gradScale = 1.0 / count;
    }
}
