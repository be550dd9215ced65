package io.sparkcnn.model.explain;

import io.sparkcnn.model.data.RgbImage;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The heatmap's upsampling, scaling and colours against hand-computed cases. */
class HeatmapTest {
    @Test
    void upsamplesBilinearlyWithHalfPixelCentresLikeTorchAlignCornersFalse() {
        // torch.nn.functional.interpolate([[0, 1], [2, 3]], size=4, mode="bilinear", align_corners=False)
        float[] expected = {0, 0.25f, 0.75f, 1, 0.5f, 0.75f, 1.25f, 1.5f, 1.5f, 1.75f, 2.25f, 2.5f, 2, 2.25f, 2.75f, 3};
        for (int i = 0; i < expected.length; i++) expected[i] /= 3;
        assertArrayEquals(expected, Heatmap.normalised(new float[] {0, 1, 2, 3}, 2, 2, 4, 4), 1e-6f);
    }

    @Test
    void negativeEvidenceIsCutAndAMapWithoutPositiveValuesStaysZero() {
        assertArrayEquals(new float[] {0, 1, 0, 0.5f}, Heatmap.normalised(new float[] {-4, 2, -1, 1}, 2, 2, 2, 2), 1e-6f);
        assertArrayEquals(new float[4], Heatmap.normalised(new float[] {-4, -2, -1, 0}, 2, 2, 2, 2));
    }

    @Test
    void jetRunsFromBlueThroughGreenToRedAndBlendsByAlpha() {
        assertEquals(0x000080, HeatmapOverlay.jet(0f));
        assertEquals(0x80ff80, HeatmapOverlay.jet(0.5f));
        assertEquals(0x800000, HeatmapOverlay.jet(1f));
        RgbImage white = new RgbImage(1, 1, new byte[] {(byte) 255, (byte) 255, (byte) 255});
        RgbImage o = HeatmapOverlay.overlay(white, new float[] {1f}, 0.25);
        // 0.75 * 255 + 0.25 * (128, 0, 0)
        assertArrayEquals(new byte[] {(byte) 223, (byte) 191, (byte) 191}, o.pixels());
        assertEquals(6, HeatmapOverlay.enlarged(white, 6).width());
    }
}
