package io.sparkcnn.model.zoo;

import io.sparkcnn.model.detect.AnchorSpec;
import io.sparkcnn.model.detect.FeatureMapAnchors;
import io.sparkcnn.model.detect.SsdHeads;
import io.sparkcnn.model.detect.SsdLoss;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.Activate;
import io.sparkcnn.model.layers.BatchNorm;
import io.sparkcnn.model.tensor.Shape;

import java.util.ArrayList;
import java.util.List;

/**
 * A small single-shot detector (Liu et al. 2016) on a MobileNet-like backbone: a 3x3 stride-2
 * conv-BN-ReLU stem of {@code width} filters, then depthwise-separable blocks (3x3 depthwise conv,
 * 1x1 pointwise conv, each with batch norm and ReLU) down to stride 8 (2 width, 4 width filters),
 * one more block there (the first feature map, 4 width), and one stride-2 block per further map
 * doubling the filters (stride 16: 8 width, stride 32: 16 width). {@code depth} is the number of
 * feature maps (default 3: strides 8, 16, 32, e.g. 12x12, 6x6 and 3x3 grids on a 96x96 input).
 * {@link SsdHeads} put 3x3 box and class convolutions on every map.
 *
 * <p>Default anchors ({@link #defaultAnchors}): SSD's scales from 0.2 to 0.6 of the shorter
 * input side over the maps (the last map's extra box reaching the whole side), aspect ratios 1,
 * 2 and 1/2 plus the extra square box: 4 boxes per cell. On 96x96 that is min sizes 19.2, 38.4,
 * 57.6 px, the 0.2-0.6 of the image side that the synthetic COCO's garments take. A network
 * with other anchors is written as a config file (conf/networks/ssd_small.conf shows the form).
 */
final class Ssd {
    static final int DEFAULT_WIDTH = 16, DEFAULT_MAPS = 3;
    private static final double MIN_SCALE_D = 0.2, MAX_SCALE_D = 0.6;
    static final float[] RATIOS = {1, 2, 0.5f};
    static final int HEAD_KERNEL = 3;

    private Ssd() {}

    static NetworkSpec build(String name, int classes, Shape input, ZooOptions o) {
        if (o.rates() != null) throw new IllegalArgumentException("zoo model '" + name + "' takes no dilation rates");
        int width = o.widthOr(DEFAULT_WIDTH), maps = o.depthOr(DEFAULT_MAPS);
        if (maps > 5) throw new IllegalArgumentException("zoo model '" + name + "': depth is its number of feature maps (strides 8.."
                + "128), at most 5, got " + maps);
        ZooGraph l = new ZooGraph(name, input);
        l.add("stem.conv", ZooGraph.conv(width, 3, 2, 1, false));
        l.add("stem.bn", new BatchNorm());
        l.add("stem.relu", Activate.relu());
        int channels = width;
        channels = separable(l, "block1", channels, 2 * width, 2);
        channels = separable(l, "block2", channels, 4 * width, 2);
        List<String> features = new ArrayList<>();
        separable(l, "map0", channels, 4 * width, 1);
        features.add(l.last());
        for (int m = 1; m < maps; m++) {
            channels = separable(l, "map" + m, channels, channels * 2, 2);
            features.add(l.last());
        }
        var shapes = l.b.loss(null).build().shapes();
        int[][] grids = new int[maps][];
        for (int m = 0; m < maps; m++) {
            Shape s = shapes.get(features.get(m));
            grids[m] = new int[] {s.dim(1), s.dim(2)};
        }
        AnchorSpec anchors = defaultAnchors(input.dim(2), input.dim(1), grids);
        return SsdHeads.build(l.b, features, new SsdLoss(anchors, classes), HEAD_KERNEL);
    }

    /**
     * Liu et al.'s sizes ({@link AnchorSpec#liu}: scales 0.2..0.6 spread over the maps, the last
     * max size the whole side) with ratios 1, 2, 1/2 on these grids ({height, width}), the
     * scales computed in double so that sizes read as the config file writes them (57.6, not
     * 57.600002). A map's stride is the input side over its grid side (the smaller of the two
     * axes', so that the last cell centre stays inside the image).
     */
    static AnchorSpec defaultAnchors(int imageWidth, int imageHeight, int[][] grids) {
        int m = grids.length;
        double side = Math.min(imageWidth, imageHeight);
        List<FeatureMapAnchors> maps = new ArrayList<>(m);
        for (int k = 0; k < m; k++) {
            float stride = Math.min((float) imageHeight / grids[k][0], (float) imageWidth / grids[k][1]);
            maps.add(new FeatureMapAnchors(grids[k][0], grids[k][1], stride, (float) (scale(k, m) * side),
                    (float) (scale(k + 1, m) * side), RATIOS));
        }
        return new AnchorSpec(imageWidth, imageHeight, maps);
    }

    private static double scale(int k, int m) {
        if (k == m) return 1;
        return m == 1 ? MIN_SCALE_D : MIN_SCALE_D + (MAX_SCALE_D - MIN_SCALE_D) * k / (m - 1);
    }

    /** 3x3 depthwise (stride s) -> BN -> ReLU -> 1x1 pointwise -> BN -> ReLU; returns the filters. */
    private static int separable(ZooGraph l, String p, int in, int out, int stride) {
        l.add(p + ".dw", ZooGraph.conv(in, 3, stride, 1, false).withGroups(in));
        l.add(p + ".dw.bn", new BatchNorm());
        l.add(p + ".dw.relu", Activate.relu());
        l.add(p + ".pw", ZooGraph.conv(out, 1, 1, 0, false));
        l.add(p + ".pw.bn", new BatchNorm());
        l.add(p + ".pw.relu", Activate.relu());
        return out;
    }
}
