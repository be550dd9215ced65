package io.sparkcnn.model.task;

import io.sparkcnn.model.train.Evaluation;

/**
 * Top-1, top-5, summed cross-entropy and the confusion matrix of logits (N,C,S) against
 * float class indices (N,S); S = 1 for classification. Produces an {@link Evaluation}.
 */
public final class ClassificationMetrics implements MetricAccumulator {
    private final int classes, spatial, ignoreIndex;
    private long count, correct, top5;
    private double lossSum;
    private final long[][] confusion;

    public ClassificationMetrics(int classes, int spatial, int ignoreIndex) {
        if (classes < 2) throw new IllegalArgumentException("evaluation needs an output of 2 or more classes, got " + classes);
        this.classes = classes;
        this.spatial = spatial;
        this.ignoreIndex = ignoreIndex;
        this.confusion = new long[classes][classes];
    }

    @Override
    public int targetsPerExample() { return spatial; }

    /**
     * Labels equal to the ignore index are skipped; any other label outside [0, C) is an
     * error. Log-sum-exp in double.
     */
    @Override
    public void add(float[] logits, int outOff, float[] labels, int labelOff, int rows) {
        for (int i = 0; i < rows; i++) {
            for (int s = 0; s < spatial; s++) {
                float lf = labels[labelOff + i * spatial + s];
                int label = (int) lf;
                if (label == ignoreIndex && lf == label) continue;
                if (label < 0 || label >= classes || lf != label) {
                    throw new IllegalArgumentException("label " + lf + " of example " + i + " is not a class index in [0, "
                            + classes + ")");
                }
                int base = outOff + i * classes * spatial + s;
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
                lossSum += Math.log(sumExp) + max - target;
                count++;
                if (argmax == label) correct++;
                if (above < 5) top5++;
                confusion[label][argmax]++;
            }
        }
    }

    @Override
    public void merge(MetricAccumulator other) {
        if (!(other instanceof ClassificationMetrics o) || o.classes != classes || o.spatial != spatial) {
            throw new IllegalArgumentException("cannot merge " + describe(other) + " into classification metrics of "
                    + classes + " classes");
        }
        count += o.count;
        correct += o.correct;
        top5 += o.top5;
        lossSum += o.lossSum;
        for (int i = 0; i < classes; i++) for (int j = 0; j < classes; j++) confusion[i][j] += o.confusion[i][j];
    }

    @Override
    public long count() { return count; }

    /** [count, correct, top5, lossSum bits, confusion row-major]. */
    @Override
    public long[] toLongs() {
        long[] a = new long[4 + classes * classes];
        a[0] = count;
        a[1] = correct;
        a[2] = top5;
        a[3] = Double.doubleToRawLongBits(lossSum);
        for (int i = 0; i < classes; i++) System.arraycopy(confusion[i], 0, a, 4 + i * classes, classes);
        return a;
    }

    static ClassificationMetrics fromLongs(int classes, int spatial, int ignoreIndex, long[] a) {
        if (a.length != 4 + classes * classes) {
            throw new IllegalArgumentException("classification metrics of " + classes + " classes take "
                    + (4 + classes * classes) + " longs, got " + a.length);
        }
        ClassificationMetrics m = new ClassificationMetrics(classes, spatial, ignoreIndex);
        m.count = a[0];
        m.correct = a[1];
        m.top5 = a[2];
        m.lossSum = Double.longBitsToDouble(a[3]);
        for (int i = 0; i < classes; i++) System.arraycopy(a, 4 + i * classes, m.confusion[i], 0, classes);
        return m;
    }

    /** The results so far (a copy). */
    public Evaluation evaluation() {
        long[][] c = new long[classes][];
        for (int i = 0; i < classes; i++) c[i] = confusion[i].clone();
        return new Evaluation(count, correct, top5, lossSum, c);
    }

    static String describe(MetricAccumulator m) { return m == null ? "null" : m.getClass().getSimpleName(); }
}
