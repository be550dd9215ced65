package io.sparkcnn.model.task;

import io.sparkcnn.model.data.CityscapesLabels;
import io.sparkcnn.model.metrics.ConfusionMatrix;
import io.sparkcnn.model.metrics.SegmentationScores;

/**
 * Per-pixel scoring of logits (N,C,H,W) against train ids (N,H*W): one confusion matrix over
 * everything added (the whole split once executors' parts are merged, as cityscapesScripts
 * counts), and the summed cross-entropy of the counted pixels. Pixels labelled with the
 * ignore label are skipped.
 */
public final class SegmentationMetrics implements MetricAccumulator {
    private final int classes, spatial;
    private final ConfusionMatrix confusion;
    private double lossSum;

    public SegmentationMetrics(int classes, int spatial, int ignoreLabel) {
        this(classes, spatial, new ConfusionMatrix(classes, ignoreLabel), 0);
    }

    private SegmentationMetrics(int classes, int spatial, ConfusionMatrix confusion, double lossSum) {
        this.classes = classes;
        this.spatial = spatial;
        this.confusion = confusion;
        this.lossSum = lossSum;
    }

    @Override
    public int targetsPerExample() { return spatial; }

    @Override
    public void add(float[] logits, int outOff, float[] labels, int labelOff, int rows) {
        int ignore = confusion.ignoreLabel();
        for (int i = 0; i < rows; i++) {
            for (int s = 0; s < spatial; s++) {
                float lf = labels[labelOff + i * spatial + s];
                int label = (int) lf;
                if (label == ignore && lf == label) continue;
                if (label < 0 || label >= classes || lf != label) {
                    throw new IllegalArgumentException("label " + lf + " at pixel " + s + " of example " + i
                            + " is neither a train id in [0, " + classes + ") nor the ignore label " + ignore);
                }
                int base = outOff + i * classes * spatial + s;
                int predicted = Argmax.at(logits, base, classes, spatial);
                float max = logits[base + predicted * spatial];
                double sumExp = 0;
                for (int c = 0; c < classes; c++) sumExp += Math.exp((double) logits[base + c * spatial] - max);
                lossSum += Math.log(sumExp) + max - logits[base + label * spatial];
                confusion.add(label, predicted);
            }
        }
    }

    @Override
    public void merge(MetricAccumulator other) {
        if (!(other instanceof SegmentationMetrics o) || o.spatial != spatial) {
            throw new IllegalArgumentException("cannot merge " + ClassificationMetrics.describe(other)
                    + " into segmentation metrics of " + classes + " classes over " + spatial + " pixels");
        }
        confusion.merge(o.confusion);
        lossSum += o.lossSum;
    }

    @Override
    public long count() { return confusion.total(); }

    /** [lossSum bits, confusion counts row-major]. */
    @Override
    public long[] toLongs() {
        long[] counts = confusion.counts();
        long[] a = new long[1 + counts.length];
        a[0] = Double.doubleToRawLongBits(lossSum);
        System.arraycopy(counts, 0, a, 1, counts.length);
        return a;
    }

    static SegmentationMetrics fromLongs(int classes, int spatial, int ignoreLabel, long[] a) {
        if (a.length != 1 + classes * classes) {
            throw new IllegalArgumentException("segmentation metrics of " + classes + " classes take "
                    + (1 + classes * classes) + " longs, got " + a.length);
        }
        ConfusionMatrix m = ConfusionMatrix.of(classes, ignoreLabel, java.util.Arrays.copyOfRange(a, 1, a.length));
        return new SegmentationMetrics(classes, spatial, m, Double.longBitsToDouble(a[0]));
    }

    /** A copy of the whole-split confusion matrix. */
    public ConfusionMatrix confusion() {
        return ConfusionMatrix.of(classes, confusion.ignoreLabel(), confusion.counts());
    }

    /** Per-class IoU, mean IoU, pixel accuracy of everything added. */
    public SegmentationScores scores() { return SegmentationScores.of(confusion); }

    /** IoU per category of classes (categoryOfClass[c] in [0, categories), or -1), as cityscapesScripts' category scores. */
    public double[] categoryIou(int[] categoryOfClass, int categories) {
        return SegmentationScores.categoryIou(confusion, categoryOfClass, categories);
    }

    /** The 7 Cityscapes categories' IoU (flat .. vehicle); the classes must be the 19 train ids. */
    public double[] cityscapesCategoryIou() {
        if (classes != CityscapesLabels.TRAIN_CLASSES) {
            throw new IllegalStateException("Cityscapes categories need the " + CityscapesLabels.TRAIN_CLASSES
                    + " train classes, these metrics have " + classes);
        }
        return categoryIou(CityscapesLabels.categoryOfTrainId(), CityscapesLabels.evaluatedCategories().size());
    }

    /** Mean cross-entropy of the counted pixels. */
    public double meanLoss() {
        long n = count();
        return n == 0 ? Double.NaN : lossSum / n;
    }
}
