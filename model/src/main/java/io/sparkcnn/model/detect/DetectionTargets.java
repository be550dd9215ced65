package io.sparkcnn.model.detect;

/**
 * One image's ground truth -> the {@link SsdLoss} target block, anchor-major, {@link #targetSize}
 * floats: 4 offsets per anchor ({@link BoxCoder} against the matched box; 0 where the anchor is
 * not positive), then one label per anchor: its box's class for a positive, 0 for a negative,
 * -1 ({@link MultiBoxLoss#IGNORE_LABEL}) for an ignored anchor.
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

    public AnchorMatcher matcher() { return matcher; }

    public int targetSize() { return 5 * anchors.count(); }

    /** Writes the block at dst[off]; returns the matching (positives, ignored, boxes left without an anchor). */
    public AnchorMatcher.Result encode(GroundTruth gt, float[] dst, int off) {
        AnchorMatcher.Result r = matcher.match(anchors, gt);
        int a = anchors.count();
        for (int i = 0; i < a; i++) {
            int m = r.of(i);
            float label;
            if (m >= 0) {
                coder.encode(anchors, i, gt.box(m), dst, off + 4 * i);
                label = gt.label(m);
            } else {
                for (int k = 0; k < 4; k++) dst[off + 4 * i + k] = 0f;
                label = m == AnchorMatcher.NEGATIVE ? 0f : MultiBoxLoss.IGNORE_LABEL;
            }
            dst[off + 4 * a + i] = label;
        }
        return r;
    }
}
