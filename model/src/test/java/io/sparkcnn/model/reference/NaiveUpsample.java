package io.sparkcnn.model.reference;

/**
 * Nearest and bilinear upsampling of (N*C planes of H,W) by integer factors in double, written
 * as a sum over source cells with interpolation weights, so backward is the transpose of the
 * same weights. Bilinear follows PyTorch's align_corners=false: source = (o + 0.5)/scale - 0.5,
 * clamped at 0, the upper neighbour clamped at the last cell.
 */
public final class NaiveUpsample {
    private NaiveUpsample() {}

    /** weight[o][i]: how much input cell i of one axis feeds output cell o. */
    static double[][] axisWeights(boolean bilinear, int in, int scale) {
        int out = in * scale;
        double[][] wts = new double[out][in];
        for (int o = 0; o < out; o++) {
            if (!bilinear) {
                wts[o][o / scale] = 1;
                continue;
            }
            double src = Math.max(0, (o + 0.5) / scale - 0.5);
            int lo = (int) Math.floor(src);
            int hi = Math.min(lo + 1, in - 1);
            double frac = src - lo;
            wts[o][lo] += 1 - frac;
            wts[o][hi] += frac;
        }
        return wts;
    }

    // x (P,H,W) -> y (P,H*sh,W*sw)
    public static double[] forward(boolean bilinear, int planes, int h, int w, int sh, int sw, double[] x) {
        double[][] wy = axisWeights(bilinear, h, sh), wx = axisWeights(bilinear, w, sw);
        int oh = h * sh, ow = w * sw;
        double[] y = new double[planes * oh * ow];
        for (int p = 0; p < planes; p++) {
            for (int a = 0; a < oh; a++) {
                for (int b = 0; b < ow; b++) {
                    double v = 0;
                    for (int i = 0; i < h; i++) {
                        for (int j = 0; j < w; j++) v += wy[a][i] * wx[b][j] * x[(p * h + i) * w + j];
                    }
                    y[(p * oh + a) * ow + b] = v;
                }
            }
        }
        return y;
    }

    // dy (P,H*sh,W*sw) -> dx (P,H,W)
    public static double[] backward(boolean bilinear, int planes, int h, int w, int sh, int sw, double[] dy) {
        double[][] wy = axisWeights(bilinear, h, sh), wx = axisWeights(bilinear, w, sw);
        int oh = h * sh, ow = w * sw;
        double[] dx = new double[planes * h * w];
        for (int p = 0; p < planes; p++) {
            for (int a = 0; a < oh; a++) {
                for (int b = 0; b < ow; b++) {
                    for (int i = 0; i < h; i++) {
                        for (int j = 0; j < w; j++) dx[(p * h + i) * w + j] += wy[a][i] * wx[b][j] * dy[(p * oh + a) * ow + b];
                    }
                }
            }
        }
        return dx;
    }
}
