package io.sparkcnn.model.detect;

/**
 * The default boxes of an {@link AnchorSpec}, location-major: for each feature map, for each
 * cell y, then x, for each of the cell's boxes. Anchor i's centre form (cx, cy, w, h) is at
 * centre[4i..4i+3], its corners (x1, y1, x2, y2) at corners[4i..4i+3], in input pixels; boxes are
 * not clipped to the image (a box at the border keeps its size, as the encoding expects).
 * {@link HeadLayout} maps these indices to where convolution heads put each anchor's values.
 */
public final class Anchors {
    private final AnchorSpec spec;
    private final float[] centre, corners;
    private final int count;

    private Anchors(AnchorSpec spec, float[] centre) {
        this.spec = spec;
        this.centre = centre;
        this.count = centre.length / 4;
        this.corners = new float[centre.length];
        for (int i = 0; i < count; i++) {
            float cx = centre[4 * i], cy = centre[4 * i + 1], hw = centre[4 * i + 2] / 2, hh = centre[4 * i + 3] / 2;
            corners[4 * i] = cx - hw;
            corners[4 * i + 1] = cy - hh;
            corners[4 * i + 2] = cx + hw;
            corners[4 * i + 3] = cy + hh;
        }
    }

    static Anchors of(AnchorSpec spec) {
        float[] c = new float[4 * spec.anchorCount()];
        int at = 0;
        for (FeatureMapAnchors m : spec.maps()) {
            float[] ratios = m.aspectRatios();
            int k = m.anchorsPerCell();
            float[] w = new float[k], h = new float[k];
            for (int r = 0; r < ratios.length; r++) {
                double s = Math.sqrt(ratios[r]);
                w[r] = (float) (m.minSize() * s);
                h[r] = (float) (m.minSize() / s);
            }
            if (m.maxSize() > 0) {
                w[k - 1] = h[k - 1] = (float) Math.sqrt((double) m.minSize() * m.maxSize());
            }
            for (int y = 0; y < m.height(); y++) {
                for (int x = 0; x < m.width(); x++) {
                    float cx = (x + 0.5f) * m.stride(), cy = (y + 0.5f) * m.stride();
                    for (int a = 0; a < k; a++) {
                        c[at++] = cx;
                        c[at++] = cy;
                        c[at++] = w[a];
                        c[at++] = h[a];
                    }
                }
            }
        }
        return new Anchors(spec, c);
    }

    public AnchorSpec spec() { return spec; }

    public int count() { return count; }

    /** Anchor i as a corner box. */
    public Box box(int i) {
        return new Box(corners[4 * i], corners[4 * i + 1], corners[4 * i + 2], corners[4 * i + 3]);
    }

    public float cx(int i) { return centre[4 * i]; }

    public float cy(int i) { return centre[4 * i + 1]; }

    public float w(int i) { return centre[4 * i + 2]; }

    public float h(int i) { return centre[4 * i + 3]; }

    float x1(int i) { return corners[4 * i]; }

    float y1(int i) { return corners[4 * i + 1]; }

    float x2(int i) { return corners[4 * i + 2]; }

    float y2(int i) { return corners[4 * i + 3]; }
}
