package io.sparkcnn.model.detect;

import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.Concat;
import io.sparkcnn.model.layers.Conv;
import io.sparkcnn.model.layers.Flatten;
import io.sparkcnn.model.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The loss head planned in a real two-scale detector (convolution heads, flattened, concatenated
 * per kind, then boxes before scores): the network's loss and the gradient of the box and class
 * parts are those of {@link MultiBoxLoss} on the same outputs, gathered through {@link HeadLayout}.
 */
class SsdLossHeadsTest {
    static final int CLASSES = 2;
    // 8x8 input; map 0: 4x4 cells, stride 2, 3 boxes (ratios 1, 2 and the extra one); map 1: 2x2, stride 4, 1 box
    static final AnchorSpec ANCHORS = new AnchorSpec(8, 8, List.of(new FeatureMapAnchors(4, 4, 2, 2, 4, new float[] {1, 2}),
            new FeatureMapAnchors(2, 2, 4, 4, 0, new float[] {1})));

    static NetworkSpec detector(int map0Boxes, AnchorSpec anchors) {
        int s = CLASSES + 1;
        return NetworkSpec.builder("tiny-ssd", Shape.of(1, 8, 8))
                .add("c1", Conv.conv2d(4, 3, 2, 1))
                .add("loc1", Conv.conv2d(map0Boxes * 4, 3, 1, 1), "c1")
                .add("conf1", Conv.conv2d(map0Boxes * s, 3, 1, 1), "c1")
                .add("c2", Conv.conv2d(4, 3, 2, 1), "c1")
                .add("loc2", Conv.conv2d(4, 3, 1, 1), "c2")
                .add("conf2", Conv.conv2d(s, 3, 1, 1), "c2")
                .add("locf1", new Flatten(), "loc1").add("locf2", new Flatten(), "loc2")
                .add("conff1", new Flatten(), "conf1").add("conff2", new Flatten(), "conf2")
                .add("loc", new Concat(), "locf1", "locf2")
                .add("conf", new Concat(), "conff1", "conff2")
                .add("det", new Concat(), "loc", "conf")
                .loss(new SsdLoss(anchors, CLASSES))
                .build();
    }

    @Test
    void headLossesAndGradientsAreTheMultiBoxLossOfTheOutputs() {
        int batch = 3;
        Anchors anchors = ANCHORS.anchors();
        int a = anchors.count();
        DetectionTargets dt = new DetectionTargets(anchors, BoxCoder.SSD, AnchorMatcher.SSD);
        List<GroundTruth> truths = List.of(
                new GroundTruth(List.of(new Box(1, 1, 5, 4), new Box(4, 3, 8, 8)), new int[] {1, 2}, new boolean[2]),
                GroundTruth.EMPTY,
                new GroundTruth(List.of(new Box(0, 0, 8, 8), new Box(2, 2, 3, 3)), new int[] {2, 1}, new boolean[] {false, true}));
        float[] boxT = new float[batch * dt.targetSize()];
        for (int b = 0; b < batch; b++) dt.encode(truths.get(b), boxT, b * dt.targetSize());

        try (Network net = Network.build(detector(3, ANCHORS), batch, new CpuBackend(1), 0)) {
            net.initParams(5);
            float[] input = new float[batch * 64];
            SplittableRandom r = new SplittableRandom(2);
            for (int i = 0; i < input.length; i++) input[i] = (float) r.nextDouble();
            net.setInput(input, 0);
            net.setTargets(boxT, 0);
            float total = net.forwardBackward();

            HeadLayout layout = new HeadLayout(ANCHORS, CLASSES);
            float[] locOut = new float[batch * 4 * a], confOut = new float[batch * 3 * a];
            net.readActivation("loc", locOut);
            net.readActivation("conf", confOut);
            double[] loc = new double[batch * 4 * a], conf = new double[batch * 3 * a], target = new double[batch * 4 * a];
            float[] labels = new float[batch * a];
            for (int b = 0; b < batch; b++) {
                layout.gatherLoc(locOut, b * 4 * a, loc, b * 4 * a);
                layout.gatherConf(confOut, b * 3 * a, conf, b * 3 * a);
                for (int i = 0; i < 4 * a; i++) target[b * 4 * a + i] = boxT[b * 5 * a + i];
                System.arraycopy(boxT, b * 5 * a + 4 * a, labels, b * a, a);
            }
            boolean[] sel = new boolean[batch * a];
            MultiBoxLoss.mine(batch, a, CLASSES, conf, labels, 3, SsdLoss.DEFAULT_MIN_NEGATIVES, sel, new long[a]);
            double[] dLoc = new double[loc.length], dConf = new double[conf.length];
            double boxLoss = MultiBoxLoss.boxLoss(batch, a, CLASSES, loc, target, labels, 1, dLoc);
            double classLoss = MultiBoxLoss.classLoss(batch, a, CLASSES, conf, labels, sel, dConf);
            assertTrue(MultiBoxLoss.positives(batch, a, CLASSES, labels) >= 3, "every box got an anchor");

            assertTrue(boxLoss > 0 && classLoss > 0);
            assertEquals(boxLoss + classLoss, total, 1e-5 * (boxLoss + classLoss));

            float[] gLoc = new float[batch * 4 * a], gConf = new float[batch * 3 * a];
            net.readGradient("loc", gLoc);
            net.readGradient("conf", gConf);
            float[] expLoc = new float[gLoc.length], expConf = new float[gConf.length];
            for (int b = 0; b < batch; b++) {
                layout.scatterAddLoc(dLoc, b * 4 * a, expLoc, b * 4 * a);
                layout.scatterAddConf(dConf, b * 3 * a, expConf, b * 3 * a);
            }
            assertClose(expLoc, gLoc, "box head gradient");
            assertClose(expConf, gConf, "class head gradient");
            // the gradient reaches the parameters below the heads
            double sum = 0;
            for (float g : net.arenas().grads()) sum += Math.abs(g);
            assertTrue(sum > 0, "parameters get a gradient");
        }
    }

    @Test
    void aBatchWithoutBoxesTrainsTheBackground() {
        int batch = 2, a = ANCHORS.anchorCount();
        float[] boxT = new float[batch * 5 * a];   // every label 0: all negatives
        try (Network net = Network.build(detector(3, ANCHORS), batch, new CpuBackend(1), 0)) {
            net.initParams(7);
            net.setInput(new float[batch * 64], 0);
            net.setTargets(boxT, 0);
            float loss = net.forwardBackward();
            assertTrue(loss > 0, "mined negatives give a class loss: " + loss);
            float[] g = new float[batch * 7 * a];
            net.readGradient("det", g);
            int nonZero = 0, boxNonZero = 0;
            for (int i = 0; i < g.length; i++) {
                if (g[i] != 0) nonZero++;
                if (g[i] != 0 && i % (7 * a) < 4 * a) boxNonZero++;
            }
            assertEquals(0, boxNonZero, "no positives, no box gradient");
            assertEquals(batch * SsdLoss.DEFAULT_MIN_NEGATIVES * 3, nonZero, "3 scores of minNegatives anchors per image");
            double params = 0;
            for (float v : net.arenas().grads()) params += Math.abs(v);
            assertTrue(params > 0, "the parameters get a gradient from a box-less batch");
        }
    }

    @Test
    void headsThatDoNotFitTheAnchorsAreRefusedByName() {
        IllegalArgumentException box = assertThrows(IllegalArgumentException.class,
                () -> Network.build(detector(2, ANCHORS), 1, new CpuBackend(1), 0));
        assertTrue(box.getMessage().contains("detection head") && box.getMessage().contains(ANCHORS.anchorCount() + " anchors"),
                box.getMessage());
        List<FeatureMapAnchors> maps = new ArrayList<>(ANCHORS.maps());
        maps.set(1, new FeatureMapAnchors(2, 2, 4, 4, 0, new float[] {1, 3}));
        AnchorSpec more = new AnchorSpec(8, 8, maps);
        IllegalArgumentException cls = assertThrows(IllegalArgumentException.class,
                () -> Network.build(detector(3, more), 1, new CpuBackend(1), 0));
        assertTrue(cls.getMessage().contains((ANCHORS.anchorCount() + 4) + " anchors need"), cls.getMessage());
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        double scale = 0;
        for (float v : expected) scale = Math.max(scale, Math.abs(v));
        assertTrue(scale > 1e-4, what + " vanishes");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 * scale, what + " at " + i);
        }
    }
}
