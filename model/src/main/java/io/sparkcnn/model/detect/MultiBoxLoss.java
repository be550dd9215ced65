package io.sparkcnn.model.detect;

import io.sparkcnn.model.losses.SmoothL1;

/**
 * SSD's MultiBox loss on anchor-major arrays of a whole batch, in double: box offsets
 * (batch, anchors, 4), class logits (batch, anchors, classes + 1), labels (batch, anchors) as
 * floats: a class 1..classes for a positive, 0 for a negative, {@link #IGNORE_LABEL} for an
 * anchor that trains neither way.
 *
 * <ul>
 * <li>box loss = sum over positives of smooth L1 ({@link SmoothL1}'s formula) on the 4 offsets
 *     / max(1, N), N the positives of the batch;</li>
 * <li>class loss = sum of softmax cross-entropy over the positives and the mined negatives /
 *     max(1, N). {@link #mine} picks, per image, the negatives with the largest background loss
 *     (-log softmax_0), at most negPosRatio times the image's positives; an image with no
 *     positives keeps minNegatives of them, so a minibatch without boxes still trains the
 *     background (torchvision's SSD would keep none).</li>
 * </ul>
 * Selection is piecewise constant in the logits, so the gradient is that of the loss with the
 * selection held fixed ({@link #classLoss} takes it as an argument). Gradients are added into
 * the arrays given.
 */
public final class MultiBoxLoss {
    /** Label of an anchor that is neither positive nor negative. */
    public static final float IGNORE_LABEL = -1f;

    private MultiBoxLoss() {}

    /** Positives (labels &gt;= 1) among batch * anchors labels; an invalid label throws, naming its position. */
    public static int positives(int batch, int anchors, int classes, float[] labels) {
        int n = 0;
        for (int i = 0; i < batch * anchors; i++) if (label(labels, i, anchors, classes) > 0) n++;
        return n;
    }

    /** The box loss; adds its gradient w.r.t. loc into dLoc (null: none). */
    public static double boxLoss(int batch, int anchors, int classes, double[] loc, double[] target, float[] labels,
            double beta, double[] dLoc) {
        double norm = Math.max(1, positives(batch, anchors, classes, labels));
        double sum = 0;
        for (int i = 0; i < batch * anchors; i++) {
            if (labels[i] <= 0) continue;
            for (int k = 0; k < 4; k++) {
                double d = loc[4 * i + k] - target[4 * i + k];
                sum += SmoothL1.value(d, beta);
                if (dLoc != null) dLoc[4 * i + k] += SmoothL1.derivative(d, beta) / norm;
            }
        }
        return sum / norm;
    }

    /**
     * Marks in selected[batch * anchors] the positives and the mined negatives; returns how many
     * negatives were kept. scratch holds at least anchors longs (no allocation per step).
     */
    public static int mine(int batch, int anchors, int classes, double[] conf, float[] labels, int negPosRatio,
            int minNegatives, boolean[] selected, long[] scratch) {
        int scores = classes + 1, kept = 0;
        for (int b = 0; b < batch; b++) {
            int pos = 0, neg = 0;
            for (int j = 0; j < anchors; j++) {
                int i = b * anchors + j;
                int l = label(labels, i, anchors, classes);
                selected[i] = l > 0;
                if (l > 0) pos++;
                else if (l == 0) {
                    // key: the background loss as ordered float bits (>= 0), ties to the lower anchor
                    float bg = (float) backgroundLoss(conf, i * scores, scores);
                    scratch[neg++] = ((long) Float.floatToIntBits(bg) << 32) | (0xFFFFFFFFL - j);
                }
            }
            int k = Math.min(neg, pos > 0 ? negPosRatio * pos : minNegatives);
            heapSort(scratch, neg);
            for (int t = neg - k; t < neg; t++) selected[b * anchors + (int) (0xFFFFFFFFL - (scratch[t] & 0xFFFFFFFFL))] = true;
            kept += k;
        }
        return kept;
    }

    /** The class loss over the selected anchors; adds its gradient w.r.t. conf into dConf (null: none). */
    public static double classLoss(int batch, int anchors, int classes, double[] conf, float[] labels, boolean[] selected,
            double[] dConf) {
        int scores = classes + 1;
        double norm = Math.max(1, positives(batch, anchors, classes, labels));
        double sum = 0;
        for (int i = 0; i < batch * anchors; i++) {
            if (!selected[i]) continue;
            int l = (int) labels[i];
            if (l < 0) throw new IllegalArgumentException("anchor " + i % anchors + " of example " + i / anchors
                    + " is ignored but was selected");
            int base = i * scores;
            double max = conf[base];
            for (int c = 1; c < scores; c++) max = Math.max(max, conf[base + c]);
            double z = 0;
            for (int c = 0; c < scores; c++) z += Math.exp(conf[base + c] - max);
            sum += Math.log(z) + max - conf[base + l];
            if (dConf != null) {
                for (int c = 0; c < scores; c++) {
                    double p = Math.exp(conf[base + c] - max) / z;
                    dConf[base + c] += (p - (c == l ? 1 : 0)) / norm;
                }
            }
        }
        return sum / norm;
    }

    /** Ascending in-place heap sort of a[0..n): no allocation, unlike the JDK's run-merging sort of large arrays. */
    static void heapSort(long[] a, int n) {
        for (int i = n / 2 - 1; i >= 0; i--) siftDown(a, i, n);
        for (int end = n - 1; end > 0; end--) {
            long t = a[0];
            a[0] = a[end];
            a[end] = t;
            siftDown(a, 0, end);
        }
    }

    private static void siftDown(long[] a, int i, int n) {
        long v = a[i];
        for (int c = 2 * i + 1; c < n; c = 2 * i + 1) {
            if (c + 1 < n && a[c + 1] > a[c]) c++;
            if (a[c] <= v) break;
            a[i] = a[c];
            i = c;
        }
        a[i] = v;
    }

    /** -log softmax(logits)[0], the loss of calling this anchor background. */
    static double backgroundLoss(double[] conf, int base, int scores) {
        double max = conf[base];
        for (int c = 1; c < scores; c++) max = Math.max(max, conf[base + c]);
        double z = 0;
        for (int c = 0; c < scores; c++) z += Math.exp(conf[base + c] - max);
        return Math.log(z) + max - conf[base];
    }

    private static int label(float[] labels, int i, int anchors, int classes) {
        float v = labels[i];
        int l = (int) v;
        if (l != v || l < -1 || l > classes) {
            throw new IllegalArgumentException("detection target of anchor " + i % anchors + " of example " + i / anchors
                    + " is " + v + ", not -1 (ignore), 0 (background) or a class 1.." + classes);
        }
        return l;
    }
}
