package io.sparkcnn.model.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkcnn.model.data.GrayImage;
import io.sparkcnn.model.data.RgbImage;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PairedTransformTest {
    private static final int IGNORE = 255;
    private static final float PAD = -1f;

    /**
     * The image encodes its label: channel 0 = v, channel 1 = v^2 with v = label / 255. A bilinear blend of
     * different labels has channel 1 strictly above channel 0 squared (Jensen), so where channel 1 equals
     * channel 0 squared every source pixel the sample read had one label, and the mask must hold it.
     */
    @Test
    void imageAndMaskStayAlignedOverManySeeds() {
        PairedAugmentation aug = new PairedAugmentation(24, 20, 0.5, 2.0, true);
        int flips = 0;
        int padded = 0;
        Set<Integer> scaledWidths = new HashSet<>();
        for (long seed = 0; seed < 300; seed++) {
            Random r = new Random(seed);
            int w = 10 + r.nextInt(40);
            int h = 10 + r.nextInt(40);
            int block = 6 + r.nextInt(6);
            int[] labels = new int[w * h];
            float[] img = new float[2 * w * h];
            int[][] blockLabel = new int[h / block + 1][w / block + 1];
            for (int[] row : blockLabel) {
                for (int i = 0; i < row.length; i++) row[i] = r.nextInt(8) == 0 ? IGNORE : r.nextInt(19);
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int l = blockLabel[y / block][x / block];
                    labels[y * w + x] = l;
                    float v = l / 255f;
                    img[y * w + x] = v;
                    img[w * h + y * w + x] = v * v;
                }
            }
            PairGeometry g = aug.draw(w, h, new SplittableRandom(seed));
            assertEquals(g, aug.draw(w, h, new SplittableRandom(seed)), "same seed, same draw");
            if (g.flip()) flips++;
            scaledWidths.add(g.scaledWidth());
            int plane = 24 * 20;
            float[] outImg = new float[5 + 2 * plane];
            int[] outMask = new int[3 + plane];
            PairedTransform.image(g, img, 0, 2, outImg, 5, PAD);
            PairedTransform.mask(g, labels, 0, outMask, 3, IGNORE);

            Set<Integer> sourceLabels = new HashSet<>();
            for (int l : labels) sourceLabels.add(l);
            int uniform = 0;
            int inside = 0;
            for (int i = 0; i < plane; i++) {
                float v = outImg[5 + i];
                float v2 = outImg[5 + plane + i];
                int m = outMask[3 + i];
                assertTrue(m == IGNORE || sourceLabels.contains(m), "mask invents label " + m);
                if (v == PAD) {
                    assertEquals(PAD, v2);
                    assertEquals(IGNORE, m, "padding must be ignored in the mask, seed " + seed);
                    padded++;
                    continue;
                }
                inside++;
                if (Math.abs(v2 - v * v) < 1e-6f) {
                    uniform++;
                    assertEquals(Math.round(v * 255), m, "seed " + seed + " pixel " + i + " geometry " + g);
                }
            }
            assertTrue(uniform > inside / 3, "most pixels sit inside one label block: " + uniform + "/" + inside);
        }
        assertTrue(flips > 100 && flips < 200, "flip about half the time: " + flips);
        assertTrue(padded > 0, "some draws pad");
        assertTrue(scaledWidths.size() > 30, "scales vary");
    }

    @Test
    void flipAndCropAreExactOnAKnownMask() {
        // 4x2 mask, scale 1, crop (x=1, w=3) then flip: row "0 1 2 3" -> "3 2 1"
        int[] mask = {0, 1, 2, 3, 4, 5, 6, 7};
        PairGeometry g = new PairGeometry(4, 2, 4, 2, 1, 0, 3, 2, true);
        int[] out = new int[6];
        PairedTransform.mask(g, mask, 0, out, 0, IGNORE);
        assertArrayEquals(new int[] {3, 2, 1, 7, 6, 5}, out);
        float[] img = {0, 1, 2, 3, 4, 5, 6, 7};
        float[] outImg = new float[6];
        PairedTransform.image(g, img, 0, 1, outImg, 0, PAD);
        assertArrayEquals(new float[] {3, 2, 1, 7, 6, 5}, outImg);
        // crop past the right edge: padding
        PairGeometry past = new PairGeometry(4, 2, 4, 2, 2, 1, 3, 2, false);
        PairedTransform.mask(past, mask, 0, out, 0, IGNORE);
        assertArrayEquals(new int[] {6, 7, IGNORE, IGNORE, IGNORE, IGNORE}, out);
        // 2x upscale: nearest doubles every label
        PairGeometry up = new PairGeometry(4, 2, 8, 4, 0, 0, 8, 1, false);
        int[] row = new int[8];
        PairedTransform.mask(up, mask, 0, row, 0, IGNORE);
        assertArrayEquals(new int[] {0, 0, 1, 1, 2, 2, 3, 3}, row);
        // evaluation resize to half: each output reads the nearest of its two sources
        int[] half = new int[2];
        PairedTransform.mask(PairGeometry.resize(4, 2, 2, 1), mask, 0, half, 0, IGNORE);
        assertArrayEquals(new int[] {5, 7}, half);
        float[] halfImg = new float[2];
        PairedTransform.image(PairGeometry.resize(4, 2, 2, 1), img, 0, 1, halfImg, 0, PAD);
        assertArrayEquals(new float[] {2.5f, 4.5f}, halfImg, 1e-6f);
    }

    @Test
    void rgbPairRefusesAMaskOfAnotherSize() {
        RgbImage img = new RgbImage(4, 3, new byte[36]);
        GrayImage mask = new GrayImage(4, 2, new int[8]);
        PairGeometry g = PairGeometry.identity(4, 3, 4, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PairedTransform.pair(g, img, mask, new float[36], 0, new int[12], 0, 0f, IGNORE));
        assertTrue(e.getMessage().contains("mask is 4x2, its image is 4x3"), e.getMessage());
    }

    @Test
    void rgbPairWritesUnitFloatsAndLabels() {
        byte[] px = new byte[2 * 1 * 3];
        px[0] = (byte) 255; px[1] = 0; px[2] = (byte) 51;
        px[3] = 0; px[4] = (byte) 102; px[5] = (byte) 255;
        RgbImage img = new RgbImage(2, 1, px);
        GrayImage mask = new GrayImage(2, 1, new int[] {7, 255});
        float[] dst = new float[6];
        int[] dm = new int[2];
        PairedTransform.pair(new PairGeometry(2, 1, 2, 1, 0, 0, 2, 1, true), img, mask, dst, 0, dm, 0, 0f, IGNORE);
        assertArrayEquals(new float[] {0, 1, 0.4f, 0, 1, 0.2f}, dst, 1e-6f);
        assertArrayEquals(new int[] {255, 7}, dm);
    }

    @Test
    void badRangesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PairedAugmentation(0, 4, 1, 1, false));
        assertThrows(IllegalArgumentException.class, () -> new PairedAugmentation(4, 4, 2, 1, false));
        assertThrows(IllegalArgumentException.class, () -> new PairedAugmentation(4, 4, 0, 1, false));
    }
}
