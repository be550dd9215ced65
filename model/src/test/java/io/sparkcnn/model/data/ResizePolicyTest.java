package io.sparkcnn.model.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ResizePolicyTest {
    @Test
    void parsesAndPrintsTheSameText() {
        for (String s : new String[] {"keep", "shorter-side:256", "center-crop:256:224"}) {
            assertEquals(s, ResizePolicy.parse(s).toString());
        }
        assertEquals(ResizePolicy.centerCrop(224, 224), ResizePolicy.parse("center-crop:224"));
        assertThrows(IllegalArgumentException.class, () -> ResizePolicy.parse("center-crop:100:200"));
        assertThrows(IllegalArgumentException.class, () -> ResizePolicy.parse("zoom:2"));
    }

    @Test
    void shorterSideKeepsAspectAndCenterCropCutsTheMiddle() {
        RgbImage img = new RgbImage(500, 375, new byte[500 * 375 * 3]);
        RgbImage s = ResizePolicy.shorterSide(256).apply(img);
        assertEquals(341, s.width());
        assertEquals(256, s.height());
        RgbImage c = ResizePolicy.centerCrop(256, 224).apply(img);
        assertEquals(224, c.width());
        assertEquals(224, c.height());
        assertSame(img, ResizePolicy.KEEP.apply(img));
    }

    @Test
    void resamplingKeepsFlatColoursAndMasksStayLabels() {
        byte[] p = new byte[300 * 200 * 3];
        for (int i = 0; i < p.length; i += 3) {
            p[i] = 10;
            p[i + 1] = (byte) 200;
            p[i + 2] = 90;
        }
        RgbImage out = ResizePolicy.shorterSide(37).apply(new RgbImage(300, 200, p));
        for (int i = 0; i < out.pixels().length; i += 3) {
            assertEquals(10, out.pixels()[i] & 0xff);
            assertEquals(200, out.pixels()[i + 1] & 0xff);
            assertEquals(90, out.pixels()[i + 2] & 0xff);
        }
        int[] labels = new int[40 * 20];
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 40; x++) {
                labels[y * 40 + x] = x < 20 ? 3 : 255;
            }
        }
        GrayImage m = ResizePolicy.shorterSide(7).apply(new GrayImage(40, 20, labels));
        assertEquals(14, m.width());
        for (int v : m.values()) {
            assertEquals(true, v == 3 || v == 255, "nearest neighbour only copies labels");
        }
        assertEquals(3, m.values()[0]);
        assertEquals(255, m.values()[13]);
    }
}
