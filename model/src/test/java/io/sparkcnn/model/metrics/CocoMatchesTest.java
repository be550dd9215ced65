package io.sparkcnn.model.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * COCOeval's numbers on cases small enough to work out by hand. Notation: per IoU threshold the
 * detections in score order are T (true positive), F (false positive) or I (ignored); AP at a threshold
 * is the mean over the 101 recall points r of the best precision at a recall &ge; r (0 past the last
 * recall reached); AP is the mean of that over the 10 thresholds .50, .55, ..., .95.
 */
class CocoMatchesTest {
    private static final double EXACT = 1e-12;
    /** Area 100 x 100 = 10000 is large (above 96^2 = 9216). */
    private static final float L = 100;

    private static double[] stats(int classes, CocoTestImage... images) {
        return CocoTestImage.evaluate(classes, List.of(images)).stats();
    }

    @Test
    void perfectDetectorScoresOneWhereverDefined() {
        // small (10x10), medium (50x50) and large (200x200) objects of two classes over three images; class 2 absent
        CocoTestImage a = new CocoTestImage(1).gt(0, 0, 0, 10, 10).gt(1, 20, 20, 50, 50).gt(0, 100, 100, 200, 200);
        CocoTestImage b = new CocoTestImage(2).gt(1, 5, 5, 10, 10).gt(1, 30, 30, 200, 200);
        CocoTestImage c = new CocoTestImage(3).gt(0, 50, 0, 50, 50);
        float s = 0.9f;
        for (CocoTestImage i : List.of(a, b, c)) {
            for (CocoTestImage.Gt g : i.gts) i.det(g.label(), g.x(), g.y(), g.w(), g.h(), s -= 0.1f);
        }
        CocoEvaluation e = CocoTestImage.evaluate(3, List.of(a, b, c));
        double[] st = e.stats();
        for (int i = 0; i < CocoEvaluation.STATS; i++) {
            if (i == 6) continue;
            assertEquals(1.0, st[i], EXACT, "stat " + i);
        }
        // AR@1: one detection per image and class finds 1 of 2 objects in (1, class 0) and (2, class 1):
        // class 0 finds 2 of 3, class 1 finds 2 of 3, at every threshold
        assertEquals(2.0 / 3, st[6], EXACT);
        assertEquals(1.0, e.classAp(0), EXACT);
        assertEquals(1.0, e.classAp(1), EXACT);
        assertEquals(-1.0, e.classAp(2));
    }

    /**
     * One class, two large objects A = [0,0,100,100] and B = [200,0,100,100]; detections d1 (.9) on A at
     * IoU 82/100 = .82, d2 (.8) on nothing, d3 (.7) on B at IoU .62. Per threshold:
     * <ul>
     * <li>.50, .55, .60: T F T. recall .5 .5 1, precision 1 .5 .667, envelope 1 .667 .667:
     *     r = 0...50 (51 points) take 1, r = .51...1 (50 points) take 2/3: AP = (51 + 100/3) / 101 = 253/303.
     * <li>.65 ... .80 (4 thresholds): T F F. recall .5 .5 .5: 51 points take 1, the rest 0: AP = 51/101.
     * <li>.85, .90, .95: F F F: AP = 0.
     * </ul>
     * AP = (3 * 253/303 + 4 * 51/101) / 10 = (253 + 204) / 1010 = 457/1010. AR@100 = (3 * 1 + 4 * .5) / 10 = .5;
     * AR@1 sees d1 only: (7 * .5) / 10 = .35. Nothing is small or medium: those are -1.
     */
    @Test
    void knownIousGiveTheHandComputedAp() {
        CocoTestImage i = new CocoTestImage(7).gt(0, 0, 0, L, L).gt(0, 200, 0, L, L)
                .det(0, 0, 0, 82, L, 0.9f).det(0, 400, 400, L, L, 0.8f).det(0, 200, 0, 62, L, 0.7f);
        double[] s = stats(1, i);
        assertEquals(457.0 / 1010, s[0], EXACT, "AP");
        assertEquals(253.0 / 303, s[1], EXACT, "AP50");
        assertEquals(51.0 / 101, s[2], EXACT, "AP75");
        assertEquals(-1, s[3]);
        assertEquals(-1, s[4]);
        assertEquals(457.0 / 1010, s[5], EXACT, "APl");
        assertEquals(0.35, s[6], EXACT, "AR1");
        assertEquals(0.5, s[7], EXACT, "AR10");
        assertEquals(0.5, s[8], EXACT, "AR100");
        assertEquals(-1, s[9]);
        assertEquals(-1, s[10]);
        assertEquals(0.5, s[11], EXACT, "ARl");
    }

    /**
     * Crowd region C = [0,0,1000,1000] and one object A = [2000,0,100,100], found at score .5. Two detections
     * inside C (.9, .8; their IoU against C is intersection / own area = 1) are ignored, not false
     * positives, and the crowd is matched by both: AP stays 1. A third at .95, [900,0,200,100], overlaps C by
     * 100x100 of its 200x100: IoU 0.5, so ignored at threshold .50 only and a false positive above:
     * AP50 = 1, AP75 from F T: precision envelope .5 everywhere = .5.
     */
    @Test
    void detectionsOnACrowdRegionAreNeitherTrueNorFalsePositives() {
        CocoTestImage i = new CocoTestImage(1).gt(0, 0, 0, 1000, 1000, 600000, true).gt(0, 2000, 0, L, L)
                .det(0, 100, 100, 50, 50, 0.9f).det(0, 300, 300, 200, 200, 0.8f).det(0, 2000, 0, L, L, 0.5f);
        double[] s = stats(1, i);
        assertEquals(1.0, s[0], EXACT);
        assertEquals(1.0, s[8], EXACT);
        i.det(0, 900, 0, 200, L, 0.95f);
        s = stats(1, i);
        assertEquals(1.0, s[1], EXACT, "AP50: ignored at IoU exactly .5");
        assertEquals(0.5, s[2], EXACT, "AP75: a false positive first");
        // the crowd object itself counts for nothing: a crowd-only class has no AP
        assertEquals(-1, stats(1, new CocoTestImage(1).gt(0, 0, 0, L, L, 10000, true).det(0, 0, 0, L, L, 0.9f))[0]);
    }

    /**
     * Objects A, B (large, one class), detections a1 (.9) and a2 (.8) both exactly on A, b (.7) on B. The
     * duplicate a2 is a false positive: T F T at every threshold, so AP = 253/303 as above (it would be 1 were
     * a2 ignored), and recall 1.
     */
    @Test
    void duplicatesAreFalsePositives() {
        CocoTestImage i = new CocoTestImage(3).gt(0, 0, 0, L, L).gt(0, 200, 0, L, L)
                .det(0, 0, 0, L, L, 0.9f).det(0, 0, 0, L, L, 0.8f).det(0, 200, 0, L, L, 0.7f);
        CocoEvaluation e = CocoTestImage.evaluate(1, List.of(i));
        assertEquals(253.0 / 303, e.stats()[0], EXACT);
        assertEquals(1.0, e.stats()[8], EXACT);
        assertEquals(2.0 / 3, e.precision(0, 100, 0, 0, 2), EXACT, "precision at recall 1");
    }

    /**
     * Image 1 holds A, found at .5; image 2 has no ground truth and a detection of the same class at .9:
     * F T, precision 0 .5, envelope .5 .5: AP = .5. A detection of class 1, which has no ground truth
     * anywhere, changes nothing (class 1 is -1 and left out of the means).
     */
    @Test
    void detectionsOnAnImageWithoutGroundTruthAreFalsePositives() {
        CocoTestImage one = new CocoTestImage(1).gt(0, 0, 0, L, L).det(0, 0, 0, L, L, 0.5f);
        CocoTestImage two = new CocoTestImage(2).det(0, 0, 0, L, L, 0.9f).det(1, 10, 10, L, L, 0.99f);
        CocoEvaluation e = CocoTestImage.evaluate(2, List.of(one, two));
        assertEquals(0.5, e.stats()[0], EXACT);
        assertEquals(-1, e.classAp(1));
        assertEquals(1.0, e.stats()[8], EXACT);
        assertEquals(1.0, stats(2, one)[0], EXACT);
    }

    /**
     * Large object A found at .5, plus an unmatched small (10x10) detection at .9. Over all areas the small one is
     * a false positive (F T: AP .5); in the large range it is outside and unmatched, so ignored (AP 1). A small
     * object S found exactly: in the large range S is ignored ground truth and its detection, matched to it,
     * ignored too, so APl stays 1 and APs is 1.
     */
    @Test
    void areaRangesIgnoreGroundTruthAndUnmatchedDetectionsOutsideThem() {
        CocoTestImage i = new CocoTestImage(1).gt(0, 0, 0, L, L).det(0, 0, 0, L, L, 0.5f).det(0, 500, 500, 10, 10, 0.9f);
        double[] s = stats(1, i);
        assertEquals(0.5, s[0], EXACT);
        assertEquals(1.0, s[5], EXACT, "APl");
        assertEquals(-1, s[3], "APs: no small ground truth");
        CocoTestImage j = new CocoTestImage(1).gt(0, 0, 0, L, L).det(0, 0, 0, L, L, 0.5f)
                .gt(0, 500, 500, 10, 10).det(0, 500, 500, 10, 10, 0.9f);
        s = stats(1, j);
        assertEquals(1.0, s[0], EXACT);
        assertEquals(1.0, s[3], EXACT, "APs");
        assertEquals(1.0, s[5], EXACT, "APl");
        // the range is on the annotated area, not the box: a 100x100 box annotated 500 pixels is small
        CocoTestImage k = new CocoTestImage(1).gt(0, 0, 0, L, L, 500, false).det(0, 0, 0, L, L, 0.5f);
        s = stats(1, k);
        assertEquals(1.0, s[3], EXACT, "APs");
        assertEquals(-1, s[5], "APl");
    }

    /**
     * Equal scores keep cocoeval's order: by image id, then the order given. Image 1's detection finds its object,
     * image 2's (same score) finds nothing: T F gives AP 1; with the ids swapped, F T gives .5.
     */
    @Test
    void tiesAcrossImagesGoByImageId() {
        CocoTestImage hit = new CocoTestImage(1).gt(0, 0, 0, L, L).det(0, 0, 0, L, L, 0.5f);
        CocoTestImage miss = new CocoTestImage(2).det(0, 0, 0, L, L, 0.5f);
        assertEquals(1.0, CocoTestImage.evaluate(1, List.of(miss, hit)).stats()[0], EXACT);
        CocoTestImage hit2 = new CocoTestImage(3).gt(0, 0, 0, L, L).det(0, 0, 0, L, L, 0.5f);
        assertEquals(0.5, CocoTestImage.evaluate(1, List.of(hit2, miss)).stats()[0], EXACT);
        // within an image the order given breaks the tie: d1 (IoU 1 with A) then d2 (IoU .9 with A), both .5, then
        // d3 (.4) on B. At threshold .95 d1 takes A and d2 is a duplicate: T F T, AP 253/303. Were d2 first it would
        // miss (.9 < .95) and d1 take A: F T T, precision envelope 2/3 throughout, AP 2/3.
        CocoTestImage dupFirst = new CocoTestImage(1).gt(0, 0, 0, L, L).det(0, 0, 0, L, L, 0.5f).det(0, 0, 0, 90, L, 0.5f)
                .gt(0, 300, 0, L, L).det(0, 300, 0, L, L, 0.4f);
        assertEquals(253.0 / 303, CocoTestImage.evaluate(1, List.of(dupFirst)).ap(9, -1, 0, 2), EXACT);
    }

    /**
     * A detection that already holds a regular object does not move on to an ignored one. D = [0,0,60,100]
     * overlaps object A = [0,0,100,100] at IoU .6 and the crowd region C = [0,0,300,300] at 6000/6000 = 1
     * (its own area). Up to threshold .60 D takes A: a true positive, AP 1; above it A is out of reach and D
     * falls to C, ignored, and A is missed: AP 0. So AP50 = 1, AP = 3/10.
     */
    @Test
    void aMatchWithRegularGroundTruthStopsBeforeIgnoredOnes() {
        CocoTestImage i = new CocoTestImage(1).gt(0, 0, 0, L, L).gt(0, 0, 0, 300, 300, 90000, true).det(0, 0, 0, 60, L, 0.9f);
        double[] s = stats(1, i);
        assertEquals(1.0, s[1], EXACT, "AP50");
        assertEquals(0.3, s[0], EXACT, "AP");
    }

    /**
     * Of objects at equal IoU a detection takes the one given last (cocoeval keeps replacing on ties). A =
     * [0,0,100,100], B = [50,0,100,100]; d1 (.9) = [25,0,100,100] overlaps each by 7500 of 12500: IoU .6 both.
     * d2 (.8) lies on A (IoU 1; B 1/3). Given A then B, d1 takes B and d2 takes A: T T, AP50 = 1. Given B then A,
     * d1 takes A and d2, with A gone and B at 1/3, is a false positive: T F, AP50 = 51/101.
     */
    @Test
    void equalIousGoToTheLastGroundTruthGiven() {
        CocoTestImage ab = new CocoTestImage(1).gt(0, 0, 0, L, L).gt(0, 50, 0, L, L).det(0, 25, 0, L, L, 0.9f).det(0, 0, 0, L, L, 0.8f);
        assertEquals(1.0, stats(1, ab)[1], EXACT);
        CocoTestImage ba = new CocoTestImage(1).gt(0, 50, 0, L, L).gt(0, 0, 0, L, L).det(0, 25, 0, L, L, 0.9f).det(0, 0, 0, L, L, 0.8f);
        assertEquals(51.0 / 101, stats(1, ba)[1], EXACT);
    }

    /** Only the 100 best detections per image and class count; AR@1 and AR@10 see the best 1 and 10. */
    @Test
    void maxDetsCutPerImageAndClass() {
        CocoTestImage i = new CocoTestImage(1);
        // 101 objects in a row; detections found in order of score, the 101st (lowest) beyond the 100 kept
        for (int o = 0; o < 101; o++) i.gt(0, o * 200, 0, L, L).det(0, o * 200, 0, L, L, 1f - o / 1000f);
        double[] s = stats(1, i);
        assertEquals(1.0 / 101, s[6], EXACT, "AR1");
        assertEquals(10.0 / 101, s[7], EXACT, "AR10");
        assertEquals(100.0 / 101, s[8], EXACT, "AR100");
        // precision 1 up to recall 100/101: the recall points r <= .99 (100 of them) take 1, r = 1 takes 0
        assertEquals(100.0 / 101, s[0], EXACT, "AP");
    }

    @Test
    void mergingExecutorsPartsEqualsEvaluatingAllAtOnce() {
        List<CocoTestImage> images = randomImages(new Random(11), 30, 4);
        CocoMatches all = new CocoMatches(4), left = new CocoMatches(4), right = new CocoMatches(4);
        for (int n = 0; n < images.size(); n++) {
            images.get(n).addTo(all);
            images.get(n).addTo(n % 3 == 0 ? left : right);
        }
        // the right part travels as longs, and is merged first: the order of parts does not matter
        CocoMatches driver = CocoMatches.fromLongs(right.toLongs());
        driver.merge(CocoMatches.fromLongs(left.toLongs()));
        assertEquals(all.records(), driver.records());
        assertEquals(all.detections(), driver.detections());
        CocoEvaluation expected = all.accumulate(), merged = driver.accumulate();
        assertArrayEquals(expected.stats(), merged.stats(), 0.0);
        for (int t = 0; t < CocoParams.IOUS; t++) {
            for (int r = 0; r < CocoParams.RECALLS; r++) {
                for (int k = 0; k < 4; k++) {
                    for (int a = 0; a < CocoParams.AREAS; a++) {
                        for (int m = 0; m < CocoParams.MAX_DETS_COUNT; m++) {
                            assertEquals(expected.precision(t, r, k, a, m), merged.precision(t, r, k, a, m), 0.0);
                        }
                    }
                }
            }
        }
        assertTrue(expected.stats()[0] > 0.05 && expected.stats()[0] < 0.95, "a case with both hits and misses: " + expected.stats()[0]);
    }

    @Test
    void anImageAddedTwiceIsRefused() {
        CocoMatches a = new CocoMatches(1), b = new CocoMatches(1);
        new CocoTestImage(5).gt(0, 0, 0, L, L).addTo(a);
        new CocoTestImage(5).gt(0, 0, 0, L, L).addTo(b);
        a.merge(b);
        IllegalStateException e = assertThrows(IllegalStateException.class, a::accumulate);
        assertTrue(e.getMessage().contains("image 5"), e.getMessage());
    }

    @Test
    void badInputNamesTheImageAndObject() {
        CocoMatches m = new CocoMatches(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CocoTestImage(9).gt(2, 0, 0, L, L).addTo(m));
        assertTrue(e.getMessage().contains("image 9") && e.getMessage().contains("class 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new CocoTestImage(9).gt(0, 0, 0, -1, L).addTo(m));
        assertTrue(e.getMessage().contains("ground truth 0 box"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new CocoTestImage(9).det(0, 0, 0, L, L, Float.NaN).addTo(m));
        assertTrue(e.getMessage().contains("NaN score"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new CocoTestImage(9).det(0, 0, 0, -5, L, 1).addTo(m));
        assertTrue(e.getMessage().contains("detection 0 box"), e.getMessage());
        assertEquals(0, m.records(), "nothing half-added");
        long[] good = CocoMatches.fromLongs(withOne().toLongs()).toLongs();
        assertArrayEquals(withOne().toLongs(), good);
        long[] truncated = java.util.Arrays.copyOf(good, good.length - 1);
        assertThrows(IllegalArgumentException.class, () -> CocoMatches.fromLongs(truncated));
        long[] badFlags = good.clone();
        badFlags[badFlags.length - 2] = (1L << 0) | (1L << 10); // a true positive that is also ignored
        assertThrows(IllegalArgumentException.class, () -> CocoMatches.fromLongs(badFlags));
        CocoMatches two = new CocoMatches(1);
        new CocoTestImage(4).gt(0, 0, 0, L, L).det(0, 0, 0, L, L, 0.5f).det(0, 50, 0, L, L, 0.25f).addTo(two);
        long[] unsorted = two.toLongs();
        long swap = unsorted[unsorted.length - 3]; // the two detections' scores, best first: swapped
        unsorted[unsorted.length - 3] = unsorted[unsorted.length - 6];
        unsorted[unsorted.length - 6] = swap;
        assertThrows(IllegalArgumentException.class, () -> CocoMatches.fromLongs(unsorted));
        long[] huge = good.clone();
        huge[2] = (1L << 62) + 1; // 4 records' longs each: 2^64 + 4 overflows to 4, the length would fit
        huge[3] = 1;
        assertThrows(IllegalArgumentException.class, () -> CocoMatches.fromLongs(huge));
        long[] badFormat = good.clone();
        badFormat[0]++;
        assertThrows(IllegalArgumentException.class, () -> CocoMatches.fromLongs(badFormat));
        assertThrows(IllegalArgumentException.class, () -> withOne().merge(new CocoMatches(3)));
    }

    private static CocoMatches withOne() {
        CocoMatches m = new CocoMatches(2);
        new CocoTestImage(4).gt(1, 0, 0, L, L).det(1, 0, 0, L, L, 0.5f).addTo(m);
        return m;
    }

    /**
     * Images with objects of several classes and sizes (some crowd), detections near them at assorted IoUs,
     * duplicates, misses and strays; scores on a coarse grid so some tie.
     */
    static List<CocoTestImage> randomImages(Random rnd, int count, int classes) {
        return randomImages(rnd, count, classes, 500, 6, 12);
    }

    /** Objects (up to maxObjects - 1 per image) placed in a spread x spread square; one in crowdOneIn is a crowd region. */
    static List<CocoTestImage> randomImages(Random rnd, int count, int classes, float spread, int maxObjects, int crowdOneIn) {
        List<CocoTestImage> images = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            CocoTestImage im = new CocoTestImage(1000 + 7L * ((n * 13) % count)); // ids not in insertion order
            int objects = rnd.nextInt(maxObjects);
            for (int o = 0; o < objects; o++) {
                int label = rnd.nextInt(classes - 1); // the last class never has ground truth
                float w = (float) Math.exp(1 + rnd.nextDouble() * 4.8), h = (float) Math.exp(1 + rnd.nextDouble() * 4.8);
                float x = rnd.nextFloat() * spread, y = rnd.nextFloat() * spread;
                boolean crowd = rnd.nextInt(crowdOneIn) == 0;
                im.gt(label, x, y, w, h, w * h * (0.4f + 0.6f * rnd.nextFloat()), crowd);
                int copies = rnd.nextInt(10) < 8 ? 1 + (rnd.nextInt(5) == 0 ? 1 : 0) : 0;
                for (int c = 0; c < copies; c++) {
                    float j = 0.3f * rnd.nextFloat();
                    im.det(rnd.nextInt(8) == 0 ? rnd.nextInt(classes) : label, x + (rnd.nextFloat() - 0.5f) * j * w,
                            y + (rnd.nextFloat() - 0.5f) * j * h, w * (1 + (rnd.nextFloat() - 0.5f) * j),
                            h * (1 + (rnd.nextFloat() - 0.5f) * j), rnd.nextInt(17) / 16f);
                }
            }
            int strays = rnd.nextInt(4);
            for (int s = 0; s < strays; s++) {
                im.det(rnd.nextInt(classes), rnd.nextFloat() * spread, rnd.nextFloat() * spread, 5 + rnd.nextFloat() * 150,
                        5 + rnd.nextFloat() * 150, rnd.nextInt(17) / 16f);
            }
            images.add(im);
        }
        return images;
    }
}
