package io.sparkcnn.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;

class ImageCodecTest {
    private final ImageCodec codec = new ImageCodec();

    static RgbImage solid(int w, int h, int r, int g, int b) {
        byte[] p = new byte[w * h * 3];
        for (int i = 0; i < p.length; i += 3) {
            p[i] = (byte) r;
            p[i + 1] = (byte) g;
            p[i + 2] = (byte) b;
        }
        return new RgbImage(w, h, p);
    }

    static void assertColor(RgbImage img, int r, int g, int b, int tol) {
        int i = (img.height() / 2 * img.width() + img.width() / 2) * 3;
        int[] got = {img.pixels()[i] & 0xff, img.pixels()[i + 1] & 0xff, img.pixels()[i + 2] & 0xff};
        assertTrue(Math.abs(got[0] - r) <= tol && Math.abs(got[1] - g) <= tol && Math.abs(got[2] - b) <= tol,
                "expected ~(" + r + "," + g + "," + b + ") got " + Arrays.toString(got));
    }

    @Test
    void rgbJpegRoundTripIsStandardAndKeepsColour() throws Exception {
        byte[] jpg = ImageCodec.encodeJpeg(solid(40, 30, 200, 100, 50), 0.95f);
        DecodedImage d = codec.decode(jpg);
        assertEquals(new ImageInfo("jpeg", 40, 30), d.info());
        assertTrue(d.standardJpeg());
        assertColor(d.image(), 200, 100, 50, 4);
    }

    @Test
    void pngNamedAnythingIsDecodedByContent() throws Exception {
        byte[] png = ImageCodec.encodePng(solid(5, 7, 1, 2, 3));
        DecodedImage d = codec.decode(png);
        assertEquals("png", d.info().format());
        assertFalse(d.standardJpeg());
        assertArrayEquals(solid(5, 7, 1, 2, 3).pixels(), d.image().pixels());
    }

    @Test
    void adobeCmykJpegBecomesRgb() throws Exception {
        WritableRaster r = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16, 8, 4, null);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 16; x++) {
                r.setPixel(x, y, new int[] {255, 0, 0, 255}); // inverted inks of pure red
            }
        }
        ImageWriter wr = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream o = new MemoryCacheImageOutputStream(bos)) {
            wr.setOutput(o);
            wr.write(null, new IIOImage(r, null, null), null);
        }
        byte[] b0 = bos.toByteArray();
        byte[] app14 = {(byte) 0xff, (byte) 0xee, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
        byte[] b = new byte[b0.length + app14.length];
        System.arraycopy(b0, 0, b, 0, 2);
        System.arraycopy(app14, 0, b, 2, app14.length);
        System.arraycopy(b0, 2, b, 2 + app14.length, b0.length - 2);
        DecodedImage d = codec.decode(b);
        assertFalse(d.standardJpeg(), "CMYK bytes must be re-encoded, never kept");
        assertColor(d.image(), 255, 0, 0, 6);
    }

    @Test
    void grayAndSixteenBitImagesAreReplicatedWithoutGammaShift() throws Exception {
        BufferedImage g8 = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
        g8.getRaster().setSamples(0, 0, 4, 4, 0, filled(16, 100));
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        ImageIO.write(g8, "png", a);
        assertColor(codec.decode(a.toByteArray()).image(), 100, 100, 100, 0);

        BufferedImage g16 = new BufferedImage(4, 4, BufferedImage.TYPE_USHORT_GRAY);
        g16.getRaster().setSamples(0, 0, 4, 4, 0, filled(16, 0x8000));
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ImageIO.write(g16, "png", b);
        assertColor(codec.decode(b.toByteArray()).image(), 128, 128, 128, 0);

        ByteArrayOutputStream c = new ByteArrayOutputStream();
        ImageIO.write(g8, "jpeg", c);
        assertColor(codec.decode(c.toByteArray()).image(), 100, 100, 100, 2);
    }

    private static int[] filled(int n, int v) {
        int[] a = new int[n];
        Arrays.fill(a, v);
        return a;
    }

    @Test
    void badInputsAreRejectedWithStageAndReason() {
        RejectedException empty = assertThrows(RejectedException.class, () -> codec.decode(new byte[0]));
        assertEquals("read", empty.stage());
        RejectedException junk = assertThrows(RejectedException.class, () -> codec.decode("hello".getBytes()));
        assertEquals("header", junk.stage());
        byte[] jpg = ImageCodec.encodeJpeg(ImageCodecTestPhoto.photo(200, 150), 0.9f);
        RejectedException cut = assertThrows(RejectedException.class, () -> codec.decode(Arrays.copyOf(jpg, jpg.length / 2)));
        assertEquals("decode", cut.stage());
        byte[] png = ImageCodec.encodePng(ImageCodecTestPhoto.photo(50, 50));
        assertThrows(RejectedException.class, () -> codec.decode(Arrays.copyOf(png, png.length - 30)));
    }

    @Test
    void oversizeHeaderIsRefusedBeforeDecoding() throws Exception {
        byte[] header = pngHeader(100_000, 90_000); // no pixel data at all: only the header is read
        RejectedException e = assertThrows(RejectedException.class, () -> codec.decode(header));
        assertEquals("header", e.stage());
        assertTrue(e.reason().contains("100000x90000"), e.reason());
        ImageCodec small = new ImageCodec(100, 1000);
        assertThrows(RejectedException.class, () -> small.probe(ImageCodec.encodePng(solid(11, 10, 0, 0, 0))));
        assertEquals(new ImageInfo("png", 10, 10), small.probe(ImageCodec.encodePng(solid(10, 10, 0, 0, 0))));
    }

    static byte[] pngHeader(int w, int h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        byte[] data = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).array();
        out.writeBytes(ByteBuffer.allocate(4).putInt(13).array());
        byte[] type = {'I', 'H', 'D', 'R'};
        out.writeBytes(type);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(type);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        return out.toByteArray();
    }

    @Test
    void grayLabelMapsKeepRawValues() throws Exception {
        GrayImage ids = new GrayImage(3, 2, new int[] {0, 7, 33, 255, 1, 2});
        assertArrayEquals(ids.values(), codec.decodeGray(ImageCodec.encodeGrayPng(ids)).values());
        GrayImage inst = new GrayImage(2, 1, new int[] {26001, 0});
        assertArrayEquals(inst.values(), codec.decodeGray(ImageCodec.encodeGrayPng(inst)).values());
        RejectedException rgb = assertThrows(RejectedException.class,
                () -> codec.decodeGray(ImageCodec.encodePng(solid(2, 2, 1, 1, 1))));
        assertTrue(rgb.reason().contains("3 channels"));
    }
}
