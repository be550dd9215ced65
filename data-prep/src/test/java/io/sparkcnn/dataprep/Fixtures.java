package io.sparkcnn.dataprep;

import io.sparkcnn.model.data.ImageCodec;
import io.sparkcnn.model.data.RgbImage;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Test inputs made on the fly: good images, and each kind of bad file the readers must reject or convert. */
public final class Fixtures {
    private Fixtures() {
    }

    /** A smooth random RGB image (compresses like a photo, differs per seed). */
    public static RgbImage photo(int w, int h, long seed) {
        Random r = new Random(seed);
        int a = r.nextInt(256);
        int b = r.nextInt(256);
        int c = r.nextInt(256);
        byte[] p = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                p[i] = (byte) (a + x * 255 / w);
                p[i + 1] = (byte) (b + y * 255 / h);
                p[i + 2] = (byte) (c + (x ^ y));
            }
        }
        return new RgbImage(w, h, p);
    }

    public static byte[] jpeg(int w, int h, long seed) {
        return ImageCodec.encodeJpeg(photo(w, h, seed), 0.9f);
    }

    public static byte[] png(int w, int h, long seed) {
        return ImageCodec.encodePng(photo(w, h, seed));
    }

    public static byte[] grayJpeg(int w, int h) {
        BufferedImage bi = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                bi.getRaster().setSample(x, y, 0, (x * 7 + y * 3) & 0xff);
            }
        }
        return write(bi, "jpeg");
    }

    /** 16-bit gray PNG. */
    public static byte[] gray16Png(int w, int h) {
        BufferedImage bi = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                bi.getRaster().setSample(x, y, 0, (x * 1000 + y * 97) & 0xffff);
            }
        }
        return write(bi, "png");
    }

    /** A 16-bit gray PNG saved under a .jpg name (content decides the decoder). */
    public static byte[] gray16PngAsRgbJpeg() {
        return gray16Png(12, 10);
    }

    /** Adobe CMYK JPEG (inverted inks, APP14 transform 0) like the 22 in ImageNet train; all pixels (r,g,b). */
    public static byte[] cmykJpeg(int w, int h, int rr, int gg, int bb) {
        WritableRaster r = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
        // ink C = 1 - R etc. with K = 0; Adobe stores 255 - ink
        int[] px = {rr, gg, bb, 255};
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                r.setPixel(x, y, px);
            }
        }
        ImageWriter wr = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream o = new MemoryCacheImageOutputStream(bos)) {
            wr.setOutput(o);
            wr.write(null, new IIOImage(r, null, null), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] b0 = bos.toByteArray();
        byte[] app14 = {(byte) 0xff, (byte) 0xee, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
        byte[] b = new byte[b0.length + app14.length];
        System.arraycopy(b0, 0, b, 0, 2);
        System.arraycopy(app14, 0, b, 2, app14.length);
        System.arraycopy(b0, 2, b, 2 + app14.length, b0.length - 2);
        return b;
    }

    /** The first 60% of a JPEG. */
    public static byte[] truncated(byte[] full) {
        return java.util.Arrays.copyOf(full, full.length * 6 / 10);
    }

    /** A syntactically valid PNG header declaring w x h, with no image data after it. */
    public static byte[] pngHeaderOnly(int w, int h) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        ByteBuffer len = ByteBuffer.allocate(4).putInt(data.length);
        out.writeBytes(len.array());
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    public static byte[] write(BufferedImage bi, String format) {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            ImageIO.write(bi, format, bos);
            return bos.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void put(Path root, String rel, byte[] bytes) {
        try {
            Path p = root.resolve(rel);
            Files.createDirectories(p.getParent());
            Files.write(p, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** idx3 images file (28x28 style) and idx1 labels, gzipped like the published files. */
    public static byte[] idxImages(int n, int rows, int cols, long seed, boolean gzip) {
        Random r = new Random(seed);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(gzip ? new GZIPOutputStream(bos) : bos)) {
            d.writeInt(0x00000803);
            d.writeInt(n);
            d.writeInt(rows);
            d.writeInt(cols);
            byte[] px = new byte[rows * cols];
            for (int i = 0; i < n; i++) {
                r.nextBytes(px);
                d.write(px);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    /** Uncompressed idx1 labels file with exactly these labels. */
    public static byte[] idxLabelsOf(int... labels) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(bos)) {
            d.writeInt(0x00000801);
            d.writeInt(labels.length);
            for (int l : labels) {
                d.writeByte(l);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    public static byte[] idxLabels(int n, int classes, long seed, boolean gzip) {
        Random r = new Random(seed);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(gzip ? new GZIPOutputStream(bos) : bos)) {
            d.writeInt(0x00000801);
            d.writeInt(n);
            for (int i = 0; i < n; i++) {
                d.writeByte(r.nextInt(classes));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    /**
     * An H.264 High-profile MP4 (CABAC, 24 fps) written through FFmpeg to {@code file}; frame j has red = 10 j,
     * so a stored frame tells which source frame was sampled.
     */
    public static byte[] h264Clip(Path file, int w, int h, int frames, int seed) throws IOException {
        try (org.bytedeco.javacv.FFmpegFrameRecorder r = new org.bytedeco.javacv.FFmpegFrameRecorder(file.toFile(), w, h, 0)) {
            r.setFormat("mp4");
            r.setVideoCodec(org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264);
            r.setPixelFormat(org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P);
            r.setFrameRate(24);
            r.setVideoBitrate(2_000_000);
            r.setVideoOption("profile", "high");
            r.setVideoOption("coder", "cabac");
            r.start();
            Random rnd = new Random(seed);
            for (int j = 0; j < frames; j++) {
                org.bytedeco.javacv.Frame fr = new org.bytedeco.javacv.Frame(w, h, org.bytedeco.javacv.Frame.DEPTH_UBYTE, 3);
                ByteBuffer buf = (ByteBuffer) fr.image[0];
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int i = y * fr.imageStride + x * 3;
                        buf.put(i, (byte) (10 * j));
                        buf.put(i + 1, (byte) (100 + 2 * x + rnd.nextInt(4)));
                        buf.put(i + 2, (byte) (60 + 3 * y));
                    }
                }
                r.record(fr, org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24);
            }
            r.stop();
        }
        return Files.readAllBytes(file);
    }
}
