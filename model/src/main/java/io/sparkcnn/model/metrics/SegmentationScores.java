package io.sparkcnn.model.metrics;

import java.util.Arrays;

/**
 * Semantic-segmentation scores from ONE confusion matrix summed over the whole split, as
 * cityscapesScripts' evalPixelLevelSemanticLabeling.py computes them (not a mean of per-image IoUs):
 * <ul>
 *   <li>IoU of class c = TP / (TP + FP + FN): TP the diagonal cell, FN the rest of row c, FP the rest of
 *       column c. Ignored ground truth never enters the matrix, so it adds no false positive either.
 *       A class with TP + FP + FN = 0 (no ground truth and never predicted) is NaN.</li>
 *   <li>mean IoU: the average over the classes whose IoU is not NaN (getScoreAverage). A class that is
 *       predicted but absent from the ground truth scores 0 and counts.</li>
 *   <li>category IoU: the same over groups of classes: TP = cells whose truth and prediction both lie in
 *       the category, FN = the category's rows minus TP, FP = the category's columns in rows of other
 *       classes (getIouScoreForCategory); the mean skips NaN categories.</li>
 *   <li>pixel accuracy: diagonal / all counted pixels. cityscapesScripts only has a per-image variant,
 *       off by default; this is the whole-split one.</li>
 * </ul>
 * In trainId space these equal cityscapesScripts' labelId-space numbers whenever the predictions are
 * train classes (which a trainId network's output mapped back to labelIds always is).
 */
public final class SegmentationScores {
    private final double[] classIou;
    private final double meanIou;
    private final double pixelAccuracy;
    private final long countedPixels;

    private SegmentationScores(double[] classIou, double meanIou, double pixelAccuracy, long countedPixels) {
        this.classIou = classIou;
        this.meanIou = meanIou;
        this.pixelAccuracy = pixelAccuracy;
        this.countedPixels = countedPixels;
    }

    public static SegmentationScores of(ConfusionMatrix m) {
        int n = m.classes();
        double[] iou = new double[n];
        long diagonal = 0;
        for (int c = 0; c < n; c++) {
            long tp = m.count(c, c);
            diagonal += tp;
            long fn = m.truthTotal(c) - tp;
            long fp = m.predictedTotal(c) - tp;
            iou[c] = ratio(tp, tp + fp + fn);
        }
        long total = m.total();
        return new SegmentationScores(iou, nanMean(iou), ratio(diagonal, total), total);
    }

    /**
     * The scores of a net that predicts {@code predicted} everywhere, on the same ground truth: the
     * baseline a trained net must beat (with {@link #mostFrequentTruth}, the all-background one).
     */
    public static SegmentationScores constantPrediction(ConfusionMatrix m, int predicted) {
        int n = m.classes();
        if (predicted < 0 || predicted >= n) {
            throw new IllegalArgumentException("predicted class " + predicted + " outside [0, " + n + ")");
        }
        long[] cells = new long[n * n];
        for (int t = 0; t < n; t++) cells[t * n + predicted] = m.truthTotal(t);
        return of(ConfusionMatrix.of(n, m.ignoreLabel(), cells));
    }

    /** The class with the most ground-truth pixels (the lowest index on a tie). */
    public static int mostFrequentTruth(ConfusionMatrix m) {
        int best = 0;
        for (int c = 1; c < m.classes(); c++) {
            if (m.truthTotal(c) > m.truthTotal(best)) best = c;
        }
        return best;
    }

    /**
     * IoU per category; {@code categoryOfClass[c]} is class c's category in [0, categories), or -1 for a
     * class that belongs to none. A category with no class, or with TP + FP + FN = 0, is NaN.
     */
    public static double[] categoryIou(ConfusionMatrix m, int[] categoryOfClass, int categories) {
        int n = m.classes();
        if (categoryOfClass.length != n) {
            throw new IllegalArgumentException("categoryOfClass has " + categoryOfClass.length + " entries for "
                    + n + " classes");
        }
        long[] tp = new long[categories];
        long[] rows = new long[categories];
        long[] cols = new long[categories];
        for (int t = 0; t < n; t++) {
            int ct = categoryOf(categoryOfClass, t, categories);
            for (int p = 0; p < n; p++) {
                long v = m.count(t, p);
                int cp = categoryOf(categoryOfClass, p, categories);
                if (ct >= 0) rows[ct] += v;
                if (cp >= 0) cols[cp] += v;
                if (ct >= 0 && ct == cp) tp[ct] += v;
            }
        }
        double[] iou = new double[categories];
        for (int k = 0; k < categories; k++) {
            long fn = rows[k] - tp[k];
            long fp = cols[k] - tp[k];
            iou[k] = ratio(tp[k], tp[k] + fp + fn);
        }
        return iou;
    }

    private static int categoryOf(int[] categoryOfClass, int c, int categories) {
        int k = categoryOfClass[c];
        if (k < -1 || k >= categories) {
            throw new IllegalArgumentException("class " + c + " has category " + k + ", outside [-1, " + categories
                    + ")");
        }
        return k;
    }

    /** Mean of the non-NaN entries; NaN when all are NaN. */
    public static double nanMean(double[] scores) {
        double sum = 0;
        int valid = 0;
        for (double s : scores) {
            if (!Double.isNaN(s)) {
                sum += s;
                valid++;
            }
        }
        return valid == 0 ? Double.NaN : sum / valid;
    }

    private static double ratio(long num, long den) {
        return den == 0 ? Double.NaN : (double) num / den;
    }

    /** IoU of each class; NaN where the class has neither ground truth nor predictions. */
    public double[] classIou() {
        return classIou.clone();
    }

    public double classIou(int c) {
        return classIou[c];
    }

    public double meanIou() {
        return meanIou;
    }

    public double pixelAccuracy() {
        return pixelAccuracy;
    }

    /** Pixels that entered the matrix (ignored ones excluded). */
    public long countedPixels() {
        return countedPixels;
    }

    @Override
    public String toString() {
        return "SegmentationScores{mIoU=" + meanIou + ", pixelAccuracy=" + pixelAccuracy + ", classIou="
                + Arrays.toString(classIou) + "}";
    }
}
