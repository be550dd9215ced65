package io.sparkcnn.model.detect;

import io.sparkcnn.model.graph.LossPlan;
import io.sparkcnn.model.graph.LossRuntime;
import io.sparkcnn.model.graph.LossSpec;
import io.sparkcnn.model.losses.SmoothL1;
import io.sparkcnn.model.tensor.Shape;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The box head's loss of an SSD: smooth L1 on the positives' 4 offsets over max(1, N) positives
 * of the batch ({@link MultiBoxLoss#boxLoss}). The head outputs 4 values per anchor in
 * {@link HeadLayout}'s order; its targets are {@link DetectionTargets}' box block (offsets, then
 * labels: 5 floats per anchor).
 */
public record SsdBoxLoss(AnchorSpec anchors, int classes, float beta) implements LossSpec {

    public SsdBoxLoss {
        new SmoothL1(beta);   // the same beta rule
        if (classes < 1) throw new IllegalArgumentException("a detector needs at least 1 object class, got " + classes);
    }

    public SsdBoxLoss(AnchorSpec anchors, int classes) { this(anchors, classes, SmoothL1.DEFAULT_BETA); }

    @Override
    public String type() { return "ssd_box"; }

    /** Throws when the head does not output 4 values per anchor, naming both counts. */
    @Override
    public int targetSize(Shape output) {
        int a = anchors.anchorCount();
        if (output.size() != 4L * a) {
            throw new IllegalArgumentException("the box head outputs " + output + " = " + output.size()
                    + " values per example, but " + a + " anchors need 4 each (" + 4L * a + "): each feature map's box"
                    + " convolution needs anchorsPerCell * 4 channels, flattened and concatenated in the anchors' map order");
        }
        return 5 * a;
    }

    @Override
    public LossRuntime plan(LossPlan p) {
        HeadLayout layout = new HeadLayout(anchors, classes);
        int a = layout.anchors(), size = targetSize(p.outputShape());
        return new HostHeadLoss(p, layout, layout.locSize(), size) {
            final double[] loc = new double[batch * 4 * a], target = new double[batch * 4 * a], dLoc = new double[batch * 4 * a];
            final float[] labels = new float[batch * a];

            @Override
            double loss(boolean wantsGrad) {
                for (int b = 0; b < batch; b++) {
                    layout.gatherLoc(out, b * outSize, loc, b * 4 * a);
                    int t = b * targetSize;
                    for (int i = 0; i < 4 * a; i++) target[b * 4 * a + i] = targets[t + i];
                    System.arraycopy(targets, t + 4 * a, labels, b * a, a);
                }
                java.util.Arrays.fill(dLoc, 0.0);
                double v = MultiBoxLoss.boxLoss(batch, a, classes, loc, target, labels, beta, wantsGrad ? dLoc : null);
                if (wantsGrad) for (int b = 0; b < batch; b++) layout.scatterAddLoc(dLoc, b * 4 * a, grad, b * outSize);
                return v;
            }
        };
    }

    @Override
    public Map<String, Object> toConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("classes", classes);
        m.put("beta", (double) beta);
        m.put("anchors", anchors.toConfig());
        return m;
    }
}
