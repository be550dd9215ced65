package io.sparkcnn.model.zoo;

import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.BatchNorm;
import io.sparkcnn.model.layers.Concat;
import io.sparkcnn.model.layers.Conv;
import io.sparkcnn.model.layers.Upsample;
import io.sparkcnn.model.tensor.Shape;

/**
 * A DeepLab-style network (Chen et al., DeepLab v2/v3): a small conv-BN-ReLU backbone of
 * depth stride-2 stages (output stride 2^depth; width x 2^stage filters), then atrous spatial
 * pyramid pooling — parallel 3x3 convolutions with the configured dilation rates (padding =
 * rate keeps the size) beside a 1x1 branch, concatenated and projected by a 1x1 conv — a 1x1
 * classifier, and bilinear upsampling of the logits by the output stride back to the input
 * size, as DeepLab does. Input sides must be multiples of 2^depth. Defaults: width 16,
 * depth 3 (output stride 8), rates [1, 2, 4] (DeepLab v3 uses 6, 12, 18 at output stride 16
 * on 513x513 crops; scale them with the feature map).
 */
final class DeepLab {
    private DeepLab() {}

    static NetworkSpec build(String name, int classes, Shape input, ZooOptions o) {
        int width = o.widthOr(16), depth = o.depthOr(3);
        int[] rates = o.ratesOr(1, 2, 4);
        Segmentation.requireMultiple(name, input, 1 << depth);
        ZooGraph g = new ZooGraph(name, input);
        String x = g.convBnRelu("stem", NetworkSpec.INPUT, width, 3, 1, 1, BatchNorm.DEFAULT_EPS);
        for (int s = 1; s <= depth; s++) {
            int filters = width << s;
            x = g.convBnRelu("stage" + s + ".down", x, filters, 3, 2, 1, BatchNorm.DEFAULT_EPS);
            x = g.convBnRelu("stage" + s + ".conv", x, filters, 3, 1, 1, BatchNorm.DEFAULT_EPS);
        }
        String features = x;
        int aspp = width << depth;
        String[] branches = new String[rates.length + 1];
        branches[0] = g.convBnRelu("aspp.1x1", features, aspp, 1, 1, 0, BatchNorm.DEFAULT_EPS);
        for (int i = 0; i < rates.length; i++) {
            String p = "aspp.rate" + rates[i];
            g.add(p + ".conv", ZooGraph.conv(aspp, 3, 1, rates[i], false).withDilation(rates[i]), features);
            g.add(p + ".bn", new BatchNorm());
            branches[i + 1] = g.add(p + ".relu", io.sparkcnn.model.layers.Activate.relu());
        }
        g.add("aspp.cat", new Concat(), branches);
        g.convBnRelu("aspp.project", "aspp.cat", aspp, 1, 1, 0, BatchNorm.DEFAULT_EPS);
        g.add("logits", Conv.conv2d(classes, 1, 1, 0));
        g.add("upsample", Upsample.bilinear(1 << depth));
        return g.b.loss(Segmentation.loss()).build();
    }
}
