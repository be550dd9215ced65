package io.sparkcnn.model.zoo;

import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.Activate;
import io.sparkcnn.model.layers.BatchNorm;
import io.sparkcnn.model.layers.Dense;
import io.sparkcnn.model.layers.Dropout;
import io.sparkcnn.model.layers.Flatten;
import io.sparkcnn.model.layers.Pool;
import io.sparkcnn.model.tensor.Shape;

/**
 * A small VGG for 32x32x3 images (CIFAR): three stages of two 3x3 conv-BN-ReLU with 64, 128
 * and 256 filters, each followed by 2x2 max pooling, then flatten, dense 256, ReLU,
 * dropout 0.5 and the classifier. 2,197,706 parameters at 10 classes on 32x32x3.
 */
final class Vgg {
    private static final int[][] STAGES = {{64, 64}, {128, 128}, {256, 256}};

    private Vgg() {}

    static NetworkSpec build(String name, int classes, Shape input) {
        ZooGraph l = new ZooGraph(name, input);
        int conv = 0;
        for (int s = 0; s < STAGES.length; s++) {
            for (int filters : STAGES[s]) {
                conv++;
                l.add("conv" + conv, ZooGraph.conv(filters, 3, 1, 1, false));
                l.add("bn" + conv, new BatchNorm());
                l.add("relu" + conv, Activate.relu());
            }
            l.add("pool" + (s + 1), Pool.max2d(2));
        }
        l.add("flatten", new Flatten());
        l.add("fc1", new Dense(256));
        l.add("fc1.relu", Activate.relu());
        l.add("dropout", new Dropout(0.5f));
        l.add("fc2", new Dense(classes));
        return l.b.loss(ModelZoo.classificationLoss()).build();
    }
}
