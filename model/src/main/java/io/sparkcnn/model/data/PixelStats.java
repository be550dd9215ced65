package io.sparkcnn.model.data;

/**
 * Per-channel sums of pixel values scaled to [0,1]; rows store these so the manifest's mean/std
 * are one cheap column aggregation, also across incremental runs.
 */
public record PixelStats(double[] sum, double[] sumSq, long count) {
    public static PixelStats of(RgbImage img) {
        return of(img.pixels(), 3);
    }

    /** Stats of interleaved uint8 pixels with {@code channels} channels. */
    public static PixelStats of(byte[] p, int channels) {
        double[] s = new double[channels];
        double[] q = new double[channels];
        long[] is = new long[channels];
        long[] iq = new long[channels];
        for (int i = 0; i < p.length; i += channels) {
            for (int c = 0; c < channels; c++) {
                int v = p[i + c] & 0xff;
                is[c] += v;
                iq[c] += v * v;
            }
        }
        for (int c = 0; c < channels; c++) {
            s[c] = is[c] / 255.0;
            q[c] = iq[c] / (255.0 * 255.0);
        }
        return new PixelStats(s, q, p.length / channels);
    }

    public double[] mean() {
        double[] m = new double[sum.length];
        for (int c = 0; c < m.length; c++) {
            m[c] = count == 0 ? 0 : sum[c] / count;
        }
        return m;
    }

    /** Population standard deviation per channel. */
    public double[] std() {
        double[] m = mean();
        double[] s = new double[sum.length];
        for (int c = 0; c < s.length; c++) {
            s[c] = count == 0 ? 0 : Math.sqrt(Math.max(0, sumSq[c] / count - m[c] * m[c]));
        }
        return s;
    }
}
