package io.sparkcnn.model.task;

import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.detect.AnchorSpec;
import io.sparkcnn.model.detect.Box;
import io.sparkcnn.model.detect.FeatureMapAnchors;
import io.sparkcnn.model.detect.GroundTruth;
import io.sparkcnn.model.detect.ScoredBox;
import io.sparkcnn.model.detect.SsdLoss;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.Activate;
import io.sparkcnn.model.layers.Concat;
import io.sparkcnn.model.layers.Conv;
import io.sparkcnn.model.layers.Flatten;
import io.sparkcnn.model.layers.ShapeException;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
import io.sparkcnn.model.tensor.Shape;
import io.sparkcnn.model.train.Trainer;
import io.sparkcnn.model.train.TrainerConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DetectionTaskTest {
    static final int SIDE = 16, CLASSES = 2;
    // map 0: 4x4 cells of 4 px, boxes 6 and sqrt(6*10); map 1: 2x2 cells of 8 px, box 10
    static final AnchorSpec ANCHORS = new AnchorSpec(SIDE, SIDE, List.of(new FeatureMapAnchors(4, 4, 4, 6, 10, new float[] {1}),
            new FeatureMapAnchors(2, 2, 8, 10, 0, new float[] {1})));
    static final SsdLoss LOSS = new SsdLoss(ANCHORS, CLASSES);

    /** A small two-scale SSD on a 1x16x16 input, heads concatenated as {@link SsdLoss} reads them. */
    static NetworkSpec detector(SsdLoss loss, int inputSide) {
        int s = CLASSES + 1;
        return NetworkSpec.builder("tiny-ssd", Shape.of(1, inputSide, inputSide))
                .add("c1", Conv.conv2d(8, 3, 2, 1)).add("r1", Activate.relu())
                .add("c2", Conv.conv2d(16, 3, 2, 1)).add("r2", Activate.relu())
                .add("loc1", Conv.conv2d(2 * 4, 3, 1, 1), "r2").add("conf1", Conv.conv2d(2 * s, 3, 1, 1), "r2")
                .add("c3", Conv.conv2d(16, 3, 2, 1), "r2").add("r3", Activate.relu())
                .add("loc2", Conv.conv2d(4, 3, 1, 1), "r3").add("conf2", Conv.conv2d(s, 3, 1, 1), "r3")
                .add("lf1", new Flatten(), "loc1").add("lf2", new Flatten(), "loc2")
                .add("cf1", new Flatten(), "conf1").add("cf2", new Flatten(), "conf2")
                .add("loc", new Concat(), "lf1", "lf2").add("conf", new Concat(), "cf1", "cf2")
                .add("det", new Concat(), "loc", "conf")
                .loss(loss).build();
    }

    private final DetectionTask task = new DetectionTask(LOSS);

    @Test
    void theTaskComesFromTheNetworkAndChecksIt() {
        NetworkSpec spec = detector(LOSS, SIDE);
        assertEquals(LOSS, DetectionTask.of(spec).loss());
        task.checkNetwork(spec);
        // the same grids on a 32x32 input give heads of the same size: the input itself is refused
        AnchorSpec big = new AnchorSpec(32, 32, List.of(new FeatureMapAnchors(4, 4, 8, 12, 20, new float[] {1}),
                new FeatureMapAnchors(2, 2, 16, 20, 0, new float[] {1})));
        SsdLoss bigLoss = new SsdLoss(big, CLASSES);
        ShapeException input = assertThrows(ShapeException.class, () -> new DetectionTask(bigLoss).checkNetwork(detector(bigLoss, SIDE)));
        assertTrue(input.getMessage().contains("32x32 input") && input.getMessage().contains("(1, 16, 16)")
                || input.getMessage().contains("32x32 input"), input.getMessage());
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> task.checkNetwork(detector(LOSS, SIDE).withLoss(new SoftmaxCrossEntropy())));
        assertTrue(other.getMessage().contains("ssd loss"), other.getMessage());
        IllegalArgumentException notSsd = assertThrows(IllegalArgumentException.class,
                () -> DetectionTask.of(detector(LOSS, SIDE).withLoss(new SoftmaxCrossEntropy())));
        assertTrue(notSsd.getMessage().contains("softmax_cross_entropy on 'det'"), notSsd.getMessage());
        // heads that do not fit the anchors: the loss names them when the network's shapes are checked
        AnchorSpec more = new AnchorSpec(SIDE, SIDE, List.of(new FeatureMapAnchors(4, 4, 4, 6, 10, new float[] {1, 2}),
                new FeatureMapAnchors(2, 2, 8, 10, 0, new float[] {1})));
        IllegalArgumentException heads = assertThrows(IllegalArgumentException.class, () -> detector(new SsdLoss(more, CLASSES), SIDE));
        assertTrue(heads.getMessage().contains("det") && heads.getMessage().contains("anchors need"), heads.getMessage());
    }

    @Test
    void targetsComeFromTheExamplesBoxesAndBadExamplesAreNamed() {
        Shape out = Shape.of((int) LOSS.headSize());
        assertEquals(5 * 36, task.targetSize(out));
        float[] t = new float[task.targetSize(out)];
        GroundTruth gt = new GroundTruth(List.of(new Box(0, 0, 6, 6)), new int[] {2}, new boolean[1]);
        task.encodeTarget(Example.detected("a.jpg", 1, SIDE, SIDE, new float[SIDE * SIDE], gt), out, t, 0);
        // anchor 0 (6 x 6 at (2, 2)) overlaps it at 25/47, anchor 1 (7.7 x 7.7 at (2, 2)) at 0.56: both class 2
        assertEquals(2f, t[4 * 36]);
        assertEquals(2f, t[4 * 36 + 1]);
        assertEquals(2, task.encode(Example.detected("a.jpg", 1, SIDE, SIDE, new float[SIDE * SIDE], gt), t, 0).positives());
        task.encodeTarget(Example.detected("empty.jpg", 1, SIDE, SIDE, new float[SIDE * SIDE], GroundTruth.EMPTY), out, t, 0);
        for (int j = 0; j < 36; j++) assertEquals(0f, t[4 * 36 + j], "an image without boxes: all background");

        assertBad("b.jpg", "has no boxes", Example.classified("b.jpg", 1, SIDE, SIDE, new float[SIDE * SIDE], 0));
        assertBad("c.jpg", "resize the example", Example.detected("c.jpg", 1, 8, 8, new float[64], GroundTruth.EMPTY));
        assertBad("d.jpg", "class 3", Example.detected("d.jpg", 1, SIDE, SIDE, new float[SIDE * SIDE],
                new GroundTruth(List.of(new Box(0, 0, 6, 6)), new int[] {3}, new boolean[1])));
    }

    private void assertBad(String key, String part, Example e) {
        BadExampleException x = assertThrows(BadExampleException.class, () -> task.encodeTarget(e, Shape.of(1), new float[180], 0));
        assertTrue(x.getMessage().contains(key) && x.getMessage().contains(part), x.getMessage());
    }

    @Test
    void metricsAreTheNetworksLossAndMergeAcrossBatches() {
        int batch = 4;
        SplittableRandom r = new SplittableRandom(4);
        float[] x = new float[batch * SIDE * SIDE], y = new float[batch * task.targetSize(null)];
        squares(r, x, y, batch);
        try (Network net = Network.build(detector(LOSS, SIDE), batch, new CpuBackend(1), 0)) {
            net.initParams(3);
            net.setInput(x, 0);
            net.setTargets(y, 0);
            net.forward(false);
            float loss = net.computeLoss();
            float[] out = new float[batch * (int) LOSS.headSize()];
            net.readOutput(out);
            DetectionMetrics all = task.newMetrics(null);
            all.add(out, 0, y, 0, batch);
            assertEquals(loss, all.loss(), 1e-5 * loss);
            DetectionMetrics a = task.newMetrics(null), b = task.newMetrics(null);
            a.add(out, 0, y, 0, 1);
            b.add(out, (int) LOSS.headSize(), y, task.targetSize(null), batch - 1);
            a.merge(task.metricsFromLongs(null, b.toLongs()));
            assertEquals(all.loss(), a.loss(), 1e-12);
            assertEquals(batch, a.count());
            assertEquals(all.positives(), a.positives());
            assertArrayEquals(a.toLongs(), task.metricsFromLongs(null, a.toLongs()).toLongs());
        }
    }

    @Test
    void decodeAndPredictReadTheScoresOfEachAnchor() {
        float[] out = new float[(int) LOSS.headSize()];
        int loc = 4 * 36;
        // anchor 0 (cell 0,0 of map 0, 6 x 6 at (2, 2)): class 2 wins; anchor 35 (map 1's last cell): class 1 wins
        io.sparkcnn.model.detect.HeadLayout l = new io.sparkcnn.model.detect.HeadLayout(ANCHORS, CLASSES);
        out[loc + l.conf(0, 2)] = 5;
        out[loc + l.conf(35, 1)] = 4;
        out[l.loc(35, 0)] = 1;   // 1 * 0.1 * 10 px to the right
        int[] pred = new int[36];
        task.predict(null, out, 0, 1, pred, 0);
        assertEquals(2, pred[0]);
        assertEquals(1, pred[35]);
        assertEquals(0, pred[1]);
        List<ScoredBox> d = task.decode(out, 0, 0.5f, 10);
        assertEquals(2, d.size());
        ScoredBox one = d.get(0), two = d.get(1);
        assertEquals(1, one.label());
        assertEquals(new Box(8f, 7f, 16f, 16f), one.box(), "(13, 12) +-5, moved 1 px right, clipped to the image");
        assertEquals((float) (Math.exp(4) / (Math.exp(4) + 2)), one.score(), 1e-6);
        assertEquals(2, two.label());
        assertEquals(new Box(0f, 0f, 5f, 5f), two.box());
        assertEquals(36 * 2, task.decode(out, 0, 0f, 1000).size(), "threshold 0: every anchor and class");
        assertEquals(2, task.decode(out, 0, 0f, 1).size(), "one per class");
    }

    /** The tiny SSD learns where one bright (class 1) or dark (class 2) square is. */
    @Test
    void aTinySsdLearnsToFindSquares() {
        int batch = 8;
        TrainerConfig config = TrainerConfig.fromMap(Map.of("optimizer", "adam", "learningRate", 0.01, "batchSize", batch, "seed", 5L));
        SplittableRandom r = new SplittableRandom(8);
        float[] x = new float[batch * SIDE * SIDE], y = new float[batch * task.targetSize(null)];
        try (CpuBackend backend = new CpuBackend(1)) {
            Trainer trainer = Trainer.create(detector(LOSS, SIDE), backend, config, task);
            float first = 0, last = 0;
            for (int step = 0; step < 300; step++) {
                List<GroundTruth> truth = squares(r, x, y, batch);
                float l = trainer.trainStep(x, 0, y, 0);
                if (step == 0) first = l;
                last = l;
            }
            List<GroundTruth> truth = squares(r, x, y, batch);
            Network net = trainer.network();
            net.setInput(x, 0);
            net.forward(false);
            float[] out = new float[batch * (int) LOSS.headSize()];
            net.readOutput(out);
            int found = 0;
            for (int i = 0; i < batch; i++) {
                ScoredBox best = null;
                for (ScoredBox s : task.decode(out, i * (int) LOSS.headSize(), 0.05f, 5)) if (best == null || s.score() > best.score()) best = s;
                GroundTruth g = truth.get(i);
                if (best != null && best.label() == g.label(0) && best.box().iou(g.box(0)) > 0.5f) found++;
            }
            assertTrue(last < first / 2, "loss " + first + " -> " + last);
            DetectionMetrics m = (DetectionMetrics) trainer.evaluate(task, x, 0, y, 0, batch);
            assertEquals(batch, m.count());
            assertTrue(m.loss() < first / 2 && m.positives() >= batch, "evaluation loss " + m.loss());
            assertTrue(found >= batch - 2, found + " of " + batch + " squares found (right class, IoU > 0.5); loss " + last);
        }
    }

    /** One square of side 5..10 per image, +1 (class 1) or -1 (class 2) over faint noise; targets encoded by the task. */
    private List<GroundTruth> squares(SplittableRandom r, float[] x, float[] y, int batch) {
        List<GroundTruth> truth = new java.util.ArrayList<>();
        int plane = SIDE * SIDE;
        for (int i = 0; i < batch; i++) {
            float[] px = new float[plane];
            for (int p = 0; p < plane; p++) px[p] = (float) (0.1 * r.nextGaussian());
            int cls = 1 + r.nextInt(2), side = 5 + r.nextInt(6), x0 = r.nextInt(SIDE - side + 1), y0 = r.nextInt(SIDE - side + 1);
            for (int yy = y0; yy < y0 + side; yy++) for (int xx = x0; xx < x0 + side; xx++) px[yy * SIDE + xx] += cls == 1 ? 1f : -1f;
            GroundTruth g = new GroundTruth(List.of(new Box(x0, y0, x0 + side, y0 + side)), new int[] {cls}, new boolean[1]);
            truth.add(g);
            System.arraycopy(px, 0, x, i * plane, plane);
            task.encodeTarget(Example.detected("sq" + i, 1, SIDE, SIDE, px, g), null, y, i * task.targetSize(null));
        }
        return truth;
    }
}
