package io.sparkcnn.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class SegmentationPngsTest {
    private final ImageCodec codec = new ImageCodec();
    // 3x2 prediction: road, car, sky / bicycle, ignore, person
    private final GrayImage pred = new GrayImage(3, 2, new int[] {0, 13, 10, 18, 255, 11});

    @Test
    void trainIdPngDecodesBackAsEightBitGray() throws Exception {
        byte[] png = SegmentationPngs.trainIdPng(pred, 19);
        assertEightBitGray(png);
        assertArrayEquals(pred.values(), codec.decodeGray(png).values());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SegmentationPngs.trainIdPng(new GrayImage(2, 1, new int[] {3, 19}), 19));
        assertTrue(e.getMessage().contains("train id 19 at pixel 1"), e.getMessage());
    }

    @Test
    void labelIdPngHoldsWhatTheCityscapesEvaluatorReads() throws Exception {
        byte[] png = SegmentationPngs.cityscapesLabelIdPng(pred);
        assertEightBitGray(png);
        assertArrayEquals(new int[] {7, 26, 23, 33, 0, 24}, codec.decodeGray(png).values());
    }

    @Test
    void overlayBlendsThePaletteOverTheImage() throws Exception {
        byte[] px = new byte[18];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (10 * i);
        RgbImage img = new RgbImage(3, 2, px);
        int[] palette = CityscapesLabels.trainIdPalette();
        RgbImage back = codec.decode(SegmentationPngs.overlayPng(img, pred, palette, 0.25)).image();
        // pixel 0: road (128, 64, 128) over (0, 10, 20)
        assertEquals(Math.round(0.75 * 0 + 0.25 * 128), back.pixels()[0] & 0xff);
        assertEquals(Math.round(0.75 * 10 + 0.25 * 64), back.pixels()[1] & 0xff);
        assertEquals(Math.round(0.75 * 20 + 0.25 * 128), back.pixels()[2] & 0xff);
        // pixel 4 is 255: the image shows through unchanged
        for (int c = 0; c < 3; c++) assertEquals(px[12 + c], back.pixels()[12 + c]);
        // alpha 1: pure palette (car 0, 0, 142)
        RgbImage full = SegmentationPngs.overlay(img, pred, palette, 1.0);
        assertArrayEquals(new byte[] {0, 0, (byte) 142}, java.util.Arrays.copyOfRange(full.pixels(), 3, 6));
        assertThrows(IllegalArgumentException.class,
                () -> SegmentationPngs.overlay(new RgbImage(2, 2, new byte[12]), pred, palette, 0.5));
        assertThrows(IllegalArgumentException.class, () -> SegmentationPngs.overlay(img, pred, new int[5], 0.5));
    }

    @Test
    void fileNameKeepsTheInputStem() {
        assertEquals("aachen_000000_000019_leftImg8bit.png",
                SegmentationPngs.fileName("leftImg8bit/val/aachen/aachen_000000_000019_leftImg8bit.png"));
        assertEquals("photo.png", SegmentationPngs.fileName("a/b/photo.jpg"));
        assertEquals("noext.png", SegmentationPngs.fileName("noext"));
    }

    private static void assertEightBitGray(byte[] png) throws Exception {
        BufferedImage bi = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(1, bi.getRaster().getNumBands());
        assertEquals(8, bi.getColorModel().getComponentSize(0));
    }
}
