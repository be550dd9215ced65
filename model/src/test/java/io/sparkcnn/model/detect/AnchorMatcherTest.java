package io.sparkcnn.model.detect;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.sparkcnn.model.detect.AnchorMatcher.IGNORE;
import static io.sparkcnn.model.detect.AnchorMatcher.NEGATIVE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Four 8x8 anchors tile a 16x16 image: a0 (0,0,8,8), a1 (8,0,16,8), a2 (0,8,8,16), a3 (8,8,16,16). */
class AnchorMatcherTest {
    static final Anchors GRID = new AnchorSpec(16, 16, List.of(new FeatureMapAnchors(2, 2, 8, 8, 0, new float[] {1}))).anchors();

    static GroundTruth truth(Box[] boxes, boolean... crowd) {
        int[] labels = new int[boxes.length];
        java.util.Arrays.fill(labels, 1);
        boolean[] c = crowd.length == 0 ? new boolean[boxes.length] : crowd;
        return new GroundTruth(List.of(boxes), labels, c);
    }

    static int[] match(GroundTruth gt) { return AnchorMatcher.SSD.match(GRID, gt).match(); }

    @Test
    void aBoxAboveThePositiveThresholdIsMatched() {
        // IoU with a0 = 56 / 64 = 0.875
        assertArrayEquals(new int[] {0, NEGATIVE, NEGATIVE, NEGATIVE}, match(truth(new Box[] {new Box(0, 0, 8, 7)})));
    }

    @Test
    void aBoxWhoseBestAnchorIsBelowTheThresholdStillGetsIt() {
        // IoU with a0 = 16 / 64 = 0.25 < 0.5: the bipartite step matches it anyway
        AnchorMatcher.Result r = AnchorMatcher.SSD.match(GRID, truth(new Box[] {new Box(0, 0, 4, 4)}));
        assertArrayEquals(new int[] {0, NEGATIVE, NEGATIVE, NEGATIVE}, r.match());
        assertEquals(1, r.positives());
        assertEquals(0, r.unmatchedBoxes());
    }

    @Test
    void overlapsBetweenTheThresholdsAreIgnoredAndTiesGoToTheLowerAnchor() {
        // (2,0,14,8) overlaps a0 and a1 alike: 48 / 112 = 0.43; a0 is its best (lower index), a1 is in [0.4, 0.5)
        assertArrayEquals(new int[] {0, IGNORE, NEGATIVE, NEGATIVE}, match(truth(new Box[] {new Box(2, 0, 14, 8)})));
    }

    @Test
    void twoBoxesNeverShareAnAnchorInTheBipartiteStep() {
        // both want a0 (IoU 1 and 49/79); the second falls back to its best free anchor a1 at 7/121
        int[] m = match(truth(new Box[] {new Box(0, 0, 8, 8), new Box(1, 1, 9, 9)}));
        assertArrayEquals(new int[] {0, 1, NEGATIVE, NEGATIVE}, m);
    }

    @Test
    void aBoxThatOverlapsNoAnchorIsCounted() {
        Anchors small = new AnchorSpec(32, 32, List.of(new FeatureMapAnchors(1, 1, 8, 8, 0, new float[] {1}))).anchors();
        AnchorMatcher.Result r = AnchorMatcher.SSD.match(small, truth(new Box[] {new Box(20, 20, 30, 30)}));
        assertEquals(1, r.unmatchedBoxes());
        assertEquals(0, r.positives());
    }

    @Test
    void crowdBoxesAreNeverPositivesAndTheirAnchorsAreIgnored() {
        // a crowd over a3 (IoU 1), one over a1 at IoU 0.875, one touching a2 at IoU 8/64 = 0.125 (a clean negative)
        GroundTruth gt = truth(new Box[] {new Box(8, 8, 16, 16), new Box(8, 0, 16, 7), new Box(0, 8, 8, 9)}, true, true, true);
        AnchorMatcher.Result r = AnchorMatcher.SSD.match(GRID, gt);
        assertArrayEquals(new int[] {NEGATIVE, IGNORE, NEGATIVE, IGNORE}, r.match());
        assertEquals(0, r.positives());
        assertEquals(2, r.ignored());
        assertEquals(0, r.unmatchedBoxes(), "crowd boxes are not expected to get an anchor");
    }

    @Test
    void aRealBoxBeatsACrowdOnTheSameAnchor() {
        // the crowd (0,0,16,8) overlaps a0 and a1 at IoU 0.5; the real box (0,0,8,8) keeps a0, a1 is ignored
        GroundTruth gt = truth(new Box[] {new Box(0, 0, 16, 8), new Box(0, 0, 8, 8)}, true, false);
        assertArrayEquals(new int[] {1, IGNORE, NEGATIVE, NEGATIVE}, match(gt));
    }

    @Test
    void anImageWithoutBoxesIsAllNegatives() {
        AnchorMatcher.Result r = AnchorMatcher.SSD.match(GRID, GroundTruth.EMPTY);
        assertArrayEquals(new int[] {NEGATIVE, NEGATIVE, NEGATIVE, NEGATIVE}, r.match());
        assertEquals(4, r.negatives());
    }

    @Test
    void thresholdsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new AnchorMatcher(0.5f, 0.6f));
        assertThrows(IllegalArgumentException.class, () -> new AnchorMatcher(0f, 0f));
    }
}
