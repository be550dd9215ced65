package io.sparkcnn.model.zoo;

import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.Concat;
import io.sparkcnn.model.layers.Dense;
import io.sparkcnn.model.layers.Dropout;
import io.sparkcnn.model.layers.GlobalAvgPool;
import io.sparkcnn.model.layers.Pool;
import io.sparkcnn.model.tensor.Shape;

/**
 * Inception-v1 (GoogLeNet, Szegedy et al. 2014) without the auxiliary classifiers, with
 * torchvision's BasicConv2d (conv without bias, batch norm eps 0.001, ReLU) for every conv.
 * Each inception module has four branches joined by channel concatenation: 1x1; 1x1 then
 * 3x3; 1x1 then 5x5; 3x3 max pool then 1x1. Unlike torchvision, whose "5x5" branch is a
 * 3x3 conv (kept for its weights), the 5x5 branch is 5x5 as in the paper: 7,005,832
 * parameters at 1000 classes, torchvision's 6,624,904 plus 16 * sum(reduce5 * out5).
 * torchvision's ceil-mode pools are floor-mode pools with padding 1 here (the same sizes on
 * even inputs).
 */
final class Inception {
    /** Per module: 1x1, 3x3 reduce, 3x3, 5x5 reduce, 5x5, pool projection. */
    private static final int[][] MODULES = {
            {64, 96, 128, 16, 32, 32}, {128, 128, 192, 32, 96, 64},
            {192, 96, 208, 16, 48, 64}, {160, 112, 224, 24, 64, 64}, {128, 128, 256, 24, 64, 64},
            {112, 144, 288, 32, 64, 64}, {256, 160, 320, 32, 128, 128},
            {256, 160, 320, 32, 128, 128}, {384, 192, 384, 48, 128, 128}};
    private static final String[] NAMES = {"3a", "3b", "4a", "4b", "4c", "4d", "4e", "5a", "5b"};
    static final float BN_EPS = 1e-3f;

    private Inception() {}

    static NetworkSpec build(String name, int classes, Shape input) {
        ZooGraph l = new ZooGraph(name, input);
        l.convBnRelu("conv1", l.last(), 64, 7, 2, 3, BN_EPS);
        l.add("maxpool1", Pool.max2d(3, 2, 1));
        l.convBnRelu("conv2", l.last(), 64, 1, 1, 0, BN_EPS);
        l.convBnRelu("conv3", l.last(), 192, 3, 1, 1, BN_EPS);
        l.add("maxpool2", Pool.max2d(3, 2, 1));
        for (int i = 0; i < MODULES.length; i++) {
            module(l, "inception" + NAMES[i], MODULES[i]);
            if (NAMES[i].equals("3b")) l.add("maxpool3", Pool.max2d(3, 2, 1));
            if (NAMES[i].equals("4e")) l.add("maxpool4", Pool.max2d(2, 2, 0));
        }
        l.add("avgpool", new GlobalAvgPool());
        l.add("dropout", new Dropout(0.2f));
        l.add("fc", new Dense(classes));
        return l.b.loss(ModelZoo.classificationLoss()).build();
    }

    private static void module(ZooGraph l, String p, int[] m) {
        String x = l.last();
        String b1 = l.convBnRelu(p + ".branch1", x, m[0], 1, 1, 0, BN_EPS);
        l.convBnRelu(p + ".branch2.0", x, m[1], 1, 1, 0, BN_EPS);
        String b2 = l.convBnRelu(p + ".branch2.1", l.last(), m[2], 3, 1, 1, BN_EPS);
        l.convBnRelu(p + ".branch3.0", x, m[3], 1, 1, 0, BN_EPS);
        String b3 = l.convBnRelu(p + ".branch3.1", l.last(), m[4], 5, 1, 2, BN_EPS);
        l.add(p + ".branch4.0", Pool.max2d(3, 1, 1), x);
        String b4 = l.convBnRelu(p + ".branch4.1", l.last(), m[5], 1, 1, 0, BN_EPS);
        l.add(p + ".concat", new Concat(), b1, b2, b3, b4);
    }
}
