package io.sparkcnn.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@code keep} stores each source in its own kind of coding: lossless sources stay lossless. */
class EncodingPolicyTest {
    private final ImageCodec codec = new ImageCodec();

    /** Noise: any lossy coding changes some pixels of it. */
    private static RgbImage noise(int w, int h, long seed) {
        byte[] p = new byte[w * h * 3];
        new Random(seed).nextBytes(p);
        return new RgbImage(w, h, p);
    }

    private Decoded keep(byte[] source, ResizePolicy resize) throws RejectedException {
        DecodedImage d = codec.decode(source);
        RgbImage out = resize.apply(d.image());
        EncodingPolicy.Encoded e = EncodingPolicy.KEEP.encode(out, source, EncodingPolicy.sourceOf(d, out == d.image()));
        return new Decoded(e, out);
    }

    private record Decoded(EncodingPolicy.Encoded encoded, RgbImage stored) {
    }

    @Test
    void keepStoresPngSourcesAsPngWithExactPixels() throws Exception {
        RgbImage img = noise(33, 21, 1);
        Decoded k = keep(ImageCodec.encodePng(img), ResizePolicy.KEEP);
        assertEquals(ShardSchema.ENC_PNG, k.encoded().encoding());
        assertArrayEquals(img.pixels(), codec.decode(k.encoded().bytes()).image().pixels());
    }

    @Test
    void keepStoresResizedPngSourcesAsPngOfTheResizedPixels() throws Exception {
        Decoded k = keep(ImageCodec.encodePng(noise(64, 48, 2)), ResizePolicy.shorterSide(24));
        assertEquals(ShardSchema.ENC_PNG, k.encoded().encoding());
        assertArrayEquals(k.stored().pixels(), codec.decode(k.encoded().bytes()).image().pixels());
    }

    @Test
    void keepStoresBmpSourcesLosslessly() throws Exception {
        RgbImage img = noise(10, 9, 3);
        java.io.ByteArrayOutputStream bmp = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(ImageCodec.toBuffered(img), "bmp", bmp);
        Decoded k = keep(bmp.toByteArray(), ResizePolicy.KEEP);
        assertEquals(ShardSchema.ENC_PNG, k.encoded().encoding());
        assertArrayEquals(img.pixels(), codec.decode(k.encoded().bytes()).image().pixels());
    }

    @Test
    void keepStoresAnUntouchedStandardJpegAsItsOwnBytesAndAResizedOneAsJpeg() throws Exception {
        byte[] jpg = ImageCodec.encodeJpeg(noise(32, 32, 4), 0.9f);
        Decoded same = keep(jpg, ResizePolicy.KEEP);
        assertSame(jpg, same.encoded().bytes());
        assertEquals(ShardSchema.ENC_JPEG, same.encoded().encoding());
        Decoded resized = keep(jpg, ResizePolicy.shorterSide(16));
        assertEquals(ShardSchema.ENC_JPEG, resized.encoded().encoding());
        assertEquals("jpeg", codec.decode(resized.encoded().bytes()).info().format());
    }

    @Test
    void explicitJpegStillReencodesLosslessSources() throws Exception {
        EncodingPolicy.Encoded e = EncodingPolicy.jpeg(90).encode(noise(8, 8, 5), new byte[0], EncodingPolicy.Source.LOSSLESS);
        assertEquals(ShardSchema.ENC_JPEG, e.encoding());
    }
}
