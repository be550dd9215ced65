package io.sparkcnn.model.zoo;

import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.Activate;
import io.sparkcnn.model.layers.Add;
import io.sparkcnn.model.layers.BatchNorm;
import io.sparkcnn.model.layers.Conv;
import io.sparkcnn.model.layers.Dense;
import io.sparkcnn.model.layers.Dropout;
import io.sparkcnn.model.layers.Flatten;
import io.sparkcnn.model.layers.GlobalAvgPool;
import io.sparkcnn.model.layers.Pool;
import io.sparkcnn.model.tensor.Shape;

/**
 * Video classifiers over clips (C, T, H, W): every convolution is 3-D over (T, H, W).
 * <ul>
 * <li>C3D (Tran et al. 2015, "Learning spatiotemporal features with 3D convolutional networks"):
 * eight 3x3x3 stride-1 conv + ReLU layers (64, 128, 256, 256, 512, 512, 512, 512), max pooling 1x2x2
 * after the first and 2x2x2 after the 2nd, 4th, 6th and 8th (the last padded (0,1,1), so a 16x112x112 clip
 * ends at 512x1x4x4), two 4096-unit dense layers with dropout 0.5, and the classifier; 79,991,015
 * parameters at 487 classes (Sports-1M), as torch counts the same layers.</li>
 * <li>R3D-18 and R(2+1)D-18 exactly as torchvision's {@code r3d_18} and {@code r2plus1d_18} (Tran et al.
 * 2018, "A closer look at spatiotemporal convolutions"): a stem, four stages of two basic residual
 * blocks (64, 128, 256, 512 channels; stages 2-4 stride 2 in T, H and W), global average pooling over
 * (T, H, W) and a dense classifier; convs without bias, each followed by batch norm; node names follow
 * torchvision's parameter names. R3D's stem is a 3x7x7 conv, stride (1,2,2), 64 channels; its block
 * convs are 3x3x3. R(2+1)D factors every 3-D conv into a (1,3,3) spatial conv to M channels, batch
 * norm, ReLU, and a (3,1,1) temporal conv, with M = floor(t d^2 N_in N_out / (d^2 N_in + t N_out)) so that
 * the pair has about the 3-D conv's parameters; as in torchvision both convs of a block use the M of the
 * block's first conv (N_in = the block's input channels), and the stem is (1,7,7) to 45 channels then
 * (3,1,1) to 64. Parameters at 400 classes (Kinetics): r3d_18 33,371,472, r2plus1d_18 31,505,325.</li>
 * </ul>
 * {@code r3d} and {@code r2plus1d} take size options: width = the first stage's channels (later stages
 * double it; default 64; the stem and the R(2+1)D stem's mid channels scale with it) and depth = blocks
 * per stage (default 2).
 */
final class VideoNets {
    private static final int STAGES = 4;

    private VideoNets() {}

    /** A 3-D conv without bias, kernel/stride/padding per axis (T, H, W). */
    static Conv conv3d(int filters, int[] kernel, int[] stride, int[] padding) {
        return new Conv(3, filters, kernel, stride, padding, new int[]{1}, 1, false);
    }

    private static int[] v(int... a) { return a; }

    static NetworkSpec c3d(String name, int classes, Shape input) {
        ZooGraph l = new ZooGraph(name, input);
        int[] widths = {64, 128, 256, 256, 512, 512, 512, 512};
        String[] names = {"conv1a", "conv2a", "conv3a", "conv3b", "conv4a", "conv4b", "conv5a", "conv5b"};
        for (int i = 0; i < widths.length; i++) {
            l.add(names[i], new Conv(3, widths[i], v(3), v(1), v(1), v(1), 1, true));
            l.add(names[i] + ".relu", Activate.relu());
            if (i == 0) {
                l.add("pool1", new Pool(true, 3, v(1, 2, 2), v(1, 2, 2), v(0), true));
            } else if (i == 1 || i == 3 || i == 5) {
                l.add("pool" + (i + 3) / 2, Pool.max3d(2, 2, 0));
            } else if (i == 7) {
                l.add("pool5", new Pool(true, 3, v(2), v(2), v(0, 1, 1), true));
            }
        }
        l.add("flatten", new Flatten());
        l.add("fc6", new Dense(4096));
        l.add("fc6.relu", Activate.relu());
        l.add("fc6.dropout", new Dropout(0.5f));
        l.add("fc7", new Dense(4096));
        l.add("fc7.relu", Activate.relu());
        l.add("fc7.dropout", new Dropout(0.5f));
        l.add("fc8", new Dense(classes));
        return l.b.loss(ModelZoo.classificationLoss()).build();
    }

    /**
     * R3D (factored false) or R(2+1)D (factored true) with {@code width} channels in the first stage and
     * {@code blocks} basic blocks per stage.
     */
    static NetworkSpec resnet(String name, int classes, Shape input, boolean factored, int width, int blocks) {
        ZooGraph l = new ZooGraph(name, input);
        int w = width;
        if (factored) {
            int mid = width * 45 / 64; // torchvision: 45 for 64 (its 3*7*7*64 / (7*7 + 3*64) would be 39)
            l.add("stem.0", conv3d(mid, v(1, 7, 7), v(1, 2, 2), v(0, 3, 3)));
            l.add("stem.1", new BatchNorm());
            l.add("stem.2", Activate.relu());
            l.add("stem.3", conv3d(w, v(3, 1, 1), v(1), v(1, 0, 0)));
            l.add("stem.4", new BatchNorm());
            l.add("stem.5", Activate.relu());
        } else {
            l.add("stem.0", conv3d(w, v(3, 7, 7), v(1, 2, 2), v(1, 3, 3)));
            l.add("stem.1", new BatchNorm());
            l.add("stem.2", Activate.relu());
        }
        int channels = w;
        for (int stage = 0; stage < STAGES; stage++) {
            int planes = width << stage;
            for (int b = 0; b < blocks; b++) {
                int stride = stage > 0 && b == 0 ? 2 : 1;
                block(l, "layer" + (stage + 1) + "." + b, factored, channels, planes, stride);
                channels = planes;
            }
        }
        l.add("avgpool", new GlobalAvgPool());
        l.add("fc", new Dense(classes));
        return l.b.loss(ModelZoo.classificationLoss()).build();
    }

    /** Tran et al. 2018's mid channels for a factored t x d x d conv from nIn to nOut channels. */
    static int midChannels(int t, int d, int nIn, int nOut) {
        return (int) ((long) t * d * d * nIn * nOut / ((long) d * d * nIn + (long) t * nOut));
    }

    /** conv1(stride)-bn-relu-conv2-bn plus the shortcut, then relu; torchvision's BasicBlock. */
    private static void block(ZooGraph l, String p, boolean factored, int in, int planes, int stride) {
        String x = l.last();
        int mid = midChannels(3, 3, in, planes);
        conv(l, p + ".conv1.0", factored, planes, mid, stride);
        l.add(p + ".conv1.1", new BatchNorm());
        l.add(p + ".conv1.2", Activate.relu());
        conv(l, p + ".conv2.0", factored, planes, mid, 1);
        String main = l.add(p + ".conv2.1", new BatchNorm());
        String shortcut = x;
        if (stride != 1 || in != planes) {
            l.add(p + ".downsample.0", conv3d(planes, v(1), v(stride), v(0)), x);
            shortcut = l.add(p + ".downsample.1", new BatchNorm());
        }
        l.add(p + ".add", new Add(), main, shortcut);
        l.add(p + ".relu", Activate.relu());
    }

    /** A 3x3x3 conv, or its (2+1)-D factorisation (torchvision's Conv2Plus1D: its parts are .0, .1, .2, .3). */
    private static void conv(ZooGraph l, String p, boolean factored, int out, int mid, int stride) {
        if (!factored) {
            l.add(p, conv3d(out, v(3), v(stride), v(1)));
            return;
        }
        l.add(p + ".0", conv3d(mid, v(1, 3, 3), v(1, stride, stride), v(0, 1, 1)));
        l.add(p + ".1", new BatchNorm());
        l.add(p + ".2", Activate.relu());
        l.add(p + ".3", conv3d(out, v(3, 1, 1), v(stride, 1, 1), v(1, 0, 0)));
    }
}
