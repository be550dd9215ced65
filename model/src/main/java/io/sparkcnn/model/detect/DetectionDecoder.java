package io.sparkcnn.model.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Raw head outputs of one example ({@link SsdLoss}'s node: box values, then scores) -> candidate
 * detections: per anchor the softmax over classes + 1, and for every object class whose score
 * reaches scoreThreshold the anchor's decoded box ({@link BoxCoder}), clipped to the input;
 * at most maxPerClass of the highest scores per class (ties: lower anchor first). Non-maximum
 * suppression and the final top-k per image come after this, per class.
 */
public final class DetectionDecoder {
    private final Anchors anchors;
    private final HeadLayout layout;
    private final BoxCoder coder;

    public DetectionDecoder(Anchors anchors, int classes, BoxCoder coder) {
        this.anchors = anchors;
        this.layout = new HeadLayout(anchors.spec(), classes);
        this.coder = coder;
    }

    /** Floats of one example's output. */
    public int outputSize() { return layout.locSize() + layout.confSize(); }

    public List<ScoredBox> decode(float[] outputs, int off, float scoreThreshold, int maxPerClass) {
        if (!(scoreThreshold >= 0) || scoreThreshold > 1) {
            throw new IllegalArgumentException("score threshold must be in [0, 1], got " + scoreThreshold);
        }
        if (maxPerClass < 1) throw new IllegalArgumentException("detections per class must be >= 1, got " + maxPerClass);
        int classes = layout.classes(), s = classes + 1, conf = off + layout.locSize();
        float w = anchors.spec().imageWidth(), h = anchors.spec().imageHeight();
        List<List<ScoredBox>> perClass = new ArrayList<>(classes);
        for (int c = 0; c < classes; c++) perClass.add(new ArrayList<>());
        double[] p = new double[s];
        for (int j = 0; j < layout.anchors(); j++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < s; c++) max = Math.max(max, p[c] = outputs[conf + layout.conf(j, c)]);
            double z = 0;
            for (int c = 0; c < s; c++) z += p[c] = Math.exp(p[c] - max);
            Box box = null;
            for (int c = 1; c < s; c++) {
                float score = (float) (p[c] / z);
                if (!(score >= scoreThreshold)) continue;
                if (box == null) {
                    Box b = coder.decode(anchors, j, outputs[off + layout.loc(j, 0)], outputs[off + layout.loc(j, 1)],
                            outputs[off + layout.loc(j, 2)], outputs[off + layout.loc(j, 3)]);
                    box = new Box(clamp(b.x1(), w), clamp(b.y1(), h), clamp(b.x2(), w), clamp(b.y2(), h));
                }
                perClass.get(c - 1).add(new ScoredBox(box, c, score));
            }
        }
        List<ScoredBox> out = new ArrayList<>();
        for (List<ScoredBox> l : perClass) {
            l.sort(Comparator.comparingDouble((ScoredBox b) -> -b.score()));   // stable: anchor order on ties
            out.addAll(l.subList(0, Math.min(maxPerClass, l.size())));
        }
        return out;
    }

    private static float clamp(float v, float max) { return Math.max(0f, Math.min(v, max)); }
}
