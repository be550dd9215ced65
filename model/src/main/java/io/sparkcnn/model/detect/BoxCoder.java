package io.sparkcnn.model.detect;

/**
 * SSD's box offsets relative to an anchor, centre-size form with variances (v0, v1, v2, v3):
 * dx = (cx - acx) / (aw v0), dy = (cy - acy) / (ah v1), dw = ln(w / aw) / v2,
 * dh = ln(h / ah) / v3. {@link #decode} inverts {@link #encode} (up to float rounding).
 * Decoded widths are capped at exp(MAX_LOG_SCALE) anchor widths, so an untrained head cannot
 * overflow to infinity (torchvision caps at ln(1000/16) the same way).
 */
public record BoxCoder(float v0, float v1, float v2, float v3) {
    public static final BoxCoder SSD = new BoxCoder(0.1f, 0.1f, 0.2f, 0.2f);
    static final double MAX_LOG_SCALE = Math.log(1000.0 / 16);

    public BoxCoder {
        for (float v : new float[] {v0, v1, v2, v3}) {
            if (!(v > 0) || Float.isInfinite(v)) {
                throw new IllegalArgumentException("box variances must be positive and finite, got (" + v0 + ", " + v1
                        + ", " + v2 + ", " + v3 + ")");
            }
        }
    }

    /** The 4 offsets of box b (positive width and height) against anchor i, into dst[off..off+3]. */
    public void encode(Anchors anchors, int i, Box b, float[] dst, int off) {
        float w = b.width(), h = b.height();
        if (!(w > 0) || !(h > 0)) throw new IllegalArgumentException("cannot encode the empty box " + b);
        double aw = anchors.w(i), ah = anchors.h(i);
        dst[off] = (float) (((b.x1() + w / 2.0) - anchors.cx(i)) / (aw * v0));
        dst[off + 1] = (float) (((b.y1() + h / 2.0) - anchors.cy(i)) / (ah * v1));
        dst[off + 2] = (float) (Math.log(w / aw) / v2);
        dst[off + 3] = (float) (Math.log(h / ah) / v3);
    }

    /** The box that offsets src[off..off+3] describe against anchor i. */
    public Box decode(Anchors anchors, int i, float[] src, int off) {
        return decode(anchors, i, src[off], src[off + 1], src[off + 2], src[off + 3]);
    }

    public Box decode(Anchors anchors, int i, float dx, float dy, float dw, float dh) {
        double aw = anchors.w(i), ah = anchors.h(i);
        double cx = anchors.cx(i) + dx * v0 * aw, cy = anchors.cy(i) + dy * v1 * ah;
        double w = aw * Math.exp(Math.min(dw * (double) v2, MAX_LOG_SCALE));
        double h = ah * Math.exp(Math.min(dh * (double) v3, MAX_LOG_SCALE));
        return new Box((float) (cx - w / 2), (float) (cy - h / 2), (float) (cx + w / 2), (float) (cy + h / 2));
    }
}
