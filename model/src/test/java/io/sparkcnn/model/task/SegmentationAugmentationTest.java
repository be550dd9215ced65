package io.sparkcnn.model.task;

import io.sparkcnn.model.augment.PairedAugmentation;
import io.sparkcnn.model.data.GrayImage;
import io.sparkcnn.model.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The task's paired augmentation keeps every pixel's label with it, through to the target floats. */
class SegmentationAugmentationTest {
    private static final int W = 20, H = 12;

    /** Image value = its pixel's label (blocks of 4x3 in 3 classes), so alignment is checkable pixel by pixel. */
    private static Example blocks() {
        int[] labels = new int[W * H];
        float[] pixels = new float[W * H];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                labels[y * W + x] = (x / 4 + 2 * (y / 3)) % 3;
                pixels[y * W + x] = labels[y * W + x];
            }
        }
        return Example.masked("city/a_leftImg8bit.png", 1, H, W, pixels, new GrayImage(W, H, labels));
    }

    @Test
    void imageAndMaskStayAlignedUnderRandomCropFlipAndPadding() {
        for (int[] crop : new int[][]{{16, 8}, {24, 16}}) {
            SegmentationTask task = new SegmentationTask(3).withAugmentation(
                    new SegmentationAugmentation(new PairedAugmentation(crop[0], crop[1], 1, 1, true), -1f));
            Shape out = Shape.of(3, crop[1], crop[0]);
            Set<String> distinct = new HashSet<>();
            int padded = 0;
            for (long seed = 0; seed < 20; seed++) {
                Example a = task.augmentation().apply(blocks(), new SplittableRandom(seed));
                assertEquals(crop[0], a.width());
                assertEquals(crop[1], a.height());
                float[] target = new float[crop[0] * crop[1]];
                task.encodeTarget(a, out, target, 0);
                for (int i = 0; i < target.length; i++) {
                    if (target[i] == 255f) {
                        assertEquals(-1f, a.pixels()[i], "padding: ignore label under padded image at " + i);
                        padded++;
                    } else {
                        assertEquals(target[i], a.pixels()[i], "seed " + seed + ": label and image disagree at " + i);
                    }
                }
                distinct.add(java.util.Arrays.toString(target));
            }
            assertTrue(distinct.size() > 5, "crops and flips must vary with the seed, got " + distinct.size());
            if (crop[0] > W) assertTrue(padded > 0, "a crop larger than the image pads");
        }
    }

    @Test
    void aMaskOfAnotherSizeThanItsImageNamesTheExample() {
        Example bad = Example.masked("gtFine/val/ulm/ulm_000002_gtFine_labelIds.png", 1, H, W, new float[W * H],
                new GrayImage(W, H - 1, new int[W * (H - 1)]));
        ExampleAugmentation a = new SegmentationAugmentation(new PairedAugmentation(8, 8, 0.5, 2, true), 0f);
        BadExampleException e = assertThrows(BadExampleException.class, () -> a.apply(bad, new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("ulm_000002") && e.getMessage().contains("20x11"), e.getMessage());
    }
}
