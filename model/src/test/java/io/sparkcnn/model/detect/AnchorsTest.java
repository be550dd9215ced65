package io.sparkcnn.model.detect;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnchorsTest {
    private static final float SQRT2 = (float) Math.sqrt(2);

    /** One 2x2 map, stride 8 on a 16x16 input, min 8, max 16, ratios 1 and 2: 3 boxes per cell. */
    static AnchorSpec twoByTwo() {
        return new AnchorSpec(16, 16, List.of(new FeatureMapAnchors(2, 2, 8, 8, 16, new float[] {1, 2})));
    }

    @Test
    void aTwoByTwoMapHasThreeBoxesPerCellLocationMajor() {
        Anchors a = twoByTwo().anchors();
        assertEquals(12, a.count());
        // cell (y 0, x 0), centre (4, 4): square 8, ratio 2 (8 sqrt2 x 8 / sqrt2), extra square sqrt(8 * 16)
        assertBox(a, 0, 4, 4, 8, 8);
        assertBox(a, 1, 4, 4, 8 * SQRT2, 8 / SQRT2);
        assertBox(a, 2, 4, 4, (float) Math.sqrt(128), (float) Math.sqrt(128));
        // x before y: cell (y 0, x 1) is next, centre (12, 4); then (y 1, x 0), centre (4, 12)
        assertBox(a, 3, 12, 4, 8, 8);
        assertBox(a, 6, 4, 12, 8, 8);
        assertBox(a, 11, 12, 12, (float) Math.sqrt(128), (float) Math.sqrt(128));
        assertEquals(new Box(8, 0, 16, 8), a.box(3));
        assertEquals(new Box(0, 8, 8, 16), a.box(6));
    }

    @Test
    void mapsFollowEachOther() {
        AnchorSpec s = new AnchorSpec(16, 16, List.of(new FeatureMapAnchors(2, 2, 8, 8, 0, new float[] {1}),
                new FeatureMapAnchors(1, 1, 16, 12, 0, new float[] {1, 0.5f})));
        Anchors a = s.anchors();
        assertEquals(4 + 2, a.count());
        assertBox(a, 4, 8, 8, 12, 12);
        assertBox(a, 5, 8, 8, 12 * (float) Math.sqrt(0.5), 12 / (float) Math.sqrt(0.5));
    }

    @Test
    void liuScalesAreLinearWithOneAsTheLastMax() {
        AnchorSpec s = AnchorSpec.liu(300, 300, new int[][] {{4, 4}, {2, 2}, {1, 1}}, new float[] {75, 150, 300}, 0.2f, 0.9f,
                new float[][] {{1}, {1, 2}, {1}});
        float[][] expected = {{60, 165}, {165, 270}, {270, 300}};
        for (int k = 0; k < 3; k++) {
            assertEquals(expected[k][0], s.maps().get(k).minSize(), 1e-3, "map " + k + " min");
            assertEquals(expected[k][1], s.maps().get(k).maxSize(), 1e-3, "map " + k + " max");
        }
        assertEquals(16 * 2 + 4 * 3 + 2, s.anchorCount());
    }

    @Test
    void badSettingsAreNamed() {
        assertMessage(() -> new AnchorSpec(16, 16, List.of(new FeatureMapAnchors(2, 2, 8, 8, 0, new float[] {1}),
                new FeatureMapAnchors(1, 1, 16, -3, 0, new float[] {1}))), "feature_maps[1].min_size");
        assertMessage(() -> new AnchorSpec(16, 16, List.of(new FeatureMapAnchors(2, 2, 8, 8, 4, new float[] {1}))),
                "feature_maps[0].max_size");
        assertMessage(() -> new AnchorSpec(16, 16, List.of(new FeatureMapAnchors(2, 2, 8, 8, 0, new float[] {1, 2, 1}))),
                "feature_maps[0].aspect_ratios");
        assertMessage(() -> new AnchorSpec(16, 16, List.of(new FeatureMapAnchors(2, 2, 8, 8, 0, new float[] {0}))),
                "feature_maps[0].aspect_ratios");
        assertMessage(() -> new AnchorSpec(16, 16, List.of(new FeatureMapAnchors(4, 4, 8, 8, 0, new float[] {1}))),
                "feature_maps[0].stride");
        assertMessage(() -> new AnchorSpec(16, 16, List.of(new FeatureMapAnchors(0, 2, 8, 8, 0, new float[] {1}))),
                "feature_maps[0].height/width");
        assertMessage(() -> AnchorSpec.liu(300, 300, new int[][] {{1, 1}}, new float[] {300}, 0.5f, 0.2f, new float[][] {{1}}),
                "min_scale");
    }

    static void assertMessage(Runnable r, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    static void assertBox(Anchors a, int i, float cx, float cy, float w, float h) {
        assertEquals(cx, a.cx(i), 1e-5, "cx of " + i);
        assertEquals(cy, a.cy(i), 1e-5, "cy of " + i);
        assertEquals(w, a.w(i), 1e-5, "w of " + i);
        assertEquals(h, a.h(i), 1e-5, "h of " + i);
    }
}
