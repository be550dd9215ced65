package io.sparkcnn.model.metrics;

/**
 * What COCOeval.accumulate leaves in {@code eval}: precision [T][R][K][A][M] at the 101 recall points and
 * recall [T][K][A][M], -1 where a class has no ground truth counted in that area range; and the means
 * that COCOeval.summarize prints ({@link #stats}), over the entries that are not -1.
 */
public final class CocoEvaluation {
    /** The 12 numbers of {@link #stats}, in order. */
    public static final int STATS = 12;
    private static final int T = CocoParams.IOUS, R = CocoParams.RECALLS, A = CocoParams.AREAS, M = CocoParams.MAX_DETS_COUNT;
    private static final int LARGEST = M - 1;

    private final int classes;
    private final double[] precision, recall;

    CocoEvaluation(int classes, double[] precision, double[] recall) {
        this.classes = classes;
        this.precision = precision;
        this.recall = recall;
    }

    public int classes() { return classes; }

    /** Interpolated precision at IoU threshold t, recall point r, class k, area a, maxDets m; -1 if undefined. */
    public double precision(int t, int r, int k, int a, int m) {
        return precision[(((t * R + r) * classes + k) * A + a) * M + m];
    }

    /** Recall reached at IoU threshold t, class k, area a, maxDets m; -1 if undefined. */
    public double recall(int t, int k, int a, int m) {
        return recall[((t * classes + k) * A + a) * M + m];
    }

    /**
     * AP, AP50, AP75, AP small, medium, large (maxDets 100), AR at maxDets 1, 10, 100, AR small, medium,
     * large (maxDets 100): COCOeval.stats; -1 where nothing is defined.
     */
    public double[] stats() {
        return new double[] {
            ap(-1, -1, CocoParams.AREA_ALL, LARGEST),
            ap(CocoParams.IOU_50, -1, CocoParams.AREA_ALL, LARGEST),
            ap(CocoParams.IOU_75, -1, CocoParams.AREA_ALL, LARGEST),
            ap(-1, -1, CocoParams.AREA_SMALL, LARGEST),
            ap(-1, -1, CocoParams.AREA_MEDIUM, LARGEST),
            ap(-1, -1, CocoParams.AREA_LARGE, LARGEST),
            ar(-1, CocoParams.AREA_ALL, 0),
            ar(-1, CocoParams.AREA_ALL, 1),
            ar(-1, CocoParams.AREA_ALL, LARGEST),
            ar(-1, CocoParams.AREA_SMALL, LARGEST),
            ar(-1, CocoParams.AREA_MEDIUM, LARGEST),
            ar(-1, CocoParams.AREA_LARGE, LARGEST),
        };
    }

    /** AP@[.50:.95] of class k (area all, maxDets 100), as the per-category table people compute from eval['precision']; -1 without ground truth. */
    public double classAp(int k) {
        checkClass(k);
        return ap(-1, k, CocoParams.AREA_ALL, LARGEST);
    }

    /** AP at IoU .50 of class k (area all, maxDets 100); -1 without ground truth. */
    public double classAp50(int k) {
        checkClass(k);
        return ap(CocoParams.IOU_50, k, CocoParams.AREA_ALL, LARGEST);
    }

    /** Mean precision over the thresholds (t = -1: all), recall points and classes (k = -1: all) that are defined. */
    public double ap(int t, int k, int a, int m) {
        double sum = 0;
        long n = 0;
        for (int ti = t < 0 ? 0 : t; ti < (t < 0 ? T : t + 1); ti++) {
            for (int r = 0; r < R; r++) {
                for (int ki = k < 0 ? 0 : k; ki < (k < 0 ? classes : k + 1); ki++) {
                    double v = precision(ti, r, ki, a, m);
                    if (v > -1) {
                        sum += v;
                        n++;
                    }
                }
            }
        }
        return n == 0 ? -1 : sum / n;
    }

    /** Mean recall over the thresholds (t = -1: all) and classes that are defined. */
    public double ar(int t, int a, int m) {
        double sum = 0;
        long n = 0;
        for (int ti = t < 0 ? 0 : t; ti < (t < 0 ? T : t + 1); ti++) {
            for (int k = 0; k < classes; k++) {
                double v = recall(ti, k, a, m);
                if (v > -1) {
                    sum += v;
                    n++;
                }
            }
        }
        return n == 0 ? -1 : sum / n;
    }

    private void checkClass(int k) {
        if (k < 0 || k >= classes) throw new IllegalArgumentException("class " + k + " outside [0, " + classes + ")");
    }
}
