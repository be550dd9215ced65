package io.sparkcnn.model.detect;

import java.util.Arrays;

/**
 * The default boxes of one feature map: a height x width grid whose cell (y, x) is centred at
 * ((x + 0.5) stride, (y + 0.5) stride) input pixels. At each cell one box per aspect ratio r
 * (width / height) of area minSize^2 (width minSize sqrt(r), height minSize / sqrt(r)), in the
 * order given, then, when maxSize &gt; 0, SSD's extra square box of side sqrt(minSize maxSize).
 * Sizes are in input pixels; {@link AnchorSpec#liu} derives them from scales as Liu et al.
 */
public record FeatureMapAnchors(int height, int width, float stride, float minSize, float maxSize, float[] aspectRatios) {

    public FeatureMapAnchors {
        aspectRatios = aspectRatios == null ? null : aspectRatios.clone();
    }

    /** Boxes per grid cell. */
    public int anchorsPerCell() { return aspectRatios.length + (maxSize > 0 ? 1 : 0); }

    public int anchorCount() { return height * width * anchorsPerCell(); }

    @Override
    public float[] aspectRatios() { return aspectRatios.clone(); }

    /**
     * Throws {@link IllegalArgumentException} naming the setting ({@code where}.min_size, ...)
     * and the rule it breaks.
     */
    void validate(String where, int imageWidth, int imageHeight) {
        if (height <= 0 || width <= 0) {
            throw bad(where, "height/width", "the grid must be at least 1x1, got " + height + "x" + width);
        }
        if (!(stride > 0) || Float.isInfinite(stride)) throw bad(where, "stride", "must be positive and finite, got " + stride);
        if ((width - 0.5) * stride > imageWidth || (height - 0.5) * stride > imageHeight) {
            throw bad(where, "stride", "stride " + stride + " puts the last cell centre at (x " + (width - 0.5) * stride
                    + ", y " + (height - 0.5) * stride + "), outside the " + imageWidth + "x" + imageHeight
                    + " input; the stride is the input size over the map size");
        }
        if (!(minSize > 0) || Float.isInfinite(minSize)) {
            throw bad(where, "min_size", "must be positive and finite (pixels), got " + minSize);
        }
        if (maxSize != 0 && (!(maxSize >= minSize) || Float.isInfinite(maxSize))) {
            throw bad(where, "max_size", "must be 0 (no extra box) or a finite size >= min_size " + minSize + ", got "
                    + maxSize);
        }
        if (aspectRatios == null || aspectRatios.length == 0) {
            throw bad(where, "aspect_ratios", "needs at least one ratio (1 for square boxes)");
        }
        for (int i = 0; i < aspectRatios.length; i++) {
            float r = aspectRatios[i];
            if (!(r > 0) || Float.isInfinite(r)) throw bad(where, "aspect_ratios", "ratio " + i + " must be positive and finite, got " + r);
            for (int j = 0; j < i; j++) {
                if (aspectRatios[j] == r) throw bad(where, "aspect_ratios", "ratio " + r + " is listed twice");
            }
        }
    }

    private static IllegalArgumentException bad(String where, String setting, String why) {
        return new IllegalArgumentException("anchors: " + where + "." + setting + ": " + why);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeatureMapAnchors f && f.height == height && f.width == width && f.stride == stride
                && f.minSize == minSize && f.maxSize == maxSize && Arrays.equals(f.aspectRatios, aspectRatios);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(aspectRatios) * 31 + java.util.Objects.hash(height, width, stride, minSize, maxSize);
    }

    @Override
    public String toString() {
        return "FeatureMapAnchors[" + height + "x" + width + ", stride " + stride + ", min " + minSize + ", max "
                + maxSize + ", ratios " + Arrays.toString(aspectRatios) + "]";
    }
}
