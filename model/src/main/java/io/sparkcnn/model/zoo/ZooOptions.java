package io.sparkcnn.model.zoo;

import java.util.Arrays;

/**
 * Size knobs of the segmentation models, 0 / null for the model's default: width (filters of
 * the first stage; later stages double it), depth (FCN: convolutions per stage; U-Net: levels;
 * DeepLab: stride-2 stages, so the output stride is 2^depth) and DeepLab's dilation rates.
 * The detector ssd takes width (its stem's filters) and depth (its feature maps).
 * Classification models take none.
 */
public record ZooOptions(int width, int depth, int[] rates) {
    public static final ZooOptions DEFAULTS = new ZooOptions(0, 0, null);

    public ZooOptions {
        if (width < 0) throw new IllegalArgumentException("width must be positive, got " + width);
        if (depth < 0) throw new IllegalArgumentException("depth must be positive, got " + depth);
        if (rates != null) {
            if (rates.length == 0) throw new IllegalArgumentException("rates must list at least one dilation rate");
            for (int r : rates) if (r < 1) throw new IllegalArgumentException("dilation rates must be >= 1, got " + Arrays.toString(rates));
            rates = rates.clone();
        }
    }

    public boolean isDefault() { return width == 0 && depth == 0 && rates == null; }

    int widthOr(int fallback) { return width == 0 ? fallback : width; }

    int depthOr(int fallback) { return depth == 0 ? fallback : depth; }

    int[] ratesOr(int... fallback) { return rates == null ? fallback : rates.clone(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof ZooOptions z && z.width == width && z.depth == depth && Arrays.equals(z.rates, rates);
    }

    @Override
    public int hashCode() { return 31 * (31 * width + depth) + Arrays.hashCode(rates); }

    @Override
    public String toString() { return "width " + width + ", depth " + depth + ", rates " + Arrays.toString(rates); }
}
