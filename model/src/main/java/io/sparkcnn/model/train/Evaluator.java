package io.sparkcnn.model.train;

import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
import io.sparkcnn.model.tensor.Shape;

/**
 * Scores a classifier over a dataset in the network's batch size, in inference mode
 * (batch norm on running statistics, no dropout). The last partial batch is padded with
 * zero rows whose outputs are ignored; in inference mode examples do not affect each
 * other, so the real rows score as they would in a full batch.
 * Output (N,C,S) against labels (N,S) as float class indices (S = 1 for classification).
 */
public final class Evaluator {
    private final Network net;
    private final int batch, inputSize, classes, spatial, ignoreIndex;
    private final float[] padded;
    private final float[] logits;

    public Evaluator(Network net) {
        this.net = net;
        this.batch = net.batch();
        this.inputSize = net.inputSize();
        Shape out = net.spec().shapes().get(net.spec().outputNode().name());
        this.classes = out.channels();
        this.spatial = out.spatialSize();
        if (classes < 2) throw new IllegalArgumentException("evaluation needs an output of 2 or more classes, got " + out);
        this.ignoreIndex = net.spec().loss() instanceof SoftmaxCrossEntropy s ? s.ignoreIndex() : SoftmaxCrossEntropy.NO_IGNORE;
        this.padded = new float[batch * inputSize];
        this.logits = new float[batch * net.outputSize()];
    }

    /**
     * Scores count examples: inputs from inputs[inOff] (count * inputSize floats), labels
     * from labels[labelOff] (count * S floats). Labels equal to the loss's ignore index are
     * skipped; any other label outside [0, C) is an error.
     */
    public Evaluation evaluate(float[] inputs, int inOff, float[] labels, int labelOff, int count) {
        if (count < 0 || (long) inOff + (long) count * inputSize > inputs.length
                || (long) labelOff + (long) count * spatial > labels.length) {
            throw new IllegalArgumentException(count + " examples do not fit the given arrays (" + inputs.length
                    + " input floats from " + inOff + ", " + labels.length + " label floats from " + labelOff + ")");
        }
        Evaluation total = Evaluation.empty(classes);
        long[] sums = new long[3];
        double[] loss = new double[1];
        long[][] confusion = total.confusion();
        for (int start = 0; start < count; start += batch) {
            int rows = Math.min(batch, count - start);
            int src = inOff + start * inputSize;
            if (rows == batch) {
                net.setInput(inputs, src);
            } else {
                System.arraycopy(inputs, src, padded, 0, rows * inputSize);
                java.util.Arrays.fill(padded, rows * inputSize, padded.length, 0f);
                net.setInput(padded, 0);
            }
            net.forward(false);
            net.readOutput(logits);
            score(rows, labels, labelOff + start * spatial, sums, loss, confusion);
        }
        return new Evaluation(sums[0], sums[1], sums[2], loss[0], confusion);
    }

    // logits (rows,C,S), labels (rows,S) -> counts, top-1/top-5 hits, summed NLL (log-sum-exp in double)
    private void score(int rows, float[] labels, int labelOff, long[] sums, double[] loss, long[][] confusion) {
        for (int i = 0; i < rows; i++) {
            for (int s = 0; s < spatial; s++) {
                float lf = labels[labelOff + i * spatial + s];
                int label = (int) lf;
                if (label == ignoreIndex && lf == label) continue;
                if (label < 0 || label >= classes || lf != label) {
                    throw new IllegalArgumentException("label " + lf + " of example " + i + " is not a class index in [0, "
                            + classes + ")");
                }
                int base = i * classes * spatial + s;
                float target = logits[base + label * spatial];
                int argmax = 0, above = 0;
                float max = logits[base];
                for (int c = 0; c < classes; c++) {
                    float v = logits[base + c * spatial];
                    if (v > max) {
                        max = v;
                        argmax = c;
                    }
                    if (v > target) above++;
                }
                double sumExp = 0;
                for (int c = 0; c < classes; c++) sumExp += Math.exp((double) logits[base + c * spatial] - max);
                loss[0] += Math.log(sumExp) + max - target;
                sums[0]++;
                if (argmax == label) sums[1]++;
                if (above < 5) sums[2]++;
                confusion[label][argmax]++;
            }
        }
    }
}
