package io.sparkcnn.model.detect;

import java.util.ArrayList;
import java.util.List;

/**
 * The default boxes of a single-shot detector: the input size and one {@link FeatureMapAnchors}
 * per feature map, in the order the heads concatenate them. Every setting is checked here, and an
 * error names it ({@code feature_maps[2].min_size}).
 */
public record AnchorSpec(int imageWidth, int imageHeight, List<FeatureMapAnchors> maps) {

    public AnchorSpec {
        if (imageWidth <= 0 || imageHeight <= 0) {
            throw new IllegalArgumentException("anchors: image size must be positive, got " + imageWidth + "x" + imageHeight);
        }
        if (maps == null || maps.isEmpty()) throw new IllegalArgumentException("anchors: feature_maps needs at least one map");
        maps = List.copyOf(maps);
        long total = 0;
        for (int i = 0; i < maps.size(); i++) {
            FeatureMapAnchors m = maps.get(i);
            if (m == null) throw new IllegalArgumentException("anchors: feature_maps[" + i + "] is missing");
            m.validate("feature_maps[" + i + "]", imageWidth, imageHeight);
            total += (long) m.height() * m.width() * m.anchorsPerCell();
        }
        // the class head holds anchors * (classes + 1) floats per example in one Java array
        if (total > Integer.MAX_VALUE / 1024) {
            throw new IllegalArgumentException("anchors: " + total + " default boxes are too many; use fewer maps or ratios");
        }
    }

    /**
     * Sizes as Liu et al. (SSD, eq. 4) with torchvision's last scale: m maps get scales s_k =
     * sMin + (sMax - sMin) k / (m - 1), k = 0..m-1, and s_m = 1; map k's min_size is s_k and its
     * max_size s_(k+1), both times the shorter input side. grids[k] = {height, width}; strides[k]
     * in input pixels; ratios[k] the aspect ratios of map k.
     */
    public static AnchorSpec liu(int imageWidth, int imageHeight, int[][] grids, float[] strides, float sMin, float sMax,
            float[][] ratios) {
        int m = grids.length;
        if (strides.length != m || ratios.length != m) {
            throw new IllegalArgumentException("anchors: " + m + " feature maps but " + strides.length + " strides and "
                    + ratios.length + " aspect ratio lists");
        }
        if (!(sMin > 0) || !(sMax >= sMin) || !(sMax <= 1)) {
            throw new IllegalArgumentException("anchors: scales need 0 < min_scale <= max_scale <= 1, got min_scale " + sMin
                    + ", max_scale " + sMax);
        }
        float base = Math.min(imageWidth, imageHeight);
        List<FeatureMapAnchors> maps = new ArrayList<>(m);
        for (int k = 0; k < m; k++) {
            if (grids[k] == null || grids[k].length != 2) {
                throw new IllegalArgumentException("anchors: feature_maps[" + k + "] grid must be {height, width}");
            }
            maps.add(new FeatureMapAnchors(grids[k][0], grids[k][1], strides[k], scale(k, m, sMin, sMax) * base,
                    scale(k + 1, m, sMin, sMax) * base, ratios[k]));
        }
        return new AnchorSpec(imageWidth, imageHeight, maps);
    }

    static float scale(int k, int m, float sMin, float sMax) {
        if (k == m) return 1f;
        return m == 1 ? sMin : sMin + (sMax - sMin) * k / (m - 1);
    }

    public int anchorCount() {
        int n = 0;
        for (FeatureMapAnchors m : maps) n += m.anchorCount();
        return n;
    }

    /** The settings as config values (image_width, image_height, feature_maps: [{height, width, stride, min_size, max_size, aspect_ratios}]). */
    public java.util.Map<String, Object> toConfig() {
        java.util.Map<String, Object> c = new java.util.LinkedHashMap<>();
        c.put("image_width", imageWidth);
        c.put("image_height", imageHeight);
        List<Object> ms = new ArrayList<>();
        for (FeatureMapAnchors m : maps) {
            java.util.Map<String, Object> f = new java.util.LinkedHashMap<>();
            f.put("height", m.height());
            f.put("width", m.width());
            f.put("stride", (double) m.stride());
            f.put("min_size", (double) m.minSize());
            f.put("max_size", (double) m.maxSize());
            List<Object> r = new ArrayList<>();
            for (float v : m.aspectRatios()) r.add((double) v);
            f.put("aspect_ratios", r);
            ms.add(f);
        }
        c.put("feature_maps", ms);
        return c;
    }

    /** The boxes themselves, in the order the heads output them. */
    public Anchors anchors() { return Anchors.of(this); }
}
