package io.sparkcnn.model.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NonMaxSuppressionTest {

    /** (label, score, x1) of each output detection, in order. */
    private static String summary(Detections d) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < d.count(); i++) {
            b.append(d.label(i)).append('@').append(d.score(i)).append(':').append(d.x1(i)).append(' ');
        }
        return b.toString().strip();
    }

    private static Detections run(NonMaxSuppression nms, float[][] cands) {
        int n = cands.length;
        float[] boxes = new float[4 * n], scores = new float[n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(cands[i], 0, boxes, 4 * i, 4);
            scores[i] = cands[i][4];
            labels[i] = (int) cands[i][5];
        }
        Detections out = new Detections(1);
        nms.apply(boxes, scores, labels, n, out);
        return out;
    }

    /**
     * A = [0,0,10,10] (class 0, .9); B = [1,0,11,10] (class 0, .8) overlaps A by 90 of a 110 union, IoU .82 > .5:
     * suppressed. C = B's box but class 1 (.7): kept, classes do not suppress each other. D = [20,20,30,30]
     * (class 0, .6) overlaps nothing: kept. E = [0,0,10,5] (class 0, .55) overlaps A by 50 of 100: IoU exactly
     * .5 is not above .5, kept.
     */
    @Test
    void suppressesOverlapsOfOneClassOnly() {
        NonMaxSuppression nms = new NonMaxSuppression(0.05f, 0.5, 100, 0);
        Detections d = run(nms, new float[][] {
            {1, 0, 11, 10, 0.8f, 0},
            {0, 0, 10, 10, 0.9f, 0},
            {1, 0, 11, 10, 0.7f, 1},
            {20, 20, 30, 30, 0.6f, 0},
            {0, 0, 10, 5, 0.55f, 0},
        });
        assertEquals("0@0.9:0.0 1@0.7:1.0 0@0.6:20.0 0@0.55:0.0", summary(d));
        assertEquals(10f, d.x2(0));
        assertEquals(5f, d.y2(3));
        // a suppressed box suppresses nothing: B = [3,0,13,10] (.8) loses to A (IoU 70/130 = .54); G = [6,0,16,10]
        // (.7) overlaps B by the same .54 but A only by 40/160 = .25, so it is kept
        d = run(nms, new float[][] {
            {0, 0, 10, 10, 0.9f, 0},
            {3, 0, 13, 10, 0.8f, 0},
            {6, 0, 16, 10, 0.7f, 0},
        });
        assertEquals("0@0.9:0.0 0@0.7:6.0", summary(d));
    }

    @Test
    void equalScoresGoByCandidateOrder() {
        NonMaxSuppression nms = new NonMaxSuppression(0f, 0.5, 100, 0);
        // two identical boxes, same class and score: the first kept, the second suppressed
        Detections d = run(nms, new float[][] {{5, 0, 15, 10, 0.5f, 2}, {5, 0, 15, 10, 0.5f, 2}, {0, 0, 1, 1, 0.5f, 0}});
        assertEquals("2@0.5:5.0 0@0.5:0.0", summary(d));
        d = run(nms, new float[][] {{0, 0, 1, 1, 0.5f, 0}, {5, 0, 15, 10, 0.5f, 2}, {5, 0, 15, 10, 0.5f, 2}});
        assertEquals("0@0.5:0.0 2@0.5:5.0", summary(d));
    }

    @Test
    void scoreThresholdIsStrictAndTopKKeepsTheBest() {
        float[][] c = {
            {0, 0, 1, 1, 0.3f, 0}, {10, 0, 11, 1, 0.1f, 0}, {20, 0, 21, 1, 0.7f, 1}, {30, 0, 31, 1, 0.5f, 2}, {40, 0, 41, 1, 0.05f, 0},
        };
        assertEquals("1@0.7:20.0 2@0.5:30.0 0@0.3:0.0", summary(run(new NonMaxSuppression(0.1f, 0.5, 100, 0), c)));
        assertEquals("1@0.7:20.0 2@0.5:30.0", summary(run(new NonMaxSuppression(0.1f, 0.5, 2, 0), c)));
        // a suppressed box does not take a top-k place: A .9, B (on A) .8, C .7 with k = 2 gives A and C
        float[][] s = {{0, 0, 10, 10, 0.9f, 0}, {0, 0, 10, 10, 0.8f, 0}, {50, 0, 60, 10, 0.7f, 0}};
        assertEquals("0@0.9:0.0 0@0.7:50.0", summary(run(new NonMaxSuppression(0f, 0.5, 2, 0), s)));
    }

    @Test
    void candidatesPerClassCapsEachClassBeforeSuppression() {
        float[][] c = {{0, 0, 1, 1, 0.9f, 0}, {10, 0, 11, 1, 0.8f, 0}, {20, 0, 21, 1, 0.7f, 0}, {30, 0, 31, 1, 0.6f, 1}};
        assertEquals("0@0.9:0.0 0@0.8:10.0 1@0.6:30.0", summary(run(new NonMaxSuppression(0f, 0.5, 100, 2), c)));
        // the suppressed candidate still used one of the two places
        float[][] s = {{0, 0, 1, 1, 0.9f, 0}, {0, 0, 1, 1, 0.8f, 0}, {20, 0, 21, 1, 0.7f, 0}};
        assertEquals("0@0.9:0.0", summary(run(new NonMaxSuppression(0f, 0.5, 100, 2), s)));
    }

    @Test
    void emptyInputGivesNoDetectionsAndTheHolderIsReused() {
        NonMaxSuppression nms = new NonMaxSuppression(0.5f, 0.5, 10, 0);
        Detections out = new Detections();
        out.add(1, 1, 2, 2, 1, 0);
        nms.apply(new float[0], new float[0], new int[0], 0, out);
        assertEquals(0, out.count());
        nms.apply(new float[] {0, 0, 1, 1}, new float[] {0.4f}, new int[] {0}, 1, out);
        assertEquals(0, out.count(), "all under the threshold");
        nms.apply(new float[0], 0, new float[0], 0, 0, 3, 0, out);
        assertEquals(0, out.count());
    }

    /**
     * Shared boxes with a score column per class: 3 anchors x 3 columns, column 0 background. Anchor 0 and 1
     * overlap (IoU 1); anchor 2 is apart. Column 1 (class 0): anchor 0 .6, anchor 1 .8 (suppresses 0), anchor 2 .2.
     * Column 2 (class 1): anchor 0 .7, the rest low. Background scores are never candidates however high.
     */
    @Test
    void anchorGridSkipsTheBackgroundColumn() {
        float[] boxes = {9, 9, 9, 9, 0, 0, 10, 10, 0, 0, 10, 10, 50, 50, 60, 60}; // from offset 4
        // from offset 3: anchor 0 (.99 background, .6, .7), anchor 1 (.99, .8, .01), anchor 2 (.99, .2, .05)
        float[] scores = {-1, -1, -1, 0.99f, 0.6f, 0.7f, 0.99f, 0.8f, 0.01f, 0.99f, 0.2f, 0.05f};
        Detections out = new Detections();
        new NonMaxSuppression(0.1f, 0.45, 100, 0).apply(boxes, 4, scores, 3, 3, 3, 0, out);
        assertEquals("0@0.8:0.0 1@0.7:0.0 0@0.2:50.0", summary(out));
        // without a background column every column is a class: the three .99s come first by anchor, anchor 1's
        // suppressed by anchor 0's; class 1 keeps anchor 1 (.8) over anchor 0 (.6) and anchor 2 (.2) apart
        new NonMaxSuppression(0.1f, 0.45, 100, 0).apply(boxes, 4, scores, 3, 3, 3, -1, out);
        assertEquals("0@0.99:0.0 0@0.99:50.0 1@0.8:0.0 2@0.7:0.0 1@0.2:50.0", summary(out));
    }

    @Test
    void badInputIsRefusedWithTheCandidate() {
        NonMaxSuppression nms = new NonMaxSuppression(0f, 0.5, 10, 0);
        Detections out = new Detections();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> nms.apply(new float[] {0, 0, 1, 1, 5, 5, 4, 6}, new float[] {0.5f, 0.6f}, new int[] {0, 0}, 2, out));
        assertTrue(e.getMessage().contains("box 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> nms.apply(new float[] {0, 0, 1, 1}, new float[] {Float.NaN}, new int[] {0}, 1, out));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> nms.apply(new float[4], new float[1], new int[] {-1}, 1, out));
        assertThrows(IllegalArgumentException.class, () -> nms.apply(new float[4], 0, new float[2], 0, 1, 3, 0, out));
        assertThrows(IllegalArgumentException.class, () -> new NonMaxSuppression(0f, 1.5, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> new NonMaxSuppression(0f, 0.5, 0, 0));
    }

    /** The one-pass implementation against the textbook one: each class sorted and suppressed alone, survivors ranked, top k. */
    @Test
    void matchesPerClassSuppressionDoneNaively() {
        Random rnd = new Random(42);
        for (int trial = 0; trial < 300; trial++) {
            int n = rnd.nextInt(60), classes = 1 + rnd.nextInt(4), k = 1 + rnd.nextInt(30), cap = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(10) : 0;
            float thr = rnd.nextFloat() * 0.3f;
            double iouThr = 0.2 + 0.6 * rnd.nextDouble();
            float[] boxes = new float[4 * n], scores = new float[n];
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                float x = rnd.nextInt(40), y = rnd.nextInt(40);
                boxes[4 * i] = x;
                boxes[4 * i + 1] = y;
                boxes[4 * i + 2] = x + 1 + rnd.nextInt(20);
                boxes[4 * i + 3] = y + 1 + rnd.nextInt(20);
                scores[i] = rnd.nextInt(20) / 20f; // ties
                labels[i] = rnd.nextInt(classes);
            }
            Detections out = new Detections();
            new NonMaxSuppression(thr, iouThr, k, cap).apply(boxes, scores, labels, n, out);
            List<Integer> expected = naive(boxes, scores, labels, n, thr, iouThr, k, cap);
            assertEquals(expected.size(), out.count(), "trial " + trial);
            for (int j = 0; j < expected.size(); j++) {
                int i = expected.get(j);
                assertEquals(labels[i], out.label(j), "trial " + trial);
                assertEquals(scores[i], out.score(j), "trial " + trial);
                assertEquals(boxes[4 * i], out.x1(j), "trial " + trial);
                assertEquals(boxes[4 * i + 1], out.y1(j), "trial " + trial);
                assertEquals(boxes[4 * i + 2], out.x2(j), "trial " + trial);
                assertEquals(boxes[4 * i + 3], out.y2(j), "trial " + trial);
            }
        }
    }

    private static List<Integer> naive(float[] b, float[] s, int[] labels, int n, float thr, double iouThr, int k, int cap) {
        Comparator<Integer> byScore = (p, q) -> s[p] != s[q] ? Float.compare(s[q], s[p]) : Integer.compare(p, q);
        List<Integer> survivors = new ArrayList<>();
        for (int c = 0; c <= 4; c++) {
            List<Integer> cls = new ArrayList<>();
            for (int i = 0; i < n; i++) if (labels[i] == c && s[i] > thr) cls.add(i);
            cls.sort(byScore);
            if (cap > 0 && cls.size() > cap) cls = cls.subList(0, cap);
            List<Integer> kept = new ArrayList<>();
            for (int i : cls) {
                boolean ok = true;
                for (int j : kept) {
                    double iw = Math.min(b[4 * i + 2], b[4 * j + 2]) - Math.max(b[4 * i], b[4 * j]);
                    double ih = Math.min(b[4 * i + 3], b[4 * j + 3]) - Math.max(b[4 * i + 1], b[4 * j + 1]);
                    double inter = iw > 0 && ih > 0 ? iw * ih : 0;
                    double ai = (b[4 * i + 2] - b[4 * i]) * (double) (b[4 * i + 3] - b[4 * i + 1]);
                    double aj = (b[4 * j + 2] - b[4 * j]) * (double) (b[4 * j + 3] - b[4 * j + 1]);
                    if (inter / (ai + aj - inter) > iouThr) ok = false;
                }
                if (ok) kept.add(i);
            }
            survivors.addAll(kept);
        }
        survivors.sort(byScore);
        return survivors.size() > k ? survivors.subList(0, k) : survivors;
    }
}
