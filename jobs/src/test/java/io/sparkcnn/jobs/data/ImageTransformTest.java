package io.sparkcnn.jobs.data;

import io.sparkcnn.model.data.ShardSchema;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class ImageTransformTest {

    /** A w x h raw RGB row whose red channel is the x coordinate and green the y coordinate. */
    private static EncodedRows ramp(int w, int h) {
        return rawRow("ramp", w, h, (x, y, c) -> c == 0 ? x : c == 1 ? y : 255);
    }

    /** The value of channel c at (x, y), 0..255. */
    interface Pixel {
        int value(int x, int y, int c);
    }

    /** One raw (undecoded) RGB shard row of w x h with the given pixels. */
    static EncodedRows rawRow(String key, int w, int h, Pixel pixel) {
        EncodedRows r = new EncodedRows(0, 1);
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) px[(y * w + x) * 3 + c] = (byte) pixel.value(x, y, c);
            }
        }
        r.keys[0] = key;
        r.images[0] = px;
        r.encodings[0] = ShardSchema.ENC_RAW;
        r.widths[0] = w;
        r.heights[0] = h;
        return r;
    }

    private static ImageTransform transform(int[] shape, Augmentation a, int evalResize) {
        return new ImageTransform(shape, new double[] {0, 0, 0}, new double[] {1, 1, 1}, a, evalResize);
    }

    @Test
    void evalAtTheStoredSizeIsTheImageScaledToZeroOne() {
        float[] out = new float[3 * 4 * 5];
        transform(new int[] {3, 4, 5}, Augmentation.NONE, 0).eval(ramp(5, 4), 0, out, 0);
        // (3,H,W): red = x/255, green = y/255, blue = 1
        assertEquals(3 / 255f, out[2 * 5 + 3], 1e-6);
        assertEquals(2 / 255f, out[20 + 2 * 5 + 3], 1e-6);
        assertEquals(1f, out[40 + 7], 1e-6);
    }

    @Test
    void evalResizeThenCenterCropTakesTheMiddle() {
        // 40x20 -> shorter side 10 (scale 0.5) -> centre 10x10 = source x in [10, 30)
        float[] out = new float[3 * 10 * 10];
        transform(new int[] {3, 10, 10}, Augmentation.NONE, 10).eval(ramp(40, 20), 0, out, 0);
        float firstX = out[0] * 255, lastX = out[9] * 255;
        assertEquals(10.5, firstX, 0.01);
        assertEquals(28.5, lastX, 0.01);
    }

    @Test
    void grayInputAveragesWithLumaWeightsAndNormalises() {
        ImageTransform t = new ImageTransform(new int[] {1, 2, 2}, new double[] {0.5}, new double[] {0.25}, Augmentation.NONE, 0);
        float[] out = new float[4];
        t.eval(ramp(2, 2), 0, out, 0);
        float gray = 0.299f * 1 / 255f + 0.587f * 0 + 0.114f * 1f; // pixel (x=1, y=0)
        assertEquals((gray - 0.5f) / 0.25f, out[1], 1e-5);
    }

    @Test
    void trainingAugmentationIsAFunctionOfTheSeed() {
        Augmentation a = new Augmentation(true, 0.3, 1, 0.75, 4 / 3.0, true, 2, 0.3, 0.3, 0.3);
        ImageTransform t = transform(new int[] {3, 16, 16}, a, 0);
        float[] x = new float[3 * 256], y = new float[3 * 256], z = new float[3 * 256];
        t.train(ramp(32, 24), 0, 99, x, 0);
        t.train(ramp(32, 24), 0, 99, y, 0);
        t.train(ramp(32, 24), 0, 100, z, 0);
        assertArrayEquals(x, y);
        assertNotEquals(java.util.Arrays.toString(x), java.util.Arrays.toString(z));
    }

    @Test
    void theWholeImageIsJitteredOnlyWithJitterSettings() {
        ImageTransform t = new ImageTransform(new int[] {3, 4, 4}, new double[] {0.2}, new double[] {0.5}, Augmentation.NONE, 0);
        io.sparkcnn.model.data.RgbImage img = t.decode(ramp(7, 5), 0);
        assertArrayEquals(t.normalised(img), t.jitteredNormalised(img, 5), "no jitter settings: the plain image");
        Augmentation saturation = new Augmentation(false, 0.08, 1, 0.75, 4 / 3.0, false, 0, 0, 0, 0.5);
        ImageTransform s = new ImageTransform(new int[] {3, 4, 4}, new double[] {0.2}, new double[] {0.5}, saturation, 0);
        assertEquals(3 * 7 * 5, s.jitteredNormalised(img, 5).length, "at the image's own size");
        assertNotEquals(java.util.Arrays.toString(t.normalised(img)), java.util.Arrays.toString(s.jitteredNormalised(img, 5)));
        assertArrayEquals(s.jitteredNormalised(img, 5), s.jitteredNormalised(img, 5));
    }

    @Test
    void aFlipMirrorsTheRow() {
        Augmentation flipOnly = new Augmentation(false, 0.08, 1, 0.75, 4 / 3.0, true, 0, 0, 0, 0);
        ImageTransform t = transform(new int[] {3, 2, 6}, flipOnly, 0);
        float[] plain = new float[36];
        transform(new int[] {3, 2, 6}, Augmentation.NONE, 0).eval(ramp(6, 2), 0, plain, 0);
        boolean sawFlip = false;
        for (long seed = 0; seed < 8; seed++) {
            float[] out = new float[36];
            t.train(ramp(6, 2), 0, seed, out, 0);
            if (out[0] != plain[0]) {
                sawFlip = true;
                for (int x = 0; x < 6; x++) assertEquals(plain[5 - x], out[x], 1e-6);
            }
        }
        assertEquals(true, sawFlip);
    }
}
