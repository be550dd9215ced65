package io.sparkcnn.model.detect;

import io.sparkcnn.model.metrics.CocoMatches;
import io.sparkcnn.model.task.DetectionTask;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hand-made raw outputs of a 16x16 detector with 2 classes: map 0 is 4x4 cells of 4 px with a 6 px
 * box and a sqrt(6 * 10) = 7.75 px box per cell, map 1 2x2 cells of 8 px with a 10 px box (36 anchors).
 * Every anchor's background logit is 10 unless set, so its class scores (1 / (e^10 + 2)) stay under
 * the threshold.
 */
class DetectionPostprocessTest {
    static final AnchorSpec ANCHORS = new AnchorSpec(16, 16, List.of(new FeatureMapAnchors(4, 4, 4, 6, 10, new float[] {1}),
            new FeatureMapAnchors(2, 2, 8, 10, 0, new float[] {1})));
    static final SsdLoss LOSS = new SsdLoss(ANCHORS, 2);
    static final HeadLayout LAYOUT = new HeadLayout(ANCHORS, 2);
    static final DetectionTask TASK = new DetectionTask(LOSS);
    // anchor 0: 6x6 at (2, 2) -> clipped (0, 0, 5, 5); anchor 1: 7.75 square at (2, 2) -> (0, 0, 5.87, 5.87)
    // IoU(0, 1) = 25 / 5.873^2 = 0.725; anchor 35: 10x10 at (12, 12) -> clipped (7, 7, 16, 16)
    static final float SIDE1 = (float) (2 + Math.sqrt(60) / 2);

    private static float[] background() {
        float[] out = new float[(int) LOSS.headSize()];
        for (int j = 0; j < 36; j++) out[LAYOUT.locSize() + LAYOUT.conf(j, 0)] = 10;
        return out;
    }

    /** Anchor j scores logit for class c (1..2), 0 for the background and -10 for the other class. */
    private static void score(float[] out, int j, int c, float logit) {
        int conf = LAYOUT.locSize();
        out[conf + LAYOUT.conf(j, 0)] = 0;
        out[conf + LAYOUT.conf(j, c)] = logit;
        out[conf + LAYOUT.conf(j, 3 - c)] = -10;
    }

    private static float softmax(float logit) { return (float) (Math.exp(logit) / (Math.exp(logit) + 1 + Math.exp(-10))); }

    private static Detections run(float[] out, DetectionPostprocess.Settings s, int w, int h) {
        return new DetectionPostprocess(TASK, s).apply(out, 0, w, h, new Detections());
    }

    private static void assertBox(Detections d, int i, float x1, float y1, float x2, float y2) {
        float[] e = {x1, y1, x2, y2}, a = {d.x1(i), d.y1(i), d.x2(i), d.y2(i)};
        for (int k = 0; k < 4; k++) assertEquals(e[k], a[k], 1e-4, "detection " + i + " " + Arrays.toString(a));
    }

    @Test
    void twoOverlappingBoxesOfOneClassGiveOne() {
        float[] out = background();
        score(out, 0, 1, 5);
        score(out, 1, 1, 4);
        Detections d = run(out, DetectionPostprocess.Settings.DEFAULTS, 16, 16);
        assertEquals(1, d.count(), d.toString());
        assertEquals(0, d.label(0), "class 1 of the decoder is class index 0");
        assertEquals(softmax(5), d.score(0), 1e-6);
        assertBox(d, 0, 0, 0, 5, 5);
        // IoU 0.725 is under an NMS threshold of 0.8: both stay, in score order
        Detections loose = run(out, new DetectionPostprocess.Settings(0.01f, 0.8f, 100), 16, 16);
        assertEquals(2, loose.count(), loose.toString());
        assertBox(loose, 1, 0, 0, SIDE1, SIDE1);
        assertEquals(softmax(4), loose.score(1), 1e-6);
    }

    @Test
    void twoClassesOnTheSamePlaceKeepBoth() {
        float[] out = background();
        score(out, 0, 1, 5);
        score(out, 1, 2, 4);
        Detections d = run(out, DetectionPostprocess.Settings.DEFAULTS, 16, 16);
        assertEquals(2, d.count(), d.toString());
        assertEquals(0, d.label(0));
        assertEquals(1, d.label(1));
        assertBox(d, 1, 0, 0, SIDE1, SIDE1);
    }

    @Test
    void theScoreThresholdAndTopKCut() {
        float[] out = background();
        score(out, 0, 1, 3);     // 0.952
        score(out, 20, 2, 5);    // map 0 cell (2, 2): 0.993
        score(out, 35, 1, 4);    // 0.982
        score(out, 14, 2, -1);   // 1 / (1 + e) = 0.269
        Detections all = run(out, DetectionPostprocess.Settings.DEFAULTS, 16, 16);
        assertEquals(4, all.count(), all.toString());
        Detections two = run(out, new DetectionPostprocess.Settings(0.01f, 0.45f, 2), 16, 16);
        assertEquals(2, two.count(), two.toString());
        assertEquals(softmax(5), two.score(0), 1e-6);
        assertEquals(1, two.label(0));
        assertBox(two, 0, 7, 7, 13, 13);   // cell (2, 2) centre (10, 10), 6 px
        assertEquals(softmax(4), two.score(1), 1e-6);
        assertBox(two, 1, 7, 7, 16, 16);
        Detections confident = run(out, new DetectionPostprocess.Settings(0.5f, 0.45f, 100), 16, 16);
        assertEquals(3, confident.count(), "0.269 is under 0.5: " + confident);
    }

    @Test
    void boxesGoBackToTheSourceImagesPixels() {
        float[] out = background();
        score(out, 35, 2, 4);
        out[LAYOUT.loc(35, 0)] = -2;   // dx = -2 * 0.1 * 10 px: centre (10, 12) -> (5, 7, 15, 17) -> clipped (5, 7, 15, 16)
        // the 16x16 input was resized from a 32 (wide) x 48 (high) image: x times 2, y times 3
        Detections d = run(out, DetectionPostprocess.Settings.DEFAULTS, 32, 48);
        assertEquals(1, d.count(), d.toString());
        assertBox(d, 0, 10, 21, 30, 48);
        assertEquals(1, d.label(0));
        // the detections go straight into the COCO matcher: the one object found exactly gives AP 1
        CocoMatches m = new CocoMatches(2);
        m.addImage(7, new int[] {1}, new float[] {10, 21, 20, 27}, new float[] {540}, new int[] {0}, d);
        assertEquals(1.0, m.accumulate().stats()[1], 1e-12, "AP50");
    }

    @Test
    void badSettingsAndInputsNameTheField() {
        assertBad("scoreThreshold", () -> new DetectionPostprocess.Settings(-0.1f, 0.45f, 100));
        assertBad("scoreThreshold", () -> new DetectionPostprocess.Settings(Float.NaN, 0.45f, 100));
        assertBad("nmsIou", () -> new DetectionPostprocess.Settings(0.01f, 1.5f, 100));
        assertBad("maxDetections", () -> new DetectionPostprocess.Settings(0.01f, 0.45f, 0));
        assertBad("candidatesPerClass", () -> new DetectionPostprocess.Settings(0.01f, 0.45f, 100, 0));
        DetectionPostprocess p = new DetectionPostprocess(TASK, DetectionPostprocess.Settings.DEFAULTS);
        assertBad("252 floats from 10", () -> p.apply(new float[252], 10, 16, 16, new Detections()));
        assertBad("at least 1x1", () -> p.apply(new float[252], 0, 0, 16, new Detections()));
        assertEquals(new DetectionPostprocess.Settings(0.01f, 0.45f, 100, 200), DetectionPostprocess.Settings.DEFAULTS);
    }

    private static void assertBad(String part, org.junit.jupiter.api.function.Executable e) {
        String m = assertThrows(IllegalArgumentException.class, e).getMessage();
        assertTrue(m.contains(part), m);
    }
}
