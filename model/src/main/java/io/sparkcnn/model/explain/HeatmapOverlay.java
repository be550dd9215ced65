package io.sparkcnn.model.explain;

import io.sparkcnn.model.data.ImageCodec;
import io.sparkcnn.model.data.RgbImage;

/**
 * A heatmap in [0, 1] drawn through the jet colour map (blue for 0, through cyan, yellow, to
 * red for 1; matplotlib's piecewise-linear jet) and blended over its image:
 * out = (1 - alpha) image + alpha colour. What explain writes, and what a report embeds.
 */
public final class HeatmapOverlay {
    private HeatmapOverlay() {}

    /** Jet's colour of v in [0, 1] (clamped) as 0xRRGGBB. */
    public static int jet(float v) {
        double x = v < 0 ? 0 : Math.min(v, 1);
        int r = channel(1.5 - Math.abs(4 * x - 3)), g = channel(1.5 - Math.abs(4 * x - 2)), b = channel(1.5 - Math.abs(4 * x - 1));
        return (r << 16) | (g << 8) | b;
    }

    private static int channel(double v) { return (int) Math.round(255 * (v < 0 ? 0 : Math.min(v, 1))); }

    /** The image with the heatmap (width x height values, row-major) blended in with weight alpha in [0, 1]. */
    public static RgbImage overlay(RgbImage image, float[] heat, double alpha) {
        int n = image.width() * image.height();
        if (heat.length != n) {
            throw new IllegalArgumentException("heatmap of " + heat.length + " values for a " + image.width() + "x"
                    + image.height() + " image");
        }
        if (!(alpha >= 0 && alpha <= 1)) throw new IllegalArgumentException("overlay alpha must be in [0, 1], got " + alpha);
        byte[] in = image.pixels(), out = new byte[in.length];
        for (int i = 0; i < n; i++) {
            int rgb = jet(heat[i]);
            for (int c = 0; c < 3; c++) {
                int colour = (rgb >> (16 - 8 * c)) & 0xff;
                out[3 * i + c] = (byte) Math.round((1 - alpha) * (in[3 * i + c] & 0xff) + alpha * colour);
            }
        }
        return new RgbImage(image.width(), image.height(), out);
    }

    /** {@link #overlay} as a PNG. */
    public static byte[] overlayPng(RgbImage image, float[] heat, double alpha) {
        return ImageCodec.encodePng(overlay(image, heat, alpha));
    }

    /** The image enlarged scale times by pixel replication (a 28x28 input is too small to look at). */
    public static RgbImage enlarged(RgbImage image, int scale) {
        if (scale < 1) throw new IllegalArgumentException("scale must be at least 1, got " + scale);
        if (scale == 1) return image;
        int w = image.width() * scale, h = image.height() * scale;
        byte[] src = image.pixels(), dst = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int s = ((y / scale) * image.width() + x / scale) * 3, d = (y * w + x) * 3;
                dst[d] = src[s];
                dst[d + 1] = src[s + 1];
                dst[d + 2] = src[s + 2];
            }
        }
        return new RgbImage(w, h, dst);
    }
}
