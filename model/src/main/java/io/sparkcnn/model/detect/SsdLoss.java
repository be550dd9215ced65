package io.sparkcnn.model.detect;

import io.sparkcnn.model.graph.LossPlan;
import io.sparkcnn.model.graph.LossRuntime;
import io.sparkcnn.model.graph.LossSpec;
import io.sparkcnn.model.losses.SmoothL1;
import io.sparkcnn.model.tensor.Shape;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SSD's MultiBox loss as one loss head: box loss + class loss ({@link MultiBoxLoss}: smooth L1 on
 * the positives' offsets, softmax cross-entropy on the positives and the hard negatives mined
 * negPosRatio : 1 per image, minNegatives for an image without positives, both over max(1, N)
 * positives of the batch).
 *
 * <p>The head is one node holding, per example, the box head's 4 values per anchor and then the
 * class head's classes + 1 scores per anchor, each in {@link HeadLayout}'s order (a Concat of the
 * two flattened-and-concatenated heads). One node and one target block per example
 * ({@link DetectionTargets}: 4 offsets per anchor, then a label per anchor) keep the jobs'
 * per-example target encoding; two heads would lay targets out head after head over the batch.
 */
public record SsdLoss(AnchorSpec anchors, int classes, float beta, int negPosRatio, int minNegatives) implements LossSpec {
    public static final int SSD_RATIO = 3;
    /** Negatives an image without positives keeps: as many as an image with one box. */
    public static final int DEFAULT_MIN_NEGATIVES = SSD_RATIO;

    public SsdLoss {
        if (anchors == null) throw new IllegalArgumentException("ssd loss: needs the anchors");
        if (classes < 1) throw new IllegalArgumentException("ssd loss: a detector needs at least 1 object class, got " + classes);
        new SmoothL1(beta);   // the same beta rule
        if (negPosRatio < 1) throw new IllegalArgumentException("ssd loss: neg_pos_ratio must be >= 1, got " + negPosRatio);
        if (minNegatives < 0) throw new IllegalArgumentException("ssd loss: min_negatives must be >= 0, got " + minNegatives);
    }

    public SsdLoss(AnchorSpec anchors, int classes) {
        this(anchors, classes, SmoothL1.DEFAULT_BETA, SSD_RATIO, DEFAULT_MIN_NEGATIVES);
    }

    @Override
    public String type() { return "ssd"; }

    /** Values the head node outputs per example: (4 + classes + 1) per anchor. */
    public long headSize() { return (long) (4 + classes + 1) * anchors.anchorCount(); }

    /** Throws when the node does not hold 4 box values and classes + 1 scores per anchor, naming the counts. */
    @Override
    public int targetSize(Shape output) {
        int a = anchors.anchorCount();
        if (output.size() != headSize()) {
            throw new IllegalArgumentException("the detection head outputs " + output + " = " + output.size()
                    + " values per example, but " + a + " anchors need 4 box values and " + (classes + 1) + " scores ("
                    + classes + " classes + background) each = " + headSize() + ": each feature map's box convolution needs"
                    + " anchorsPerCell * 4 channels and its class convolution anchorsPerCell * " + (classes + 1)
                    + ", flattened and concatenated in the anchors' map order, boxes before scores");
        }
        return 5 * a;
    }

    @Override
    public LossRuntime plan(LossPlan p) {
        HeadLayout layout = new HeadLayout(anchors, classes);
        int a = layout.anchors(), s = classes + 1, confStart = layout.locSize();
        return new HostHeadLoss(p, (int) headSize(), targetSize(p.outputShape())) {
            final double[] loc = new double[batch * 4 * a], target = new double[batch * 4 * a], dLoc = new double[batch * 4 * a];
            final double[] conf = new double[batch * s * a], dConf = new double[batch * s * a];
            final float[] labels = new float[batch * a];
            final boolean[] selected = new boolean[batch * a];
            final long[] scratch = new long[a];

            @Override
            double loss(boolean wantsGrad) {
                for (int b = 0; b < batch; b++) {
                    layout.gatherLoc(out, b * outSize, loc, b * 4 * a);
                    layout.gatherConf(out, b * outSize + confStart, conf, b * s * a);
                    int t = b * targetSize;
                    for (int i = 0; i < 4 * a; i++) target[b * 4 * a + i] = targets[t + i];
                    System.arraycopy(targets, t + 4 * a, labels, b * a, a);
                }
                java.util.Arrays.fill(dLoc, 0.0);
                java.util.Arrays.fill(dConf, 0.0);
                MultiBoxLoss.mine(batch, a, classes, conf, labels, negPosRatio, minNegatives, selected, scratch);
                double v = MultiBoxLoss.boxLoss(batch, a, classes, loc, target, labels, beta, wantsGrad ? dLoc : null)
                        + MultiBoxLoss.classLoss(batch, a, classes, conf, labels, selected, wantsGrad ? dConf : null);
                if (wantsGrad) {
                    for (int b = 0; b < batch; b++) {
                        layout.scatterAddLoc(dLoc, b * 4 * a, grad, b * outSize);
                        layout.scatterAddConf(dConf, b * s * a, grad, b * outSize + confStart);
                    }
                }
                return v;
            }
        };
    }

    @Override
    public Map<String, Object> toConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("classes", classes);
        m.put("beta", (double) beta);
        m.put("neg_pos_ratio", negPosRatio);
        m.put("min_negatives", minNegatives);
        m.put("anchors", anchors.toConfig());
        return m;
    }
}
