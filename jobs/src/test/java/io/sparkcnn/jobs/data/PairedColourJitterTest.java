package io.sparkcnn.jobs.data;

import io.sparkcnn.jobs.TinyDetShards;
import io.sparkcnn.model.data.GrayImage;
import io.sparkcnn.model.data.ImageCodec;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Colour jitter on the paired tasks' rows (no Spark: rows built in memory): it changes the
 * training pixels, never the targets (boxes, anchor targets, mask), draws from a stream of its own
 * (the geometry drawn from the same seed is the same with it on or off), is a function of the
 * seed, and evaluation never jitters.
 */
class PairedColourJitterTest {
    static final int W = TinyDetShards.WIDTH, H = TinyDetShards.HEIGHT, SEG = 16;
    static final Augmentation JITTER = new Augmentation(false, 0.08, 1, 0.75, 4 / 3.0, false, 0, 0.4, 0.4, 0.4);

    private static ImageTransform transform(int size, Augmentation a) {
        return new ImageTransform(new int[] {3, size, size}, new double[] {0.4, 0.5, 0.6}, new double[] {0.2, 0.25, 0.3}, a, 0);
    }

    /** A raw RGB row of coloured ramps (not gray, so saturation acts too). */
    private static EncodedRows image(int w, int h) {
        return ImageTransformTest.rawRow("row", w, h, (x, y, c) -> c == 0 ? 20 + 4 * x : c == 1 ? 20 + 5 * y : 60 + 3 * ((x + y) % 30));
    }

    private static EncodedRows detectionRow() {
        EncodedRows r = image(W, H);
        r.objLabels[0] = new int[] {0, 1};
        r.objBoxes[0] = new float[] {5, 6, 12, 12, 22, 14, 10, 14};
        r.objCrowd[0] = new int[] {0, 0};
        r.objAreas[0] = new float[] {144, 140};
        return r;
    }

    private static EncodedRows segmentationRow() {
        EncodedRows r = image(SEG, SEG);
        int[] mask = new int[SEG * SEG];
        for (int i = 0; i < mask.length; i++) mask[i] = i % SEG < 5 ? 0 : i / SEG < 7 ? 1 : i % 7 == 0 ? 255 : 2;
        r.masks[0] = ImageCodec.encodeGrayPng(new GrayImage(SEG, SEG, mask));
        return r;
    }

    private static DetectionRows detection(Augmentation a) {
        // zoom out, minimum-IoU patches and flips: the geometry varies with the seed
        DetectionRows.Geometry g = new DetectionRows.Geometry(0.5, 1.5, 0.3, true, 0.25);
        return new DetectionRows(transform(TinyDetShards.INPUT, a), TinyDetShards.network(TinyDetShards.anchors(), 2), g);
    }

    private static SegmentationRows segmentation(Augmentation a) {
        return new SegmentationRows(transform(SEG, a), 3, new int[] {3, SEG, SEG}, 0.8, 1.25, true);
    }

    private record Pair(float[] x, float[] t) {}

    private static Pair train(RowExamples rows, EncodedRows data, long seed) {
        float[] x = new float[rows.inputSize()], t = new float[rows.targetSize()];
        rows.train(data, 0, seed, x, 0, t, 0);
        return new Pair(x, t);
    }

    private static Pair eval(RowExamples rows, EncodedRows data) {
        float[] x = new float[rows.inputSize()], t = new float[rows.targetSize()];
        rows.eval(data, 0, x, 0, t, 0);
        return new Pair(x, t);
    }

    /** Per seed: the same targets with jitter on and off, other pixels; the same seed again, the same pixels. */
    private static void pixelsMoveTargetsStay(RowExamples plain, RowExamples jittered, EncodedRows data) {
        java.util.Set<String> targets = new java.util.HashSet<>();
        for (long seed = 0; seed < 24; seed++) {
            Pair p = train(plain, data, seed), j = train(jittered, data, seed), again = train(jittered, data, seed);
            assertArrayEquals(p.t(), j.t(), "seed " + seed + ": jitter must not change the targets (nor the geometry drawn)");
            assertFalse(Arrays.equals(p.x(), j.x()), "seed " + seed + ": jitter changed no pixel");
            assertArrayEquals(j.x(), again.x(), "seed " + seed + ": the same seed gives the same pixels");
            assertArrayEquals(j.t(), again.t());
            targets.add(Arrays.toString(p.t()));
        }
        assertTrue(targets.size() > 5, "the geometry varies with the seed: " + targets.size() + " different targets");
        Pair pe = eval(plain, data), je = eval(jittered, data);
        assertArrayEquals(pe.x(), je.x(), "evaluation never jitters");
        assertArrayEquals(pe.t(), je.t());
    }

    @Test
    void detectionJitterChangesThePixelsAndLeavesTheBoxesAndAnchorTargets() {
        EncodedRows row = detectionRow();
        DetectionRows plain = detection(Augmentation.NONE), jittered = detection(JITTER);
        pixelsMoveTargetsStay(plain, jittered, row);
        assertEquals(2, jittered.example(row, 0).objects().size(), "the stored example is not augmented");
        assertArrayEquals(plain.example(row, 0).pixels(), jittered.example(row, 0).pixels());
    }

    @Test
    void segmentationJitterChangesThePixelsAndLeavesTheMask() {
        EncodedRows row = segmentationRow();
        SegmentationRows plain = segmentation(Augmentation.NONE), jittered = segmentation(JITTER);
        pixelsMoveTargetsStay(plain, jittered, row);
        assertArrayEquals(plain.mask(row, 0).values(), jittered.example(row, 0).mask().values());
    }

    /**
     * Brightness alone, geometry off, an image whose values stay under 1 / 1.3: the training input
     * is the plain one times one factor b in [0.7, 1.3] for every pixel and channel (torchvision's
     * brightness: a factor of the [0,1] image, before normalisation), b drawn per seed.
     */
    @Test
    void detectionBrightnessIsOneFactorOfTheUnnormalisedImage() {
        Augmentation brightness = new Augmentation(false, 0.08, 1, 0.75, 4 / 3.0, false, 0, 0.3, 0, 0);
        ImageTransform plainT = new ImageTransform(new int[] {3, 32, 32}, new double[] {0}, new double[] {1}, Augmentation.NONE, 0);
        ImageTransform brightT = new ImageTransform(new int[] {3, 32, 32}, new double[] {0}, new double[] {1}, brightness, 0);
        var net = TinyDetShards.network(TinyDetShards.anchors(), 2);
        DetectionRows plain = new DetectionRows(plainT, net, DetectionRows.Geometry.NONE);
        DetectionRows bright = new DetectionRows(brightT, net, DetectionRows.Geometry.NONE);
        EncodedRows row = detectionRow();
        java.util.Set<Float> factors = new java.util.HashSet<>();
        for (long seed = 0; seed < 10; seed++) {
            float[] p = train(plain, row, seed).x(), b = train(bright, row, seed).x();
            float k = b[0] / p[0];
            assertTrue(k >= 0.7f - 1e-5 && k <= 1.3f + 1e-5, "factor " + k);
            for (int i = 0; i < p.length; i++) assertEquals(k * p[i], b[i], 1e-5, "seed " + seed + " value " + i);
            factors.add(k);
        }
        assertTrue(factors.size() == 10, "a factor per seed: " + factors);
    }
}
