package io.sparkcnn.model.train;

import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.Activate;
import io.sparkcnn.model.layers.BatchNorm;
import io.sparkcnn.model.layers.Conv;
import io.sparkcnn.model.layers.Dense;
import io.sparkcnn.model.layers.Dropout;
import io.sparkcnn.model.layers.Flatten;
import io.sparkcnn.model.layers.Pool;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
import io.sparkcnn.model.tensor.Shape;

import java.util.SplittableRandom;

/** A small CNN with every stateful kind of layer, and a learnable synthetic task for it. */
public final class SmallNets {
    public static final int SIDE = 8;
    public static final int CLASSES = 3;

    private SmallNets() {}

    // (1,8,8) -> conv 3x3 (4,8,8) -> BN -> relu -> conv 3x3 (6,8,8) -> relu -> maxpool (6,4,4)
    //   -> dense 16 -> relu -> dropout -> dense 3; the two convolutions take the CPU backend's two paths
    //   (one input channel: direct loops; several: im2col + GEMM)
    static NetworkSpec cnn() {
        return NetworkSpec.builder("small-cnn", Shape.of(1, SIDE, SIDE))
                .add("conv", Conv.conv2d(4, 3, 1, 1))
                .add("bn", new BatchNorm())
                .add("relu1", Activate.relu())
                .add("conv2", Conv.conv2d(6, 3, 1, 1))
                .add("relu1b", Activate.relu())
                .add("pool", Pool.max2d(2))
                .add("flat", new Flatten())
                .add("fc1", new Dense(16))
                .add("relu2", Activate.relu())
                .add("drop", new Dropout(0.25f))
                .add("fc2", new Dense(CLASSES))
                .loss(new SoftmaxCrossEntropy())
                .build();
    }

    /** count examples of (1,8,8) noise whose class is the brightest of three horizontal bands. */
    public static Data data(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[count * SIDE * SIDE];
        float[] y = new float[count];
        for (int e = 0; e < count; e++) {
            int label = r.nextInt(CLASSES);
            y[e] = label;
            for (int i = 0; i < SIDE; i++) {
                int band = Math.min(CLASSES - 1, i * CLASSES / SIDE);
                for (int j = 0; j < SIDE; j++) {
                    x[e * SIDE * SIDE + i * SIDE + j] = (float) (r.nextGaussian() * 0.5 + (band == label ? 1.0 : 0.0));
                }
            }
        }
        return new Data(x, y, count);
    }

    public record Data(float[] inputs, float[] labels, int count) {
        int inputOffset(int example) { return example * SIDE * SIDE; }
    }
}
