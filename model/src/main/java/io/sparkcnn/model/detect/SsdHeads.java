package io.sparkcnn.model.detect;

import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.Concat;
import io.sparkcnn.model.layers.Conv;
import io.sparkcnn.model.layers.Flatten;
import io.sparkcnn.model.layers.ShapeException;
import io.sparkcnn.model.tensor.Shape;

import java.util.List;

/**
 * Puts SSD's heads on a backbone so that they fit {@link HeadLayout}: on feature node m a
 * kernel x kernel convolution of anchorsPerCell * 4 channels (box) and one of anchorsPerCell *
 * (classes + 1) (scores), each flattened; the box parts concatenated map after map, then the
 * score parts, into the node {@link #OUTPUT}, which carries the {@link SsdLoss}.
 */
public final class SsdHeads {
    public static final String OUTPUT = "ssd_out";

    private SsdHeads() {}

    /**
     * Adds the heads to b and builds the network. featureNodes.get(m) is the node anchors map m
     * sits on; its (H, W) must be the map's grid, else the error names the node.
     */
    public static NetworkSpec build(NetworkSpec.Builder b, List<String> featureNodes, SsdLoss loss, int kernel) {
        List<FeatureMapAnchors> maps = loss.anchors().maps();
        if (featureNodes.size() != maps.size()) {
            throw new IllegalArgumentException("ssd heads: " + featureNodes.size() + " feature nodes " + featureNodes + " for "
                    + maps.size() + " anchor feature maps");
        }
        if (kernel < 1 || kernel % 2 == 0) throw new IllegalArgumentException("ssd heads: kernel must be odd and positive, got " + kernel);
        int m = maps.size(), scores = loss.classes() + 1;
        String[] loc = new String[m], conf = new String[m];
        for (int i = 0; i < m; i++) {
            int k = maps.get(i).anchorsPerCell();
            b.add("ssd_loc" + i, Conv.conv2d(4 * k, kernel, 1, kernel / 2), featureNodes.get(i));
            b.add("ssd_conf" + i, Conv.conv2d(scores * k, kernel, 1, kernel / 2), featureNodes.get(i));
            b.add(loc[i] = "ssd_loc" + i + "_flat", new Flatten(), "ssd_loc" + i);
            b.add(conf[i] = "ssd_conf" + i + "_flat", new Flatten(), "ssd_conf" + i);
        }
        String[] all = new String[2 * m];
        System.arraycopy(loc, 0, all, 0, m);
        System.arraycopy(conf, 0, all, m, m);
        // the grids first: a wrong feature node is named before the loss counts values
        NetworkSpec bare = b.add(OUTPUT, new Concat(), all).loss(null).build();
        var shapes = bare.shapes();
        for (int i = 0; i < m; i++) {
            String node = featureNodes.get(i);
            Shape s = shapes.get(node);
            FeatureMapAnchors f = maps.get(i);
            if (s.rank() != 3 || s.dim(1) != f.height() || s.dim(2) != f.width()) {
                String type = bare.nodes().stream().filter(n -> n.name().equals(node)).map(n -> n.spec().type()).findFirst().orElse("input");
                throw ShapeException.at(node, type, "outputs " + s + ", but the anchors' feature_maps[" + i + "] it carries is a "
                        + f.height() + "x" + f.width() + " grid (height x width)");
            }
        }
        return bare.withLoss(loss);
    }
}
