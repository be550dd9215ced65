package io.sparkcnn.model.task;

import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.data.GrayImage;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.Activate;
import io.sparkcnn.model.layers.Conv;
import io.sparkcnn.model.layers.ShapeException;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
import io.sparkcnn.model.tensor.Shape;
import io.sparkcnn.model.train.Trainer;
import io.sparkcnn.model.train.TrainerConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SegmentationTaskTest {
    private static final Shape OUT = Shape.of(2, 2, 2);

    @Test
    void masksBecomeTrainIdsAndBadMasksNameTheExample() {
        SegmentationTask task = new SegmentationTask(2);
        float[] pixels = new float[3 * 4];
        float[] t = new float[4];
        task.encodeTarget(Example.masked("a", 3, 2, 2, pixels, new GrayImage(2, 2, new int[]{0, 1, 255, 1})), OUT, t, 0);
        assertArrayEquals(new float[]{0, 1, 255, 1}, t);

        BadExampleException e = assertThrows(BadExampleException.class, () -> task.encodeTarget(
                Example.masked("leftImg8bit/val/ulm/ulm_000001_leftImg8bit.png", 3, 2, 2, pixels,
                        new GrayImage(3, 2, new int[6])), OUT, t, 0));
        assertTrue(e.getMessage().contains("ulm_000001") && e.getMessage().contains("3x2") && e.getMessage().contains("2x2"),
                e.getMessage());
        e = assertThrows(BadExampleException.class, () -> task.encodeTarget(
                Example.masked("b", 3, 2, 2, pixels, new GrayImage(2, 2, new int[]{0, 7, 0, 0})), OUT, t, 0));
        assertTrue(e.getMessage().contains("'b'") && e.getMessage().contains("value 7"), e.getMessage());
        e = assertThrows(BadExampleException.class, () -> task.encodeTarget(
                Example.masked("c", 3, 2, 2, pixels, new GrayImage(2, 2, new int[4])), Shape.of(2, 1, 1), t, 0));
        assertTrue(e.getMessage().contains("'c'"), e.getMessage());
        e = assertThrows(BadExampleException.class, () -> task.encodeTarget(
                Example.classified("d", 3, 2, 2, pixels, 1), OUT, t, 0));
        assertTrue(e.getMessage().contains("no mask"), e.getMessage());
    }

    @Test
    void anOutputBelowTheMaskResolutionIsRefusedNamingTheLayer() {
        SegmentationTask task = new SegmentationTask(3);
        NetworkSpec strided = NetworkSpec.builder("strided", Shape.of(3, 8, 8))
                .add("enc", Conv.conv2d(4, 3, 2, 1)).add("relu", Activate.relu()).add("logits", Conv.conv2d(3, 1, 1, 0)).build();
        ShapeException e = assertThrows(ShapeException.class, () -> task.prepare(strided));
        assertTrue(e.getMessage().contains("logits") && e.getMessage().contains("4x4") && e.getMessage().contains("8x8"),
                e.getMessage());
        NetworkSpec wrongClasses = NetworkSpec.builder("wrong", Shape.of(3, 8, 8)).add("logits", Conv.conv2d(5, 3, 1, 1)).build();
        e = assertThrows(ShapeException.class, () -> task.prepare(wrongClasses));
        assertTrue(e.getMessage().contains("logits") && e.getMessage().contains("5 channels"), e.getMessage());
        NetworkSpec fits = NetworkSpec.builder("fits", Shape.of(3, 8, 8)).add("logits", Conv.conv2d(3, 3, 1, 1)).build();
        assertEquals(new SoftmaxCrossEntropy(null, 255).ignoreIndex(), ((SoftmaxCrossEntropy) task.prepare(fits).loss()).ignoreIndex());
    }

    @Test
    void metricsCountPixelsSkipIgnoredAndMergeAsLongs() {
        SegmentationTask task = new SegmentationTask(2);
        // one example, 2 classes over 2x2 pixels: logits class-major; predictions 1, 0, 1, 0
        float[] logits = {0, 2, 0, 3, 1, 0, 1, 0};
        float[] labels = {1, 1, 255, 0};
        SegmentationMetrics m = task.newMetrics(OUT);
        m.add(logits, 0, labels, 0, 1);
        assertEquals(3, m.count());
        assertEquals(1, m.confusion().count(1, 1));
        assertEquals(1, m.confusion().count(1, 0));
        assertEquals(1, m.confusion().count(0, 0));
        // class 0: TP 1, FP 1 (a class-1 pixel predicted 0), FN 0 -> 1/2; class 1: TP 1, FN 1 -> 1/2
        assertEquals(0.5, m.scores().classIou(0), 1e-12);
        assertEquals(0.5, m.scores().meanIou(), 1e-12);
        assertEquals(2.0 / 3, m.scores().pixelAccuracy(), 1e-12);
        double nll = (Math.log(Math.exp(0) + Math.exp(1)) - 1) + (Math.log(Math.exp(2) + Math.exp(0)) - 0)
                + (Math.log(Math.exp(3) + Math.exp(0)) - 3);
        assertEquals(nll / 3, m.meanLoss(), 1e-12);

        SegmentationMetrics copy = task.metricsFromLongs(OUT, m.toLongs());
        copy.merge(m);
        assertEquals(6, copy.count());
        assertEquals(2, copy.confusion().count(1, 0));
        assertThrows(IllegalArgumentException.class, () -> m.add(logits, 0, new float[]{0, 3, 0, 0}, 0, 1));
        int[] predicted = new int[4];
        task.predict(OUT, logits, 0, 1, predicted, 0);
        assertArrayEquals(new int[]{1, 0, 1, 0}, predicted);
    }

    @Test
    void shardKindsPickTheirTask() {
        assertEquals(new ClassificationTask(10), Tasks.forShards(io.sparkcnn.model.data.Task.CLASSIFICATION, 10));
        assertEquals(19, Tasks.forShards(io.sparkcnn.model.data.Task.SEGMENTATION, 19).classes());
        assertEquals(io.sparkcnn.model.data.Task.SEGMENTATION, Tasks.forShards(io.sparkcnn.model.data.Task.SEGMENTATION, 19).kind());
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> Tasks.forShards(io.sparkcnn.model.data.Task.DETECTION, 80));
        assertTrue(e.getMessage().contains("detection"), e.getMessage());
    }

    /** A small U-Net from the zoo learns to segment rectangles through the task. */
    @Test
    void aSmallZooUNetLearnsRectangles() {
        int classes = 3, side = 32, batch = 8, plane = side * side;
        SegmentationTask task = new SegmentationTask(classes);
        NetworkSpec spec = io.sparkcnn.model.zoo.ModelZoo.build("unet", classes, Shape.of(3, side, side),
                new io.sparkcnn.model.zoo.ZooOptions(4, 2, null));
        Shape out = Shape.of(classes, side, side);
        TrainerConfig config = TrainerConfig.fromMap(Map.of("optimizer", "adam", "learningRate", 0.01, "batchSize", batch, "seed", 2L));
        SplittableRandom rng = new SplittableRandom(9);
        float[] x = new float[batch * 3 * plane], y = new float[batch * plane];
        try (CpuBackend backend = new CpuBackend(2)) {
            Trainer trainer = Trainer.create(spec, backend, config, task);
            for (int step = 0; step < 150; step++) {
                rectangles(rng, task, out, x, y, batch, side, classes);
                trainer.trainStep(x, 0, y, 0);
            }
            rectangles(rng, task, out, x, y, batch, side, classes);
            SegmentationMetrics m = (SegmentationMetrics) trainer.evaluate(task, x, 0, y, 0, batch);
            // the all-background prediction: logits favouring class 0 everywhere
            SegmentationMetrics background = task.newMetrics(out);
            float[] zeros = new float[batch * classes * plane];
            for (int i = 0; i < batch; i++) java.util.Arrays.fill(zeros, i * classes * plane, i * classes * plane + plane, 1f);
            background.add(zeros, 0, y, 0, batch);
            double base = background.scores().meanIou();
            assertTrue(base < 0.3, "baseline " + base);
            assertTrue(m.scores().meanIou() > 0.7, "mIoU " + m.scores().meanIou() + ", all-background " + base);
        }
    }

    /** Noise background (class 0) with two rectangles of class 1 or 2, each brightening one colour channel. */
    private static void rectangles(SplittableRandom r, SegmentationTask task, Shape out, float[] x, float[] y,
                                   int batch, int side, int classes) {
        int plane = side * side;
        for (int i = 0; i < batch; i++) {
            int[] mask = new int[plane];
            float[] px = new float[3 * plane];
            for (int p = 0; p < 3 * plane; p++) px[p] = (float) (0.3 * r.nextGaussian());
            for (int k = 0; k < 2; k++) {
                int cls = 1 + r.nextInt(classes - 1), h = 4 + r.nextInt(side / 2), w = 4 + r.nextInt(side / 2);
                int y0 = r.nextInt(side - h), x0 = r.nextInt(side - w);
                for (int yy = y0; yy < y0 + h; yy++) {
                    for (int xx = x0; xx < x0 + w; xx++) {
                        mask[yy * side + xx] = cls;
                        px[(cls - 1) * plane + yy * side + xx] += 1f;
                    }
                }
            }
            System.arraycopy(px, 0, x, i * 3 * plane, 3 * plane);
            task.encodeTarget(Example.masked("rect" + i, 3, side, side, px, new GrayImage(side, side, mask)), out, y, i * plane);
        }
    }

    @Test
    void cityscapesCategoriesGroupTheTrainClasses() {
        SegmentationTask task = SegmentationTask.cityscapes();
        Shape out = Shape.of(19, 1, 2);
        SegmentationMetrics m = task.newMetrics(out);
        // pixel 0: road (0) predicted sidewalk (1), both "flat"; pixel 1: car (13) predicted road (0)
        float[] logits = new float[19 * 2];
        logits[1 * 2] = 5;
        logits[0 * 2 + 1] = 5;
        m.add(logits, 0, new float[]{0, 13}, 0, 1);
        double[] cat = m.cityscapesCategoryIou();
        assertEquals(7, cat.length);
        assertEquals(0.5, cat[0], 1e-12);      // flat: TP 1 (road as sidewalk), FP 1 (car as road)
        assertEquals(0.0, cat[6], 1e-12);      // vehicle: FN 1
        assertTrue(Double.isNaN(cat[4]) && Double.isNaN(cat[5]));   // sky, human: absent and never predicted
        assertThrows(IllegalStateException.class, () -> new SegmentationTask(3).newMetrics(Shape.of(3, 1, 1)).cityscapesCategoryIou());
    }

    /** A fully convolutional net learns a per-pixel rule through the task (loss, targets, metrics). */
    @Test
    void trainsAPerPixelRuleThroughTheTask() {
        SegmentationTask task = new SegmentationTask(2);
        NetworkSpec spec = NetworkSpec.builder("pixels", Shape.of(1, 6, 6))
                .add("c1", Conv.conv2d(4, 3, 1, 1)).add("r1", Activate.relu()).add("logits", Conv.conv2d(2, 1, 1, 0)).build();
        int batch = 8, hw = 36;
        SplittableRandom rng = new SplittableRandom(1);
        float[] x = new float[batch * hw], y = new float[batch * hw];
        Shape out = Shape.of(2, 6, 6);
        TrainerConfig config = TrainerConfig.fromMap(Map.of("optimizer", "adam", "learningRate", 0.05, "batchSize", batch, "seed", 3L));
        try (CpuBackend backend = new CpuBackend(1)) {
            Trainer trainer = Trainer.create(spec, backend, config, task);
            for (int step = 0; step < 150; step++) {
                for (int i = 0; i < batch; i++) {
                    float[] px = new float[hw];
                    int[] mask = new int[hw];
                    for (int p = 0; p < hw; p++) {
                        px[p] = (float) (2 * rng.nextDouble() - 1);
                        mask[p] = rng.nextInt(10) == 0 ? 255 : (px[p] > 0.2f ? 1 : 0);
                    }
                    System.arraycopy(px, 0, x, i * hw, hw);
                    task.encodeTarget(Example.masked("synthetic" + i, 1, 6, 6, px, new GrayImage(6, 6, mask)), out, y, i * hw);
                }
                trainer.trainStep(x, 0, y, 0);
            }
            SegmentationMetrics m = (SegmentationMetrics) trainer.evaluate(task, x, 0, y, 0, batch);
            assertTrue(m.scores().pixelAccuracy() > 0.95, "pixel accuracy " + m.scores().pixelAccuracy());
            assertTrue(m.scores().meanIou() > 0.9, "mIoU " + m.scores().meanIou());
        }
    }
}
