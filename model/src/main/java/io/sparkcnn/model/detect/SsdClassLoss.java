package io.sparkcnn.model.detect;

import io.sparkcnn.model.graph.LossPlan;
import io.sparkcnn.model.graph.LossRuntime;
import io.sparkcnn.model.graph.LossSpec;
import io.sparkcnn.model.tensor.Shape;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The class head's loss of an SSD: softmax cross-entropy over classes + 1 scores (0 =
 * background) on the positives and the hard negatives mined per image at negPosRatio : 1
 * (minNegatives for an image without positives), over max(1, N) positives of the batch
 * ({@link MultiBoxLoss}). Targets: {@link DetectionTargets}' class block (one label per anchor).
 */
public record SsdClassLoss(AnchorSpec anchors, int classes, int negPosRatio, int minNegatives) implements LossSpec {
    public static final int SSD_RATIO = 3;
    /** Negatives an image without positives keeps: as many as an image with one box. */
    public static final int DEFAULT_MIN_NEGATIVES = SSD_RATIO;

    public SsdClassLoss {
        if (classes < 1) throw new IllegalArgumentException("a detector needs at least 1 object class, got " + classes);
        if (negPosRatio < 1) throw new IllegalArgumentException("hard-negative mining: neg_pos_ratio must be >= 1, got " + negPosRatio);
        if (minNegatives < 0) throw new IllegalArgumentException("hard-negative mining: min_negatives must be >= 0, got " + minNegatives);
    }

    public SsdClassLoss(AnchorSpec anchors, int classes) { this(anchors, classes, SSD_RATIO, DEFAULT_MIN_NEGATIVES); }

    @Override
    public String type() { return "ssd_class"; }

    @Override
    public int targetSize(Shape output) {
        int a = anchors.anchorCount();
        if (output.size() != (long) (classes + 1) * a) {
            throw new IllegalArgumentException("the class head outputs " + output + " = " + output.size()
                    + " values per example, but " + a + " anchors need " + (classes + 1) + " scores each (" + classes
                    + " classes + background = " + (long) (classes + 1) * a + "): each feature map's class convolution"
                    + " needs anchorsPerCell * (classes + 1) channels, flattened and concatenated in the anchors' map order");
        }
        return a;
    }

    @Override
    public LossRuntime plan(LossPlan p) {
        HeadLayout layout = new HeadLayout(anchors, classes);
        int a = layout.anchors(), s = classes + 1;
        return new HostHeadLoss(p, layout, layout.confSize(), targetSize(p.outputShape())) {
            final double[] conf = new double[batch * s * a], dConf = new double[batch * s * a];
            final boolean[] selected = new boolean[batch * a];
            final long[] scratch = new long[a];

            @Override
            double loss(boolean wantsGrad) {
                for (int b = 0; b < batch; b++) layout.gatherConf(out, b * outSize, conf, b * s * a);
                MultiBoxLoss.mine(batch, a, classes, conf, targets, negPosRatio, minNegatives, selected, scratch);
                java.util.Arrays.fill(dConf, 0.0);
                double v = MultiBoxLoss.classLoss(batch, a, classes, conf, targets, selected, wantsGrad ? dConf : null);
                if (wantsGrad) for (int b = 0; b < batch; b++) layout.scatterAddConf(dConf, b * s * a, grad, b * outSize);
                return v;
            }
        };
    }

    @Override
    public Map<String, Object> toConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("classes", classes);
        m.put("neg_pos_ratio", negPosRatio);
        m.put("min_negatives", minNegatives);
        m.put("anchors", anchors.toConfig());
        return m;
    }
}
