package io.sparkcnn.model.detect;

/**
 * Where each anchor's values sit in the two head outputs of one example. Each feature map's box
 * head is a convolution with anchorsPerCell * 4 channels and its class head one with
 * anchorsPerCell * (classes + 1); both are flattened ((C,H,W) order) and concatenated map after
 * map. So box value k of anchor (map, y, x, a) is at locBase(map) + (4a + k) H W + y W + x, and
 * class c's logit at confBase(map) + ((classes + 1) a + c) H W + y W + x. The anchor order stays
 * location-major ({@link Anchors}); this layout is what the network produces without a permute.
 */
public final class HeadLayout {
    private final int classes, anchors;
    private final int[] locOffset, confOffset, stride;

    /** classes: object classes, not counting the background (class 0 of the class head). */
    public HeadLayout(AnchorSpec spec, int classes) {
        if (classes < 1) throw new IllegalArgumentException("a detector needs at least 1 object class, got " + classes);
        this.classes = classes;
        this.anchors = spec.anchorCount();
        locOffset = new int[anchors];
        confOffset = new int[anchors];
        stride = new int[anchors];
        int j = 0, locBase = 0, confBase = 0, scores = classes + 1;
        for (FeatureMapAnchors m : spec.maps()) {
            int hw = m.height() * m.width(), k = m.anchorsPerCell();
            for (int y = 0; y < m.height(); y++) {
                for (int x = 0; x < m.width(); x++) {
                    for (int a = 0; a < k; a++, j++) {
                        locOffset[j] = locBase + 4 * a * hw + y * m.width() + x;
                        confOffset[j] = confBase + scores * a * hw + y * m.width() + x;
                        stride[j] = hw;
                    }
                }
            }
            locBase += 4 * k * hw;
            confBase += scores * k * hw;
        }
    }

    public int classes() { return classes; }

    public int anchors() { return anchors; }

    /** Floats of the box head per example: 4 per anchor. */
    public int locSize() { return 4 * anchors; }

    /** Floats of the class head per example: classes + 1 per anchor (0 = background). */
    public int confSize() { return (classes + 1) * anchors; }

    /** Offset within one example's box head of anchor j's value k (dx, dy, dw, dh). */
    public int loc(int j, int k) { return locOffset[j] + k * stride[j]; }

    /** Offset within one example's class head of anchor j's logit for class c (0 = background). */
    public int conf(int j, int c) { return confOffset[j] + c * stride[j]; }

    /** One example's box head (head layout, from src[off]) -> anchor-major (anchor, 4) doubles at dst[dstOff]. */
    public void gatherLoc(float[] src, int off, double[] dst, int dstOff) {
        for (int j = 0; j < anchors; j++) for (int k = 0; k < 4; k++) dst[dstOff + 4 * j + k] = src[off + loc(j, k)];
    }

    /** One example's class head -> anchor-major (anchor, classes + 1) doubles. */
    public void gatherConf(float[] src, int off, double[] dst, int dstOff) {
        int s = classes + 1;
        for (int j = 0; j < anchors; j++) for (int c = 0; c < s; c++) dst[dstOff + s * j + c] = src[off + conf(j, c)];
    }

    /** Adds anchor-major (anchor, 4) values into one example's box head gradient. */
    public void scatterAddLoc(double[] src, int srcOff, float[] dst, int off) {
        for (int j = 0; j < anchors; j++) for (int k = 0; k < 4; k++) dst[off + loc(j, k)] += (float) src[srcOff + 4 * j + k];
    }

    /** Adds anchor-major (anchor, classes + 1) values into one example's class head gradient. */
    public void scatterAddConf(double[] src, int srcOff, float[] dst, int off) {
        int s = classes + 1;
        for (int j = 0; j < anchors; j++) for (int c = 0; c < s; c++) dst[off + conf(j, c)] += (float) src[srcOff + s * j + c];
    }
}
