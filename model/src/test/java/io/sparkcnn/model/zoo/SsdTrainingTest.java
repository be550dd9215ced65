package io.sparkcnn.model.zoo;

import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.detect.Box;
import io.sparkcnn.model.detect.DetectionPostprocess;
import io.sparkcnn.model.detect.Detections;
import io.sparkcnn.model.detect.GroundTruth;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.metrics.CocoEvaluation;
import io.sparkcnn.model.metrics.CocoMatches;
import io.sparkcnn.model.task.DetectionTask;
import io.sparkcnn.model.task.Example;
import io.sparkcnn.model.tensor.Shape;
import io.sparkcnn.model.train.Trainer;
import io.sparkcnn.model.train.TrainerConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The zoo's SSD end to end in one JVM on the CPU backend: trained on generated images of filled
 * rectangles of three colours (one class each), evaluated as cocoeval does with
 * {@link DetectionPostprocess} and {@link CocoMatches}. Training draws a fresh batch every step
 * (400 x 16 images): on a fixed set of 320 the net reached AP50 0.96 on it and 0.49 on held-out
 * images, learning the images rather than the rectangles.
 */
class SsdTrainingTest {
    static final int SIDE = 48, CLASSES = 3, BATCH = 16;

    /** A set of images with their boxes, and the encoded targets. */
    record Scenes(float[] x, float[] y, List<GroundTruth> truth) {}

    /**
     * n images of 1-3 non-overlapping rectangles of sides 10-28 px (0.2-0.6 of the side) on
     * faint noise; class c (1..3) adds 1 to channel c - 1 and 0.5 to the next.
     */
    static Scenes scenes(DetectionTask task, SplittableRandom r, int n) {
        int plane = SIDE * SIDE, in = 3 * plane, t = task.targetSize(null);
        float[] x = new float[n * in], y = new float[n * t];
        List<GroundTruth> truth = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] px = new float[in];
            for (int p = 0; p < in; p++) px[p] = (float) (0.1 * r.nextGaussian());
            List<Box> boxes = new ArrayList<>();
            int objects = 1 + r.nextInt(3);
            int[] labels = new int[objects];
            for (int tries = 0; boxes.size() < objects && tries < 50; tries++) {
                int w = 10 + r.nextInt(19), h = 10 + r.nextInt(19), x0 = r.nextInt(SIDE - w + 1), y0 = r.nextInt(SIDE - h + 1);
                Box b = new Box(x0, y0, x0 + w, y0 + h);
                if (boxes.stream().anyMatch(o -> o.iou(b) > 0)) continue;
                int c = 1 + r.nextInt(CLASSES);
                for (int yy = y0; yy < y0 + h; yy++) {
                    for (int xx = x0; xx < x0 + w; xx++) {
                        px[(c - 1) * plane + yy * SIDE + xx] += 1f;
                        px[c % 3 * plane + yy * SIDE + xx] += 0.5f;
                    }
                }
                labels[boxes.size()] = c;
                boxes.add(b);
            }
            GroundTruth g = new GroundTruth(boxes, java.util.Arrays.copyOf(labels, boxes.size()), new boolean[boxes.size()]);
            truth.add(g);
            System.arraycopy(px, 0, x, i * in, in);
            task.encode(Example.detected("scene" + i, 3, SIDE, SIDE, px, g), y, i * t);
        }
        return new Scenes(x, y, truth);
    }

    static NetworkSpec detector() { return ModelZoo.build("ssd", CLASSES, Shape.of(3, SIDE, SIDE), new ZooOptions(8, 3, null)); }

    @Test
    void theZooSsdLearnsToFindRectangles() {
        NetworkSpec spec = detector();
        DetectionTask task = DetectionTask.of(spec);
        SplittableRandom r = new SplittableRandom(11);
        Scenes val = scenes(task, r, 96);
        int steps = 400;
        TrainerConfig config = TrainerConfig.fromMap(Map.of("optimizer", "adam", "learningRate", 0.01, "batchSize", BATCH, "seed", 3L));
        try (CpuBackend backend = new CpuBackend(2)) {
            Trainer trainer = Trainer.create(spec, backend, config, task);
            float first = 0, last = 0;
            for (int step = 0; step < steps; step++) {
                Scenes train = scenes(task, r, BATCH);   // a fresh batch each step: the net cannot learn the images by heart
                last = trainer.trainStep(train.x(), 0, train.y(), 0);
                if (step == 0) first = last;
            }
            double ap50 = ap50(trainer.network(), task, val);
            System.out.printf("ssd on rectangles: loss %.3f -> %.3f, validation AP50 %.3f%n", first, last, ap50);
            assertTrue(last < first / 3, "loss " + first + " -> " + last);
            // 0.946 seen (0.919 with another seed); a detector that ignores the image scores about 0
            assertTrue(ap50 > 0.7, "validation AP50 " + ap50);
        }
    }

    /** AP at IoU 0.5 over the scenes, every image through the post-processing into the COCO matcher. */
    static double ap50(Network net, DetectionTask task, Scenes s) {
        int in = 3 * SIDE * SIDE, n = s.truth().size();
        DetectionPostprocess post = new DetectionPostprocess(task, DetectionPostprocess.Settings.DEFAULTS);
        float[] out = new float[BATCH * post.outputSize()];
        CocoMatches matches = new CocoMatches(CLASSES);
        Detections d = new Detections();
        for (int b = 0; b < n / BATCH; b++) {
            net.setInput(s.x(), b * BATCH * in);
            net.forward(false);
            net.readOutput(out);
            for (int i = 0; i < BATCH; i++) {
                GroundTruth g = s.truth().get(b * BATCH + i);
                int k = g.size();
                int[] labels = new int[k], crowd = new int[k];
                float[] boxes = new float[4 * k], areas = new float[k];
                for (int o = 0; o < k; o++) {
                    Box x = g.box(o);
                    labels[o] = g.label(o) - 1;
                    boxes[4 * o] = x.x1();
                    boxes[4 * o + 1] = x.y1();
                    boxes[4 * o + 2] = x.width();
                    boxes[4 * o + 3] = x.height();
                    areas[o] = x.area();
                }
                matches.addImage(b * BATCH + i, labels, boxes, areas, crowd, post.apply(out, i * post.outputSize(), SIDE, SIDE, d));
            }
        }
        CocoEvaluation e = matches.accumulate();
        return e.stats()[1];
    }

    /** Images without a box train: only background targets, finite loss, gradients through the backbone. */
    @Test
    void aMinibatchWithoutBoxesTrains() {
        NetworkSpec spec = detector();
        DetectionTask task = DetectionTask.of(spec);
        int n = 4, in = 3 * SIDE * SIDE, t = task.targetSize(null);
        SplittableRandom r = new SplittableRandom(2);
        float[] x = new float[n * in], y = new float[n * t];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        for (int i = 0; i < n; i++) {
            assertEquals(0, task.encode(Example.detected("empty" + i, 3, SIDE, SIDE, new float[in], GroundTruth.EMPTY), y, i * t)
                    .positives());
        }
        TrainerConfig config = TrainerConfig.fromMap(Map.of("optimizer", "sgd", "learningRate", 0.05, "batchSize", n, "seed", 1L));
        try (CpuBackend backend = new CpuBackend(1)) {
            Trainer trainer = Trainer.create(spec, backend, config, task);
            Network net = trainer.network();
            float loss = trainer.computeGradients(x, 0, y, 0);
            assertTrue(loss > 0 && Float.isFinite(loss), "loss " + loss);
            float[] grads = new float[net.paramCount()];
            trainer.readGradients(grads);
            int nonZero = 0;
            for (float g : grads) {
                assertTrue(Float.isFinite(g));
                if (g != 0) nonZero++;
            }
            assertTrue(nonZero > 0, "all parameter gradients are zero");
            assertTrue(maxAbs(net, "stem.conv") > 0, "the classification loss reaches the first layer");
            assertEquals(0f, maxAbs(net, "ssd_loc0"), "no positives: no box loss");
            assertTrue(maxAbs(net, "ssd_conf0") > 0);
            trainer.applyGradients();
            float later = loss;
            for (int s = 0; s < 10; s++) later = trainer.trainStep(x, 0, y, 0);
            assertTrue(later < loss, "background-only loss " + loss + " -> " + later);
        }
    }

    private static float maxAbs(Network net, String node) {
        float[] g = new float[net.nodeLength(node)];
        net.readGradient(node, g);
        float m = 0;
        for (float v : g) m = Math.max(m, Math.abs(v));
        return m;
    }
}
