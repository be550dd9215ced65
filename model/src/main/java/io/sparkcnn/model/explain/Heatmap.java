package io.sparkcnn.model.explain;

/**
 * A class activation map made displayable: ReLU (only evidence for the class is shown, as in
 * Grad-CAM), bilinear upsampling to the image (half-pixel centres, edges clamped: PyTorch's
 * {@code interpolate(mode="bilinear", align_corners=False)}, OpenCV's resize), divided by its
 * maximum so it spans [0, 1]. A map with no positive value stays all zeros.
 */
public final class Heatmap {
    private Heatmap() {}

    /** The raw map (h x w) as a new outH x outW heatmap in [0, 1]. */
    public static float[] normalised(float[] raw, int h, int w, int outH, int outW) {
        if (raw.length < h * w) throw new IllegalArgumentException("map of " + raw.length + " values is not " + h + "x" + w);
        float[] out = new float[outH * outW];
        float max = 0f;
        for (int y = 0; y < outH; y++) {
            double sy = clamp((y + 0.5) * h / outH - 0.5, h - 1);
            int y0 = (int) sy, y1 = Math.min(y0 + 1, h - 1);
            double fy = sy - y0;
            for (int x = 0; x < outW; x++) {
                double sx = clamp((x + 0.5) * w / outW - 0.5, w - 1);
                int x0 = (int) sx, x1 = Math.min(x0 + 1, w - 1);
                double fx = sx - x0;
                double v = (1 - fy) * ((1 - fx) * relu(raw[y0 * w + x0]) + fx * relu(raw[y0 * w + x1]))
                        + fy * ((1 - fx) * relu(raw[y1 * w + x0]) + fx * relu(raw[y1 * w + x1]));
                out[y * outW + x] = (float) v;
                max = Math.max(max, (float) v);
            }
        }
        if (max > 0f) for (int i = 0; i < out.length; i++) out[i] /= max;
        return out;
    }

    private static double relu(float v) { return v > 0 ? v : 0; }

    private static double clamp(double v, int max) { return v < 0 ? 0 : Math.min(v, max); }
}
