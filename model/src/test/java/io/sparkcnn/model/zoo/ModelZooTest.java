package io.sparkcnn.model.zoo;

import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.graph.NetworkSummary;
import io.sparkcnn.model.layers.ShapeException;
import io.sparkcnn.model.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelZooTest {
    private static final Shape IMAGENET = Shape.of(3, 224, 224);
    private static final Shape CIFAR = Shape.of(3, 32, 32);

    /** Published figures (torchvision, Keras), counted from the spec without any allocation. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "resnet18, 1000, 11689512",
            "resnet34, 1000, 21797672",
            "resnet50, 1000, 25557032",
            "mobilenet_v1, 1000, 4231976",
    })
    void parameterCountsEqualThePublishedFigures(String name, int classes, long expected) {
        assertEquals(expected, ModelZoo.build(name, classes, IMAGENET).paramCount());
    }

    @Test
    void inceptionIsTorchvisionsGoogLeNetWithTrue5x5Convs() {
        // torchvision's googlenet (no aux heads) has 6,624,904 parameters with 3x3 convs in its "5x5" branch;
        // a 5x5 kernel adds 16 weights per (reduce, out) channel pair of that branch in each of the 9 modules
        long pairs = 16 * 32 + 32 * 96 + 16 * 48 + 24 * 64 + 24 * 64 + 32 * 64 + 32 * 128 + 32 * 128 + 48 * 128;
        assertEquals(6_624_904L + 16 * pairs, ModelZoo.build("inception_v1", 1000, IMAGENET).paramCount());
    }

    @Test
    void smallModelsHaveTheirKnownCounts() {
        assertEquals(61_706L, ModelZoo.build("lenet5", 10, Shape.of(1, 28, 28)).paramCount());
        // the same less the two convolutions' 6 + 16 biases, plus batch norm's gamma and beta for 6 + 16 channels
        assertEquals(61_706L - 22 + 44, ModelZoo.build("lenet5_bn", 10, Shape.of(1, 28, 28)).paramCount());
        // conv 1*16*25 + 16*32*25, BN 2*(16 + 32), dense 800*128 + 128 and 128*10 + 10
        assertEquals(400L + 12_800 + 96 + 102_528 + 1_290, ModelZoo.build("lenet5_wide", 10, Shape.of(1, 28, 28)).paramCount());
        // kuangliu's pytorch-cifar ResNet18, the usual CIFAR variant
        assertEquals(11_173_962L, ModelZoo.build("resnet18_cifar", 10, CIFAR).paramCount());
        // convs 3*64*9 + 64*64*9 + 64*128*9 + 128*128*9 + 128*256*9 + 256*256*9, BN 2*(2*64 + 2*128 + 2*256),
        // dense 4096*256 + 256 and 256*10 + 10
        long vgg = 1728 + 36864 + 73728 + 147456 + 294912 + 589824 + 2 * 896 + 4096 * 256 + 256 + 2570;
        assertEquals(vgg, ModelZoo.build("vgg_small", 10, CIFAR).paramCount());
    }

    @Test
    void resNetStagesHaveTorchvisionsShapes() {
        Map<String, Shape> r18 = ModelZoo.build("resnet18", 1000, IMAGENET).shapes();
        assertEquals(Shape.of(64, 112, 112), r18.get("relu"));
        assertEquals(Shape.of(64, 56, 56), r18.get("maxpool"));
        assertEquals(Shape.of(128, 28, 28), r18.get("layer2.1.relu"));
        assertEquals(Shape.of(512, 7, 7), r18.get("layer4.1.relu"));
        assertEquals(Shape.of(1000), r18.get("fc"));
        Map<String, Shape> r50 = ModelZoo.build("resnet50", 1000, IMAGENET).shapes();
        assertEquals(Shape.of(256, 56, 56), r50.get("layer1.0.relu"));
        assertEquals(Shape.of(2048, 7, 7), r50.get("layer4.2.relu"));
        Map<String, Shape> cifar = ModelZoo.build("resnet18_cifar", 10, CIFAR).shapes();
        assertEquals(Shape.of(64, 32, 32), cifar.get("layer1.1.relu"));
        assertEquals(Shape.of(512, 4, 4), cifar.get("layer4.1.relu"));
        Map<String, Shape> inception = ModelZoo.build("inception_v1", 1000, IMAGENET).shapes();
        assertEquals(Shape.of(256, 28, 28), inception.get("inception3a.concat"));
        assertEquals(Shape.of(1024, 7, 7), inception.get("inception5b.concat"));
        assertEquals(Shape.of(1024, 7, 7), ModelZoo.build("mobilenet_v1", 1000, IMAGENET).shapes().get("block13.pw.relu"));
    }

    @Test
    void resNet50ForwardCostsItsKnownFlops() {
        // torchvision lists 4.09 GFLOPS (multiply-adds) for ResNet-50 at 224; counting an add as a FLOP doubles it
        double gmacs = NetworkSummary.of(ModelZoo.build("resnet50", 1000, IMAGENET)).totalFlops() / 2e9;
        assertTrue(gmacs > 4.05 && gmacs < 4.2, "ResNet-50 multiply-adds " + gmacs + " G");
    }

    @Test
    void badRequestsFailWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelZoo.build("resnet101", 10, CIFAR))
                .getMessage().contains("resnet18"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelZoo.build("lenet5", 1, Shape.of(1, 28, 28)))
                .getMessage().contains("2 classes"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelZoo.build("lenet5", 10, Shape.of(784)))
                .getMessage().contains("(C,H,W)"));
        ShapeException tooSmall = assertThrows(ShapeException.class, () -> ModelZoo.build("lenet5", 10, Shape.of(1, 8, 8)));
        assertTrue(tooSmall.getMessage().contains("conv2"), tooSmall.getMessage());
    }

    /** Each model builds on the CPU backend and runs a training step at a small size: finite loss, gradients reach both ends. */
    @ParameterizedTest(name = "{0} {1}x{2}x{2} batch {3}")
    @CsvSource({
            "lenet5, 1, 28, 2",
            "vgg_small, 3, 32, 2",
            "resnet18_cifar, 3, 16, 2",
            "resnet34_cifar, 3, 8, 2",
            "resnet50_cifar, 3, 8, 2",
            "resnet18, 3, 64, 1",
            "resnet34, 3, 64, 1",
            "resnet50, 3, 64, 1",
            "inception_v1, 3, 64, 1",
            "mobilenet_v1, 3, 32, 2",
    })
    void runsForwardAndBackward(String name, int channels, int side, int batch) {
        int classes = 5;
        NetworkSpec spec = ModelZoo.build(name, classes, Shape.of(channels, side, side));
        try (Network net = Network.build(spec, batch, new CpuBackend(2), 0)) {
            net.initParams(7);
            SplittableRandom r = new SplittableRandom(3);
            float[] x = new float[batch * net.inputSize()];
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
            float[] y = new float[batch];
            for (int i = 0; i < batch; i++) y[i] = i % classes;
            net.setInput(x, 0);
            net.setTargets(y, 0);
            float loss = net.forwardBackward();
            assertTrue(Float.isFinite(loss) && loss > 0, name + " loss " + loss);
            float[] out = new float[batch * classes];
            net.readOutput(out);
            for (float v : out) assertTrue(Float.isFinite(v), name + " output " + v);
            float[] grads = net.arenas().grads();
            for (float g : grads) assertTrue(Float.isFinite(g), name + " has a non-finite gradient");
            // parameters are laid out in node order: the first conv's weights lead, the classifier's bias ends
            assertTrue(anyNonZero(grads, 0, 64), name + ": no gradient reached the first layer");
            assertTrue(anyNonZero(grads, grads.length - classes, classes), name + ": no gradient at the classifier");
        }
    }

    /**
     * The whole graph's gradient (branches, shortcuts, batch norm in training mode) against a
     * central difference of the loss along one random direction of all parameters.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"lenet5, 1, 28", "resnet18_cifar, 3, 16"})
    void gradientMatchesAFiniteDifferenceAlongARandomDirection(String name, int channels, int side) {
        int batch = 4;
        try (Network net = Network.build(ModelZoo.build(name, 5, Shape.of(channels, side, side)), batch, new CpuBackend(2), 0)) {
            net.initParams(7);
            SplittableRandom r = new SplittableRandom(3);
            float[] x = new float[batch * net.inputSize()];
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
            net.setInput(x, 0);
            net.setTargets(new float[]{1, 3, 0, 2}, 0);
            net.zeroGrads();
            net.forward(true);
            net.computeLoss();
            net.backward();
            float[] grads = net.arenas().grads().clone();
            float[] params = net.params().clone();
            double[] dir = new double[params.length];
            double norm = 0;
            for (int i = 0; i < dir.length; i++) {
                dir[i] = r.nextGaussian();
                norm += dir[i] * dir[i];
            }
            double analytic = 0;
            for (int i = 0; i < dir.length; i++) {
                dir[i] /= Math.sqrt(norm);
                analytic += dir[i] * grads[i];
            }
            double eps = 3e-3;
            double numeric = (lossAt(net, params, dir, eps) - lossAt(net, params, dir, -eps)) / (2 * eps);
            assertEquals(analytic, numeric, 5e-2 * Math.abs(analytic), name + ": directional derivative");
        }
    }

    private static double lossAt(Network net, float[] params, double[] dir, double step) {
        float[] p = new float[params.length];
        for (int i = 0; i < p.length; i++) p[i] = (float) (params[i] + step * dir[i]);
        net.setParams(p);
        net.forward(true);
        return net.computeLoss();
    }

    private static boolean anyNonZero(float[] a, int off, int n) {
        for (int i = off; i < off + n; i++) if (a[i] != 0f) return true;
        return false;
    }
}
