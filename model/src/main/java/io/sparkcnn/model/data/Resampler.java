package io.sparkcnn.model.data;

/**
 * Pixel resampling without AWT: area averaging by an integer factor first (so large downscales
 * do not alias), then bilinear to the exact size; nearest neighbour for label maps.
 */
final class Resampler {
    private Resampler() {
    }

    static RgbImage resizeRgb(RgbImage src, int w, int h) {
        RgbImage s = src;
        int f = Math.min(s.width() / w, s.height() / h);
        if (f >= 2) {
            s = boxDown(s, f);
        }
        if (s.width() == w && s.height() == h) {
            return s;
        }
        return bilinear(s, w, h);
    }

    /** Averages f x f blocks (the right border blocks may be partial and are averaged over what exists). */
    static RgbImage boxDown(RgbImage s, int f) {
        int sw = s.width();
        int sh = s.height();
        int w = (sw + f - 1) / f;
        int h = (sh + f - 1) / f;
        byte[] in = s.pixels();
        byte[] out = new byte[w * h * 3];
        int[] acc = new int[w * 3];
        int[] cnt = new int[w];
        for (int oy = 0; oy < h; oy++) {
            java.util.Arrays.fill(acc, 0);
            java.util.Arrays.fill(cnt, 0);
            int y1 = Math.min(sh, (oy + 1) * f);
            for (int y = oy * f; y < y1; y++) {
                int row = y * sw * 3;
                for (int x = 0; x < sw; x++) {
                    int ox = x / f;
                    int i = row + x * 3;
                    acc[ox * 3] += in[i] & 0xff;
                    acc[ox * 3 + 1] += in[i + 1] & 0xff;
                    acc[ox * 3 + 2] += in[i + 2] & 0xff;
                    cnt[ox]++;
                }
            }
            for (int ox = 0; ox < w; ox++) {
                int o = (oy * w + ox) * 3;
                int c = cnt[ox];
                out[o] = (byte) ((acc[ox * 3] + c / 2) / c);
                out[o + 1] = (byte) ((acc[ox * 3 + 1] + c / 2) / c);
                out[o + 2] = (byte) ((acc[ox * 3 + 2] + c / 2) / c);
            }
        }
        return new RgbImage(w, h, out);
    }

    /** Bilinear with pixel centres aligned (half-pixel offset), edges clamped. */
    static RgbImage bilinear(RgbImage s, int w, int h) {
        int sw = s.width();
        int sh = s.height();
        byte[] in = s.pixels();
        byte[] out = new byte[w * h * 3];
        double sx = (double) sw / w;
        double sy = (double) sh / h;
        int[] x0 = new int[w];
        int[] x1 = new int[w];
        float[] fx = new float[w];
        for (int x = 0; x < w; x++) {
            double p = Math.max(0, (x + 0.5) * sx - 0.5);
            x0[x] = Math.min(sw - 1, (int) p);
            x1[x] = Math.min(sw - 1, x0[x] + 1);
            fx[x] = (float) (p - x0[x]);
        }
        for (int y = 0; y < h; y++) {
            double p = Math.max(0, (y + 0.5) * sy - 0.5);
            int y0 = Math.min(sh - 1, (int) p);
            int y1 = Math.min(sh - 1, y0 + 1);
            float fy = (float) (p - y0);
            int r0 = y0 * sw * 3;
            int r1 = y1 * sw * 3;
            for (int x = 0; x < w; x++) {
                int a = r0 + x0[x] * 3;
                int b = r0 + x1[x] * 3;
                int c = r1 + x0[x] * 3;
                int d = r1 + x1[x] * 3;
                float wx = fx[x];
                int o = (y * w + x) * 3;
                for (int ch = 0; ch < 3; ch++) {
                    float top = (in[a + ch] & 0xff) + wx * ((in[b + ch] & 0xff) - (in[a + ch] & 0xff));
                    float bot = (in[c + ch] & 0xff) + wx * ((in[d + ch] & 0xff) - (in[c + ch] & 0xff));
                    out[o + ch] = (byte) (int) (top + fy * (bot - top) + 0.5f);
                }
            }
        }
        return new RgbImage(w, h, out);
    }

    static GrayImage resizeNearest(GrayImage s, int w, int h) {
        int[] out = new int[w * h];
        for (int y = 0; y < h; y++) {
            int sy = Math.min(s.height() - 1, (int) ((y + 0.5) * s.height() / h));
            for (int x = 0; x < w; x++) {
                int sx = Math.min(s.width() - 1, (int) ((x + 0.5) * s.width() / w));
                out[y * w + x] = s.values()[sy * s.width() + sx];
            }
        }
        return new GrayImage(w, h, out);
    }

    static RgbImage crop(RgbImage s, ResizePolicy.Geometry g) {
        if (g.x() == 0 && g.y() == 0 && g.width() == s.width() && g.height() == s.height()) {
            return s;
        }
        byte[] out = new byte[g.width() * g.height() * 3];
        for (int y = 0; y < g.height(); y++) {
            System.arraycopy(s.pixels(), ((g.y() + y) * s.width() + g.x()) * 3, out, y * g.width() * 3, g.width() * 3);
        }
        return new RgbImage(g.width(), g.height(), out);
    }

    static GrayImage crop(GrayImage s, ResizePolicy.Geometry g) {
        if (g.x() == 0 && g.y() == 0 && g.width() == s.width() && g.height() == s.height()) {
            return s;
        }
        int[] out = new int[g.width() * g.height()];
        for (int y = 0; y < g.height(); y++) {
            System.arraycopy(s.values(), (g.y() + y) * s.width() + g.x(), out, y * g.width(), g.width());
        }
        return new GrayImage(g.width(), g.height(), out);
    }
}
