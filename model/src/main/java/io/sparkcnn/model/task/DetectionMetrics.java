package io.sparkcnn.model.task;

import io.sparkcnn.model.detect.HeadLayout;
import io.sparkcnn.model.detect.MultiBoxLoss;
import io.sparkcnn.model.detect.SsdLoss;

/**
 * The detection loss over an evaluation split: the box and class loss sums of every image (the
 * class loss with its own hard negatives, as in training) and the positives, so the merged
 * result is the SSD loss of the whole split over max(1, N), whatever the batching. The COCO
 * box metrics (mAP, AR) are computed from decoded, suppressed detections, not from here.
 */
public final class DetectionMetrics implements MetricAccumulator {
    private final SsdLoss loss;
    private final HeadLayout layout;
    private final double[] loc, target, conf;
    private final float[] labels;
    private final boolean[] selected;
    private final long[] scratch;
    private long count, positives;
    private double boxSum, classSum;

    public DetectionMetrics(SsdLoss loss) {
        this.loss = loss;
        this.layout = new HeadLayout(loss.anchors(), loss.classes());
        int a = layout.anchors();
        loc = new double[4 * a];
        target = new double[4 * a];
        conf = new double[(loss.classes() + 1) * a];
        labels = new float[a];
        selected = new boolean[a];
        scratch = new long[a];
    }

    @Override
    public int targetsPerExample() { return 5 * layout.anchors(); }

    @Override
    public void add(float[] outputs, int outOff, float[] targets, int targetOff, int rows) {
        int a = layout.anchors(), c = loss.classes(), outSize = layout.locSize() + layout.confSize();
        for (int r = 0; r < rows; r++) {
            int o = outOff + r * outSize, t = targetOff + r * 5 * a;
            layout.gatherLoc(outputs, o, loc, 0);
            layout.gatherConf(outputs, o + layout.locSize(), conf, 0);
            for (int i = 0; i < 4 * a; i++) target[i] = targets[t + i];
            System.arraycopy(targets, t + 4 * a, labels, 0, a);
            int pos = MultiBoxLoss.positives(1, a, c, labels);
            double norm = Math.max(1, pos);   // the per-image functions divide by it; sums are kept
            MultiBoxLoss.mine(1, a, c, conf, labels, loss.negPosRatio(), loss.minNegatives(), selected, scratch);
            boxSum += norm * MultiBoxLoss.boxLoss(1, a, c, loc, target, labels, loss.beta(), null);
            classSum += norm * MultiBoxLoss.classLoss(1, a, c, conf, labels, selected, null);
            positives += pos;
            count++;
        }
    }

    @Override
    public void merge(MetricAccumulator other) {
        if (!(other instanceof DetectionMetrics o) || !o.loss.equals(loss)) {
            throw new IllegalArgumentException("cannot merge " + ClassificationMetrics.describe(other)
                    + " into the detection metrics of another loss");
        }
        count += o.count;
        positives += o.positives;
        boxSum += o.boxSum;
        classSum += o.classSum;
    }

    @Override
    public long count() { return count; }

    public long positives() { return positives; }

    /** Box loss of the split over max(1, N). */
    public double boxLoss() { return boxSum / Math.max(1, positives); }

    public double classLoss() { return classSum / Math.max(1, positives); }

    public double loss() { return boxLoss() + classLoss(); }

    /** [count, positives, box sum bits, class sum bits]. */
    @Override
    public long[] toLongs() {
        return new long[] {count, positives, Double.doubleToRawLongBits(boxSum), Double.doubleToRawLongBits(classSum)};
    }

    static DetectionMetrics fromLongs(SsdLoss loss, long[] a) {
        if (a.length != 4) throw new IllegalArgumentException("detection metrics take 4 longs, got " + a.length);
        DetectionMetrics m = new DetectionMetrics(loss);
        m.count = a[0];
        m.positives = a[1];
        m.boxSum = Double.longBitsToDouble(a[2]);
        m.classSum = Double.longBitsToDouble(a[3]);
        return m;
    }
}
