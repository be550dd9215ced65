package io.sparkcnn.model.zoo;

import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.Activate;
import io.sparkcnn.model.layers.Add;
import io.sparkcnn.model.layers.Conv;
import io.sparkcnn.model.layers.ConvTranspose;
import io.sparkcnn.model.layers.Dropout;
import io.sparkcnn.model.layers.Pool;
import io.sparkcnn.model.tensor.Shape;

/**
 * Fully convolutional networks (Long, Shelhamer, Darrell 2015) on a VGG-style backbone of
 * five stages (conv3x3-ReLU x depth, 2x2 max pool; width x 1, 2, 4, 8, 8 filters), the
 * classifier as convolutions (fc6, fc7: 3x3 and 1x1 here, for small inputs; dropout 0.5),
 * a 1x1 score layer, and learned transposed-convolution upsampling:
 * <ul>
 *   <li>FCN-32s: the stride-32 scores up x32 in one step (kernel 64, stride 32, padding 16);</li>
 *   <li>FCN-16s: scores up x2, plus a 1x1 score of pool4, then up x16 (kernel 32);</li>
 *   <li>FCN-8s: as 16s, the sum up x2 again, plus a score of pool3, then up x8 (kernel 16).</li>
 * </ul>
 * Padding k/4 with stride k/2 makes every upsampling exact, so the output is the input's
 * size (no crop layer); input sides must be multiples of 32. Defaults: width 16, depth 2.
 */
final class Fcn {
    private Fcn() {}

    static NetworkSpec build(String name, int classes, Shape input, int stride, ZooOptions o) {
        int width = o.widthOr(16), depth = o.depthOr(2);
        if (o.rates() != null) throw new IllegalArgumentException("zoo model '" + name + "' has no dilation rates");
        Segmentation.requireMultiple(name, input, 32);
        ZooGraph g = new ZooGraph(name, input);
        int[] filters = {width, 2 * width, 4 * width, 8 * width, 8 * width};
        for (int s = 0; s < 5; s++) {
            for (int c = 1; c <= depth; c++) {
                g.add("conv" + (s + 1) + "_" + c, Conv.conv2d(filters[s], 3, 1, 1));
                g.add("relu" + (s + 1) + "_" + c, Activate.relu());
            }
            g.add("pool" + (s + 1), Pool.max2d(2));
        }
        g.add("fc6", Conv.conv2d(16 * width, 3, 1, 1));
        g.add("relu6", Activate.relu());
        g.add("drop6", new Dropout(0.5f));
        g.add("fc7", Conv.conv2d(16 * width, 1, 1, 0));
        g.add("relu7", Activate.relu());
        g.add("drop7", new Dropout(0.5f));
        String score = g.add("score_fr", Conv.conv2d(classes, 1, 1, 0));
        if (stride == 32) {
            g.add("upscore32", up(classes, 32));
        } else {
            g.add("upscore2", up(classes, 2), score);
            g.add("score_pool4", Conv.conv2d(classes, 1, 1, 0), "pool4");
            String fuse = g.add("fuse_pool4", new Add(), "upscore2", "score_pool4");
            if (stride == 16) {
                g.add("upscore16", up(classes, 16), fuse);
            } else {
                g.add("upscore_pool4", up(classes, 2), fuse);
                g.add("score_pool3", Conv.conv2d(classes, 1, 1, 0), "pool3");
                g.add("fuse_pool3", new Add(), "upscore_pool4", "score_pool3");
                g.add("upscore8", up(classes, 8));
            }
        }
        return g.b.loss(Segmentation.loss()).build();
    }

    /** Exact x factor: kernel 2f, stride f, padding f/2 gives out = f * in. */
    private static ConvTranspose up(int classes, int factor) {
        return ConvTranspose.convTranspose2d(classes, 2 * factor, factor, factor / 2, 0);
    }
}
