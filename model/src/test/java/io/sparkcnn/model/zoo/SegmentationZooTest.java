package io.sparkcnn.model.zoo;

import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.graph.Node;
import io.sparkcnn.model.layers.Add;
import io.sparkcnn.model.layers.Concat;
import io.sparkcnn.model.layers.Conv;
import io.sparkcnn.model.layers.ConvTranspose;
import io.sparkcnn.model.layers.Upsample;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
import io.sparkcnn.model.task.SegmentationTask;
import io.sparkcnn.model.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SegmentationZooTest {
    private static final int CLASSES = 19;

    private static Node node(NetworkSpec s, String name) {
        return s.nodes().stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(s.name() + " has no node " + name));
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @CsvSource({"fcn32s, 64, 64", "fcn16s, 64, 128", "fcn8s, 128, 64", "unet, 64, 128", "deeplab, 64, 64", "deeplab, 128, 64"})
    void outputsOneScoreMapPerClassAtTheInputSize(String name, int h, int w) {
        NetworkSpec spec = ModelZoo.build(name, CLASSES, Shape.of(3, h, w));
        assertEquals(Shape.of(CLASSES, h, w), spec.shapes().get(spec.outputNode().name()));
        SoftmaxCrossEntropy loss = (SoftmaxCrossEntropy) spec.loss();
        assertEquals(255, loss.ignoreIndex());
        new SegmentationTask(CLASSES).checkNetwork(spec); // the task's resolution rule holds
    }

    @Test
    void fcnSkipsComeFromPool3AndPool4AsInLongEtAl() {
        Shape in = Shape.of(3, 64, 64);
        NetworkSpec f32 = ModelZoo.build("fcn32s", CLASSES, in);
        NetworkSpec f16 = ModelZoo.build("fcn16s", CLASSES, in);
        NetworkSpec f8 = ModelZoo.build("fcn8s", CLASSES, in);
        Map<String, Shape> s8 = f8.shapes();
        assertEquals(Shape.of(CLASSES, 2, 2), s8.get("score_fr"));        // stride 32
        assertEquals(Shape.of(CLASSES, 4, 4), s8.get("score_pool4"));     // stride 16
        assertEquals(Shape.of(CLASSES, 8, 8), s8.get("score_pool3"));     // stride 8
        assertEquals(List.of("pool4"), node(f8, "score_pool4").inputs());
        assertEquals(List.of("pool3"), node(f8, "score_pool3").inputs());
        assertEquals(List.of("upscore2", "score_pool4"), node(f8, "fuse_pool4").inputs());
        assertEquals(List.of("upscore_pool4", "score_pool3"), node(f8, "fuse_pool3").inputs());
        assertTrue(node(f8, "fuse_pool3").spec() instanceof Add);
        ConvTranspose up8 = (ConvTranspose) node(f8, "upscore8").spec();
        assertArrayEquals(new int[]{16, 16}, up8.kernel());
        assertArrayEquals(new int[]{8, 8}, up8.stride());
        ConvTranspose up32 = (ConvTranspose) f32.outputNode().spec();
        assertArrayEquals(new int[]{32, 32}, up32.stride());
        assertEquals("upscore16", f16.outputNode().name());
        assertTrue(f16.nodes().stream().noneMatch(n -> n.name().equals("score_pool3")));
        assertTrue(f32.nodes().stream().noneMatch(n -> n.spec() instanceof Add));
        // the skips add exactly two 1x1 score layers' parameters per step
        long score = CLASSES * (8L * 16 + 1), score3 = CLASSES * (4L * 16 + 1), up2 = CLASSES * CLASSES * 16L + CLASSES;
        long up16 = CLASSES * CLASSES * 32L * 32 + CLASSES, up8p = CLASSES * CLASSES * 16L * 16 + CLASSES;
        long up32p = CLASSES * CLASSES * 64L * 64 + CLASSES;
        assertEquals(f32.paramCount() - up32p + up2 + score + up16, f16.paramCount());
        assertEquals(f16.paramCount() - up16 + up2 + score3 + up8p, f8.paramCount());
    }

    @Test
    void unetConcatenatesTheEncoderFeaturesOfEachLevel() {
        NetworkSpec u = ModelZoo.build("unet", 5, Shape.of(3, 32, 64), new ZooOptions(8, 3, null));
        Map<String, Shape> s = u.shapes();
        for (int level = 1; level <= 3; level++) {
            Node cat = node(u, "cat" + level);
            assertTrue(cat.spec() instanceof Concat);
            assertEquals(List.of("up" + level, "enc" + level + ".b.relu"), cat.inputs());
            int f = 8 << (level - 1);
            assertEquals(Shape.of(2 * f, 32 >> (level - 1), 64 >> (level - 1)), s.get("cat" + level));
        }
        assertEquals(Shape.of(64, 4, 8), s.get("bottom.b.relu"));
        assertEquals(3, u.nodes().stream().filter(n -> n.spec() instanceof ConvTranspose).count());
        assertEquals(Shape.of(5, 32, 64), s.get("logits"));
    }

    @Test
    void deeplabUsesTheConfiguredDilationRates() {
        NetworkSpec d = ModelZoo.build("deeplab", 4, Shape.of(3, 64, 64), new ZooOptions(4, 2, new int[]{1, 3, 6}));
        for (int r : new int[]{1, 3, 6}) {
            Conv c = (Conv) node(d, "aspp.rate" + r + ".conv").spec();
            assertArrayEquals(new int[]{r, r}, c.dilation());
            assertEquals(Shape.of(16, 16, 16), d.shapes().get("aspp.rate" + r + ".relu"));
        }
        assertEquals(4, node(d, "aspp.cat").inputs().size());
        Upsample up = (Upsample) d.outputNode().spec();
        assertEquals(4, up.scaleH());
        assertEquals(Upsample.Mode.BILINEAR, up.mode());
    }

    @Test
    void badSizesAndOptionsAreRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelZoo.build("fcn8s", CLASSES, Shape.of(3, 48, 64)));
        assertTrue(e.getMessage().contains("multiples of 32") && e.getMessage().contains("48x64"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModelZoo.build("unet", 3, Shape.of(3, 24, 24), new ZooOptions(4, 4, null)));
        assertTrue(e.getMessage().contains("multiples of 16"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModelZoo.build("resnet18", 3, Shape.of(3, 64, 64), new ZooOptions(8, 0, null)));
        assertTrue(e.getMessage().contains("takes no width"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModelZoo.build("unet", 3, Shape.of(3, 32, 32), new ZooOptions(4, 2, new int[]{2})));
        assertTrue(e.getMessage().contains("no dilation rates"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ZooOptions(4, 2, new int[]{0}));
    }

    /**
     * A small one of each trains a step on 2 threads at 64x64: finite per-pixel loss, and the
     * whole graph's gradient along a random direction matches a central difference of the loss.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"fcn32s, 2, 1", "fcn16s, 2, 1", "fcn8s, 2, 1", "unet, 4, 2", "deeplab, 4, 2"})
    void smallModelsHaveFiniteDifferenceGradients(String name, int width, int depth) {
        int batch = 2, classes = 3;
        NetworkSpec spec = ModelZoo.build(name, classes, Shape.of(3, 64, 64), new ZooOptions(width, depth, null));
        try (Network net = Network.build(spec, batch, new CpuBackend(2), 0)) {
            net.initParams(7);
            SplittableRandom r = new SplittableRandom(3);
            float[] x = new float[batch * net.inputSize()];
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
            float[] y = new float[batch * net.targetSize()];
            for (int i = 0; i < y.length; i++) y[i] = r.nextInt(8) == 0 ? 255 : (i / 64 % 64 < 32 ? 1 : 2);
            net.setInput(x, 0);
            net.setTargets(y, 0);
            // training mode: batch statistics, and dropout masks fixed by (seed, step), so the loss stays smooth
            net.zeroGrads();
            net.forward(true);
            float loss = net.computeLoss();
            assertTrue(Float.isFinite(loss) && loss > 0, name + " loss " + loss);
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
            assertTrue(Math.abs(analytic) > 1e-4, name + ": directional derivative vanishes: " + analytic);
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
}
