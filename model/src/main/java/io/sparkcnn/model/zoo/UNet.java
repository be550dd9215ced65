package io.sparkcnn.model.zoo;

import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.Concat;
import io.sparkcnn.model.layers.Conv;
import io.sparkcnn.model.layers.ConvTranspose;
import io.sparkcnn.model.layers.Pool;
import io.sparkcnn.model.tensor.Shape;

/**
 * U-Net (Ronneberger, Fischer, Brox 2015): an encoder of depth levels (two 3x3 conv-BN-ReLU,
 * then 2x2 max pool; width x 2^level filters), a bottom block, and a decoder that at each
 * level upsamples with a 2x2 stride-2 transposed convolution, concatenates the encoder's
 * features of that level (the skip) and applies two 3x3 conv-BN-ReLU; a 1x1 convolution
 * gives the class scores. Padded convolutions keep sizes, so the output is the input's size
 * (the paper's valid convolutions and crops are left out); input sides must be multiples of
 * 2^depth. Batch norm as in most modern U-Nets. Defaults: width 16, depth 4.
 */
final class UNet {
    private UNet() {}

    static NetworkSpec build(String name, int classes, Shape input, ZooOptions o) {
        int width = o.widthOr(16), depth = o.depthOr(4);
        if (o.rates() != null) throw new IllegalArgumentException("zoo model '" + name + "' has no dilation rates");
        Segmentation.requireMultiple(name, input, 1 << depth);
        ZooGraph g = new ZooGraph(name, input);
        String[] skips = new String[depth];
        String x = NetworkSpec.INPUT;
        for (int level = 0; level < depth; level++) {
            skips[level] = block(g, "enc" + (level + 1), x, width << level);
            x = g.add("pool" + (level + 1), Pool.max2d(2), skips[level]);
        }
        x = block(g, "bottom", x, width << depth);
        for (int level = depth - 1; level >= 0; level--) {
            String up = g.add("up" + (level + 1), ConvTranspose.convTranspose2d(width << level, 2, 2, 0, 0), x);
            String cat = g.add("cat" + (level + 1), new Concat(), up, skips[level]);
            x = block(g, "dec" + (level + 1), cat, width << level);
        }
        g.add("logits", Conv.conv2d(classes, 1, 1, 0), x);
        return g.b.loss(Segmentation.loss()).build();
    }

    private static String block(ZooGraph g, String prefix, String input, int filters) {
        String a = g.convBnRelu(prefix + ".a", input, filters, 3, 1, 1, io.sparkcnn.model.layers.BatchNorm.DEFAULT_EPS);
        return g.convBnRelu(prefix + ".b", a, filters, 3, 1, 1, io.sparkcnn.model.layers.BatchNorm.DEFAULT_EPS);
    }
}
