package io.sparkcnn.model.layers;

import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.losses.MeanSquaredError;
import io.sparkcnn.model.losses.SigmoidBinaryCrossEntropy;
import io.sparkcnn.model.losses.SmoothL1;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
import io.sparkcnn.model.reference.NaiveBatchNorm;
import io.sparkcnn.model.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.sparkcnn.model.layers.NetworkGradientCheck.check;
import static io.sparkcnn.model.layers.NetworkGradientCheck.labels;
import static io.sparkcnn.model.layers.NetworkGradientCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whole networks on the CPU backend, each layer type at least once, against the composed double references. */
class NetworkGradientTest {
    private static final Map<String, double[]> NO_DROPOUT = Map.of();

    @Test
    void convBatchNormPoolingClassifier() {
        NetworkSpec spec = NetworkSpec.builder("conv_bn_pool", Shape.of(2, 7, 7))
                .add("conv", Conv.conv2d(4, 3, 1, 1))
                .add("bn", new BatchNorm())
                .add("relu", Activate.relu())
                .add("max", Pool.max2d(3, 2, 1))
                .add("avg", Pool.avg2d(2, 1, 1).withCountIncludePad(false))
                .add("gap", new GlobalAvgPool())
                .add("fc", new Dense(3))
                .loss(new SoftmaxCrossEntropy(new float[]{1f, 2f, 0.5f}, -100))
                .build();
        NetworkGradientCheck.Outcome o = check(spec, 3, 1, labels(3, 3, -100), n -> NO_DROPOUT);
        // the running statistics moved once from (0, 1) with momentum 0.1, towards the conv output's batch statistics
        double[] buffers = o.buffers();
        for (int c = 0; c < 4; c++) {
            int ch = c;
            assertTrue(buffers[c] != 0 && buffers[4 + c] != 1.0,
                    () -> "running statistics of channel " + ch + " did not move: " + buffers[ch] + ", " + buffers[4 + ch]);
        }
    }

    @Test
    void residualBlockWithAdd() {
        NetworkSpec spec = NetworkSpec.builder("residual", Shape.of(3, 6, 6))
                .add("conv_a", Conv.conv2d(4, 3, 1, 1))
                .add("bn_a", new BatchNorm())
                .add("relu_a", Activate.relu())
                .add("conv_b", Conv.conv2d(4, 3, 1, 1))
                .add("bn_b", new BatchNorm())
                .add("shortcut", Conv.conv2d(4, 1, 1, 0), "input")
                .add("sum", new Add(), "bn_b", "shortcut")
                .add("relu", Activate.relu())
                .add("gap", new GlobalAvgPool())
                .add("fc", new Dense(5))
                .loss(new SoftmaxCrossEntropy())
                .build();
        check(spec, 2, 2, labels(2, 5, null), n -> NO_DROPOUT);
    }

    @Test
    void identityShortcutFeedsTwoConsumersAndAThreeWayAdd() {
        NetworkSpec spec = NetworkSpec.builder("three_way_add", Shape.of(2, 5, 5))
                .add("stem", Conv.conv2d(3, 3, 1, 1))
                .add("branch", Conv.conv2d(3, 3, 1, 1))
                .add("tanh", Activate.tanh(), "stem")
                .add("sum", new Add(), "stem", "branch", "tanh")
                .add("flat", new Flatten())
                .add("fc", new Dense(2))
                .loss(new MeanSquaredError())
                .build();
        check(spec, 2, 3, uniform(4, -1, 1), n -> NO_DROPOUT);
    }

    @Test
    void concatBranchesWithUpsampling() {
        NetworkSpec spec = NetworkSpec.builder("concat", Shape.of(2, 5, 5))
                .add("stem", Conv.conv2d(3, 1, 1, 0))
                .add("b1", Conv.conv2d(2, 1, 1, 0))
                .add("b2", Conv.conv2d(3, 3, 1, 1), "stem")
                .add("b3", Pool.max2d(3, 1, 1), "stem")
                .add("cat", new Concat(), "b1", "b2", "b3")
                .add("up", Upsample.bilinear(2))
                .add("down", Conv.conv2d(2, 3, 2, 0))
                .add("tanh", Activate.tanh())
                .add("flat", new Flatten())
                .add("fc", new Dense(3))
                .loss(new SmoothL1(0.5f))
                .build();
        check(spec, 2, 4, uniform(6, -1, 1), n -> NO_DROPOUT);
    }

    @Test
    void segmentationHeadWithTransposedConvolution() {
        NetworkSpec spec = NetworkSpec.builder("segmentation", Shape.of(2, 6, 6))
                .add("down", Conv.conv2d(4, 3, 2, 1))
                .add("relu", Activate.leakyRelu(0.1f))
                .add("up", ConvTranspose.convTranspose2d(3, 3, 2, 1, 1))
                .add("near", Upsample.nearest(1))
                .loss(new SoftmaxCrossEntropy(new float[]{0.5f, 1f, 2f}, 255))
                .build();
        check(spec, 2, 5, labels(2 * 36, 3, 255), n -> NO_DROPOUT);
    }

    @Test
    void videoNetworkIn3d() {
        NetworkSpec spec = NetworkSpec.builder("video", Shape.of(2, 4, 5, 5))
                .add("conv", new Conv(3, 3, new int[]{3}, new int[]{1}, new int[]{1}, new int[]{1}, 1, true))
                .add("bn", new BatchNorm())
                .add("sigmoid", Activate.sigmoid())
                .add("max", Pool.max3d(2, 2, 0))
                .add("avg", Pool.avg3d(2, 1, 1))
                .add("flat", new Flatten())
                .add("fc", new Dense(4))
                .loss(new SmoothL1())
                .build();
        check(spec, 2, 6, uniform(8, -1, 1), n -> NO_DROPOUT);
    }

    /**
     * A (2+1)-D residual block as R(2+1)D builds it: a (1,3,3) spatial conv striding H and W, a (3,1,1)
     * temporal conv with temporal stride 2 and dilation 2, a strided 1x1x1 shortcut, the sum, and global
     * average pooling over (T, H, W) into a softmax classifier.
     */
    @Test
    void twoPlusOneDResidualBlockWithTemporalStrideAndDilation() {
        NetworkSpec spec = NetworkSpec.builder("r2plus1d_block", Shape.of(2, 6, 5, 5))
                .add("spatial", new Conv(3, 3, new int[]{1, 3, 3}, new int[]{1, 2, 2}, new int[]{0, 1, 1}, new int[]{1}, 1, false))
                .add("spatial_bn", new BatchNorm())
                .add("spatial_relu", Activate.relu())
                .add("temporal", new Conv(3, 4, new int[]{3, 1, 1}, new int[]{2, 1, 1}, new int[]{2, 0, 0}, new int[]{2, 1, 1}, 1, false))
                .add("temporal_bn", new BatchNorm())
                .add("down", new Conv(3, 4, new int[]{1}, new int[]{2}, new int[]{0}, new int[]{1}, 1, false), NetworkSpec.INPUT)
                .add("down_bn", new BatchNorm())
                .add("add", new Add(), "temporal_bn", "down_bn")
                .add("relu", Activate.relu())
                .add("pool", new GlobalAvgPool())
                .add("fc", new Dense(3))
                .loss(new SoftmaxCrossEntropy())
                .build();
        assertEquals(Shape.of(4, 3, 3, 3), spec.shapes().get("temporal"));
        check(spec, 2, 8, labels(2, 3, null), n -> NO_DROPOUT);
    }

    @Test
    void batchNormOnVectorsAndDropoutInTraining() {
        // dropout is the output layer, so its mask can be read back from the output: kept values are x/(1-p), never 0
        NetworkSpec spec = NetworkSpec.builder("dropout", Shape.of(5))
                .add("fc", new Dense(16))
                .add("bn", new BatchNorm())   // BatchNorm1d: (C) inputs, statistics over the batch alone
                .add("tanh", Activate.tanh())
                .add("drop", new Dropout(0.5f))
                .loss(new SigmoidBinaryCrossEntropy())
                .build();
        check(spec, 3, 7, rng -> {
            double[] t = new double[48];
            for (int i = 0; i < t.length; i++) t[i] = rng.nextInt(2);
            return t;
        }, NetworkGradientTest::maskFromOutput);
    }

    private static Map<String, double[]> maskFromOutput(Network n) {
        float[] out = new float[n.batch() * n.outputSize()];
        n.readOutput(out);
        double[] mask = new double[out.length];
        int kept = 0;
        for (int i = 0; i < out.length; i++) {
            mask[i] = out[i] != 0f ? 2.0 : 0.0;
            if (out[i] != 0f) kept++;
        }
        if (kept == 0 || kept == out.length) throw new AssertionError("a mask of 48 draws at p=0.5 kept " + kept);
        return Map.of("drop", mask);
    }

    @Test
    void batchNormRunningStatisticsFollowPyTorch() {
        NetworkSpec spec = NetworkSpec.builder("bn_only", Shape.of(2, 3))
                .add("conv", new Conv(1, 2, new int[]{1}, new int[]{1}, new int[]{0}, new int[]{1}, 1, true))
                .add("bn", new BatchNorm(1e-5f, 0.1f))
                .loss(new MeanSquaredError())
                .build();
        NetworkGradientCheck.Outcome o = check(spec, 4, 8, uniform(24, -1, 1), n -> NO_DROPOUT);
        // recompute the conv output (1x1 conv on (2,3)) and the expected running statistics in double
        double[] p = o.params(), x = o.input();
        double[] convOut = new double[4 * 2 * 3];
        for (int n = 0; n < 4; n++) {
            for (int k = 0; k < 2; k++) {
                for (int s = 0; s < 3; s++) {
                    double v = p[4 + k];
                    for (int c = 0; c < 2; c++) v += p[k * 2 + c] * x[(n * 2 + c) * 3 + s];
                    convOut[(n * 2 + k) * 3 + s] = v;
                }
            }
        }
        NaiveBatchNorm.Train t = NaiveBatchNorm.forwardTrain(4, 2, 3, convOut, new double[]{1, 1}, new double[2], 1e-5);
        double[] runMean = {0, 0}, runVar = {1, 1};
        NaiveBatchNorm.updateRunning(t, 12, 0.1, runMean, runVar);
        assertArrayEquals(new double[]{runMean[0], runMean[1], runVar[0], runVar[1]}, o.buffers(), 1e-6);
    }
}
