package io.sparkcnn.model.zoo;

import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.Activate;
import io.sparkcnn.model.layers.Add;
import io.sparkcnn.model.layers.BatchNorm;
import io.sparkcnn.model.layers.Dense;
import io.sparkcnn.model.layers.GlobalAvgPool;
import io.sparkcnn.model.layers.Pool;
import io.sparkcnn.model.tensor.Shape;

/**
 * ResNet exactly as torchvision's (v1.5: a bottleneck strides in its 3x3 conv): every conv
 * without bias and followed by batch norm, a 1x1 conv + BN on the shortcut where the shape
 * changes, global average pooling and a dense classifier. Node names follow torchvision's
 * parameter names (layer2.0.downsample.0, ...). The ImageNet stem is a 7x7 stride-2 conv and
 * a 3x3 stride-2 max pool; the CIFAR stem a 3x3 stride-1 conv without pooling.
 * Parameters at 1000 classes: ResNet-18 11,689,512, ResNet-34 21,797,672, ResNet-50 25,557,032.
 */
final class ResNet {
    /** Blocks per stage. */
    static final int[] RESNET18 = {2, 2, 2, 2};
    static final int[] RESNET34 = {3, 4, 6, 3};
    static final int[] RESNET50 = {3, 4, 6, 3};

    private static final int[] WIDTHS = {64, 128, 256, 512};
    private static final int EXPANSION = 4;

    private ResNet() {}

    /**
     * @param bottleneck 1x1-3x3-1x1 blocks of 4x expansion (ResNet-50) instead of two 3x3 convs
     * @param cifarStem  3x3 stride-1 stem without max pooling, for 32x32 inputs
     */
    static NetworkSpec build(String name, int classes, Shape input, int[] blocks, boolean bottleneck, boolean cifarStem) {
        ZooGraph l = new ZooGraph(name, input);
        if (cifarStem) {
            l.add("conv1", ZooGraph.conv(64, 3, 1, 1, false));
        } else {
            l.add("conv1", ZooGraph.conv(64, 7, 2, 3, false));
        }
        l.add("bn1", new BatchNorm());
        l.add("relu", Activate.relu());
        if (!cifarStem) l.add("maxpool", Pool.max2d(3, 2, 1));
        int channels = 64;
        for (int stage = 0; stage < 4; stage++) {
            int width = WIDTHS[stage];
            for (int block = 0; block < blocks[stage]; block++) {
                int stride = stage > 0 && block == 0 ? 2 : 1;
                String prefix = "layer" + (stage + 1) + "." + block;
                channels = bottleneck
                        ? bottleneckBlock(l, prefix, channels, width, stride)
                        : basicBlock(l, prefix, channels, width, stride);
            }
        }
        l.add("avgpool", new GlobalAvgPool());
        l.add("fc", new Dense(classes));
        return l.b.loss(ModelZoo.classificationLoss()).build();
    }

    /** conv3x3(stride)-bn-relu-conv3x3-bn, plus the shortcut, then relu. Returns its output channels. */
    private static int basicBlock(ZooGraph l, String p, int in, int width, int stride) {
        String x = l.last();
        l.add(p + ".conv1", ZooGraph.conv(width, 3, stride, 1, false));
        l.add(p + ".bn1", new BatchNorm());
        l.add(p + ".relu1", Activate.relu());
        l.add(p + ".conv2", ZooGraph.conv(width, 3, 1, 1, false));
        String main = l.add(p + ".bn2", new BatchNorm());
        join(l, p, x, main, in, width, stride);
        return width;
    }

    /** conv1x1-bn-relu-conv3x3(stride)-bn-relu-conv1x1(4 width)-bn, plus the shortcut, then relu. */
    private static int bottleneckBlock(ZooGraph l, String p, int in, int width, int stride) {
        String x = l.last();
        int out = width * EXPANSION;
        l.add(p + ".conv1", ZooGraph.conv(width, 1, 1, 0, false));
        l.add(p + ".bn1", new BatchNorm());
        l.add(p + ".relu1", Activate.relu());
        l.add(p + ".conv2", ZooGraph.conv(width, 3, stride, 1, false));
        l.add(p + ".bn2", new BatchNorm());
        l.add(p + ".relu2", Activate.relu());
        l.add(p + ".conv3", ZooGraph.conv(out, 1, 1, 0, false));
        String main = l.add(p + ".bn3", new BatchNorm());
        join(l, p, x, main, in, out, stride);
        return out;
    }

    /** out = relu(main + shortcut); the shortcut is 1x1 conv + BN where stride or channels change. */
    private static void join(ZooGraph l, String p, String x, String main, int in, int out, int stride) {
        String shortcut = x;
        if (stride != 1 || in != out) {
            l.add(p + ".downsample.0", ZooGraph.conv(out, 1, stride, 0, false), x);
            shortcut = l.add(p + ".downsample.1", new BatchNorm());
        }
        l.add(p + ".add", new Add(), main, shortcut);
        l.add(p + ".relu", Activate.relu());
    }
}
