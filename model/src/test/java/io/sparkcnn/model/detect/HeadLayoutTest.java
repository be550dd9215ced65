package io.sparkcnn.model.detect;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeadLayoutTest {
    /** Map 0: 2x2 cells, 2 boxes each (8 anchors); map 1: 1x1, 1 box; 2 classes (3 scores). */
    private static final AnchorSpec SPEC = new AnchorSpec(16, 16, List.of(new FeatureMapAnchors(2, 2, 8, 8, 16, new float[] {1}),
            new FeatureMapAnchors(1, 1, 16, 12, 0, new float[] {1})));

    @Test
    void offsetsAreThoseOfFlattenedConvolutionOutputsByHand() {
        HeadLayout l = new HeadLayout(SPEC, 2);
        assertEquals(9, l.anchors());
        // anchor 5 = cell (y 1, x 0), box 1: channel 4 * 1 + k of an (8, 2, 2) output, at y W + x = 2
        assertEquals((4 + 2) * 4 + 2, l.loc(5, 2));
        // class 2 of the same anchor: channel 3 * 1 + 2 of a (6, 2, 2) output
        assertEquals((3 + 2) * 4 + 2, l.conf(5, 2));
        // anchor 8 is map 1's only box: after map 0's 8 * 4 box values and 8 * 3 scores
        assertEquals(32 + 3, l.loc(8, 3));
        assertEquals(24 + 1, l.conf(8, 1));
    }

    @Test
    void everyHeadValueBelongsToExactlyOneAnchorValue() {
        HeadLayout l = new HeadLayout(SPEC, 2);
        boolean[] locSeen = new boolean[l.locSize()], confSeen = new boolean[l.confSize()];
        for (int j = 0; j < l.anchors(); j++) {
            for (int k = 0; k < 4; k++) {
                assertTrue(!locSeen[l.loc(j, k)], "box value of anchor " + j);
                locSeen[l.loc(j, k)] = true;
            }
            for (int c = 0; c < 3; c++) {
                assertTrue(!confSeen[l.conf(j, c)], "score of anchor " + j);
                confSeen[l.conf(j, c)] = true;
            }
        }
        float[] head = new float[l.locSize()];
        for (int i = 0; i < head.length; i++) head[i] = i;
        double[] anchorMajor = new double[l.locSize()];
        l.gatherLoc(head, 0, anchorMajor, 0);
        float[] back = new float[l.locSize()];
        l.scatterAddLoc(anchorMajor, 0, back, 0);
        org.junit.jupiter.api.Assertions.assertArrayEquals(head, back);
    }
}
