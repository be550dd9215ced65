package io.sparkcnn.model.detect;

/**
 * One image's ground truth -> the two heads' target blocks, anchor-major:
 * <ul>
 * <li>box head, {@link #boxTargetSize} floats: 4 offsets per anchor ({@link BoxCoder} against
 *     the matched box; 0 where the anchor is not positive), then the anchor labels;</li>
 * <li>class head, {@link #classTargetSize} floats: the anchor labels.</li>
 * </ul>
 * An anchor's label is its box's class for a positive, 0 for a negative, -1
 * ({@link MultiBoxLoss#IGNORE_LABEL}) for an ignored anchor. Both heads carry the labels, so
 * each loss head finds the positives (and N) in its own target block.
 */
public final class DetectionTargets {
    private final Anchors anchors;
    private final BoxCoder coder;
    private final AnchorMatcher matcher;

    public DetectionTargets(Anchors anchors, BoxCoder coder, AnchorMatcher matcher) {
        this.anchors = anchors;
        this.coder = coder;
        this.matcher = matcher;
    }

    public Anchors anchors() { return anchors; }

    public BoxCoder coder() { return coder; }

    public int boxTargetSize() { return 5 * anchors.count(); }

    public int classTargetSize() { return anchors.count(); }

    /** Writes both blocks; returns the matching (positives, ignored, boxes left without an anchor). */
    public AnchorMatcher.Result encode(GroundTruth gt, float[] box, int boxOff, float[] cls, int clsOff) {
        AnchorMatcher.Result r = matcher.match(anchors, gt);
        int a = anchors.count();
        for (int i = 0; i < a; i++) {
            int m = r.of(i);
            float label;
            if (m >= 0) {
                coder.encode(anchors, i, gt.box(m), box, boxOff + 4 * i);
                label = gt.label(m);
            } else {
                for (int k = 0; k < 4; k++) box[boxOff + 4 * i + k] = 0f;
                label = m == AnchorMatcher.NEGATIVE ? 0f : MultiBoxLoss.IGNORE_LABEL;
            }
            box[boxOff + 4 * a + i] = label;
            cls[clsOff + i] = label;
        }
        return r;
    }
}
