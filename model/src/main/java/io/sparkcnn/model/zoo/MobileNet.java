package io.sparkcnn.model.zoo;

import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.Activate;
import io.sparkcnn.model.layers.BatchNorm;
import io.sparkcnn.model.layers.Dense;
import io.sparkcnn.model.layers.Dropout;
import io.sparkcnn.model.layers.GlobalAvgPool;
import io.sparkcnn.model.tensor.Shape;

/**
 * MobileNet-v1 (Howard et al. 2017, width 1.0): a 3x3 stride-2 stem of 32 filters, then 13
 * depthwise-separable blocks (3x3 depthwise conv, one group per channel, then 1x1 pointwise
 * conv, each followed by batch norm and ReLU), global average pooling, dropout (Keras'
 * default rate, 0.001) and a dense classifier. Convs have no bias. 4,231,976 trainable
 * parameters at 1000 classes, as Keras' MobileNet; ReLU stands for the paper's ReLU6,
 * which the engine does not have.
 */
final class MobileNet {
    /** Pointwise filters and depthwise stride of each block. */
    private static final int[][] BLOCKS = {
            {64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2},
            {512, 1}, {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1}};

    private MobileNet() {}

    static NetworkSpec build(String name, int classes, Shape input) {
        ZooGraph l = new ZooGraph(name, input);
        l.add("conv1", ZooGraph.conv(32, 3, 2, 1, false));
        l.add("conv1.bn", new BatchNorm());
        l.add("conv1.relu", Activate.relu());
        int channels = 32;
        for (int i = 0; i < BLOCKS.length; i++) {
            String p = "block" + (i + 1);
            l.add(p + ".dw", ZooGraph.conv(channels, 3, BLOCKS[i][1], 1, false).withGroups(channels));
            l.add(p + ".dw.bn", new BatchNorm());
            l.add(p + ".dw.relu", Activate.relu());
            channels = BLOCKS[i][0];
            l.add(p + ".pw", ZooGraph.conv(channels, 1, 1, 0, false));
            l.add(p + ".pw.bn", new BatchNorm());
            l.add(p + ".pw.relu", Activate.relu());
        }
        l.add("avgpool", new GlobalAvgPool());
        l.add("dropout", new Dropout(1e-3f));
        l.add("fc", new Dense(classes));
        return l.b.loss(ModelZoo.classificationLoss()).build();
    }
}
