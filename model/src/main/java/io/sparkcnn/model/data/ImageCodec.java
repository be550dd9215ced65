package io.sparkcnn.model.data;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.color.ColorSpace;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Decodes images by content (never by file name) to RGB, and encodes shard payloads.
 * JPEG (incl. CMYK/YCCK, grayscale), PNG (8/16-bit, gray, palette, alpha), BMP and GIF are read;
 * the size the header declares is checked against the limits before any pixel is decoded.
 * Thread-safe: each call uses its own ImageIO reader.
 */
public final class ImageCodec {
    /** 2^26 pixels (e.g. 8192x8192): far above any ImageNet/COCO/Cityscapes image, far below what exhausts a heap. */
    public static final long DEFAULT_MAX_PIXELS = 1L << 26;
    public static final int DEFAULT_MAX_SIDE = 16384;

    private final long maxPixels;
    private final int maxSide;

    public ImageCodec() {
        this(DEFAULT_MAX_PIXELS, DEFAULT_MAX_SIDE);
    }

    public ImageCodec(long maxPixels, int maxSide) {
        this.maxPixels = maxPixels;
        this.maxSide = maxSide;
        ImageIO.setUseCache(false); // decode in memory, never to temp files on executors
    }

    /** Format and declared size from the header only; refuses empty, unknown and oversize images. */
    public ImageInfo probe(byte[] bytes) throws RejectedException {
        try (Opened o = open(bytes)) {
            return o.info;
        }
    }

    /** Decodes to RGB (8 bits per channel); CMYK/YCCK, gray, 16-bit, palette and alpha images are converted. */
    public DecodedImage decode(byte[] bytes) throws RejectedException {
        try (Opened o = open(bytes)) {
            boolean jpeg = "jpeg".equals(o.info.format());
            JpegMarkers markers = jpeg ? JpegMarkers.parse(bytes) : null;
            RgbImage rgb;
            try {
                if (jpeg && markers.components() == 4) {
                    rgb = cmykToRgb(o.reader.readRaster(0, null), markers.adobeTransform());
                } else {
                    rgb = toRgb(o.reader.read(0));
                }
            } catch (IOException | RuntimeException e) {
                throw new RejectedException("decode", "corrupt " + o.info.format() + ": " + e, e);
            }
            if (!o.warnings.isEmpty()) {
                // libjpeg reports truncation ("Premature end of JPEG file") as a warning and pads with gray
                throw new RejectedException("decode", "corrupt " + o.info.format() + ": " + o.warnings.get(0));
            }
            if (rgb.width() != o.info.width() || rgb.height() != o.info.height()) {
                throw new RejectedException("decode", "decoded size differs from header");
            }
            boolean standard = jpeg && markers.components() == 3 && markers.precision() == 8
                    && markers.adobeTransform() != 0;
            return new DecodedImage(rgb, o.info, standard);
        }
    }

    /**
     * Decodes a single-channel label/id map (8 or 16 bit) to its raw sample values, with no colour
     * conversion. Refuses images with more than one channel (other than a palette read as indices).
     */
    public GrayImage decodeGray(byte[] bytes) throws RejectedException {
        try (Opened o = open(bytes)) {
            Raster r;
            try {
                r = o.reader.read(0).getRaster();
            } catch (IOException | RuntimeException e) {
                throw new RejectedException("decode", "corrupt " + o.info.format() + ": " + e, e);
            }
            if (!o.warnings.isEmpty()) {
                throw new RejectedException("decode", "corrupt " + o.info.format() + ": " + o.warnings.get(0));
            }
            if (r.getNumBands() != 1) {
                throw new RejectedException("decode", "label map has " + r.getNumBands() + " channels, expected 1");
            }
            int w = r.getWidth();
            int h = r.getHeight();
            return new GrayImage(w, h, r.getSamples(0, 0, w, h, 0, new int[w * h]));
        }
    }

    /** Baseline JPEG (4:2:0) at the given quality in (0,1]. */
    public static byte[] encodeJpeg(RgbImage img, float quality) {
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream(img.pixels().length / 8 + 1024);
            try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bos)) {
                w.setOutput(out);
                ImageWriteParam p = w.getDefaultWriteParam();
                p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                p.setCompressionQuality(quality);
                w.write(null, new IIOImage(toBuffered(img), null, null), p);
            }
            return bos.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("JPEG encode failed", e);
        } finally {
            w.dispose();
        }
    }

    /** Lossless PNG of an RGB image. */
    public static byte[] encodePng(RgbImage img) {
        return writePng(toBuffered(img));
    }

    /** Lossless gray PNG of a label/id map: 8-bit when every value fits, else 16-bit. */
    public static byte[] encodeGrayPng(GrayImage g) {
        int max = 0;
        for (int v : g.values()) {
            if (v < 0 || v > 0xffff) {
                throw new IllegalArgumentException("value " + v + " does not fit 16 bits");
            }
            max = Math.max(max, v);
        }
        BufferedImage bi = new BufferedImage(g.width(), g.height(),
                max <= 0xff ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_USHORT_GRAY);
        bi.getRaster().setSamples(0, 0, g.width(), g.height(), 0, g.values());
        return writePng(bi);
    }

    private static byte[] writePng(BufferedImage bi) {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            if (!ImageIO.write(bi, "png", bos)) {
                throw new IllegalStateException("no PNG writer");
            }
            return bos.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("PNG encode failed", e);
        }
    }

    /** RGB bytes wrapped (copied) as a TYPE_3BYTE_BGR image for the ImageIO writers. */
    public static BufferedImage toBuffered(RgbImage img) {
        BufferedImage bi = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] dst = ((DataBufferByte) bi.getRaster().getDataBuffer()).getData();
        byte[] src = img.pixels();
        for (int i = 0; i < src.length; i += 3) {
            dst[i] = src[i + 2];
            dst[i + 1] = src[i + 1];
            dst[i + 2] = src[i];
        }
        return bi;
    }

    /** Converts any decoded BufferedImage to 8-bit RGB without gamma shifts for gray images. */
    static RgbImage toRgb(BufferedImage bi) {
        int w = bi.getWidth();
        int h = bi.getHeight();
        byte[] out = new byte[w * h * 3];
        Raster r = bi.getRaster();
        ColorModel cm = bi.getColorModel();
        if (bi.getType() == BufferedImage.TYPE_3BYTE_BGR && r.getSampleModel() instanceof PixelInterleavedSampleModel
                && r.getDataBuffer() instanceof DataBufferByte db && db.getNumBanks() == 1 && r.getParent() == null) {
            byte[] src = db.getData();
            for (int i = 0; i < out.length; i += 3) {
                out[i] = src[i + 2];
                out[i + 1] = src[i + 1];
                out[i + 2] = src[i];
            }
            return new RgbImage(w, h, out);
        }
        int csType = cm.getColorSpace().getType();
        if (cm instanceof ComponentColorModel && (csType == ColorSpace.TYPE_GRAY || csType == ColorSpace.TYPE_RGB)) {
            // take samples as they are: gray is replicated, deeper samples keep their top 8 bits, alpha is dropped
            int shift = Math.max(0, cm.getComponentSize(0) - 8);
            boolean gray = csType == ColorSpace.TYPE_GRAY;
            int bands = r.getNumBands();
            int[] row = new int[w * bands];
            for (int y = 0; y < h; y++) {
                r.getPixels(0, y, w, 1, row);
                for (int x = 0; x < w; x++) {
                    int o = (y * w + x) * 3;
                    int s = x * bands;
                    if (gray) {
                        byte v = (byte) (row[s] >>> shift);
                        out[o] = v;
                        out[o + 1] = v;
                        out[o + 2] = v;
                    } else {
                        out[o] = (byte) (row[s] >>> shift);
                        out[o + 1] = (byte) (row[s + 1] >>> shift);
                        out[o + 2] = (byte) (row[s + 2] >>> shift);
                    }
                }
            }
            return new RgbImage(w, h, out);
        }
        int[] argb = new int[w];
        for (int y = 0; y < h; y++) {
            bi.getRGB(0, y, w, 1, argb, 0, w);
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                out[o] = (byte) (argb[x] >>> 16);
                out[o + 1] = (byte) (argb[x] >>> 8);
                out[o + 2] = (byte) argb[x];
            }
        }
        return new RgbImage(w, h, out);
    }

    /**
     * 4-component JPEG to RGB. Adobe files (APP14 present) store inverted inks; transform 2 means
     * the inverted C,M,Y were YCbCr-coded like RGB. No ICC profile is applied (plain ink formula).
     */
    static RgbImage cmykToRgb(Raster r, int adobeTransform) {
        int w = r.getWidth();
        int h = r.getHeight();
        byte[] out = new byte[w * h * 3];
        int[] row = new int[w * 4];
        boolean inverted = adobeTransform != JpegMarkers.NO_ADOBE;
        for (int y = 0; y < h; y++) {
            r.getPixels(r.getMinX(), r.getMinY() + y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int c = row[4 * x];
                int m = row[4 * x + 1];
                int ye = row[4 * x + 2];
                int k = row[4 * x + 3];
                if (adobeTransform == 2) {
                    double yy = c;
                    double cb = m - 128.0;
                    double cr = ye - 128.0;
                    c = clamp(yy + 1.402 * cr);
                    m = clamp(yy - 0.344136 * cb - 0.714136 * cr);
                    ye = clamp(yy + 1.772 * cb);
                }
                if (!inverted) {
                    c = 255 - c;
                    m = 255 - m;
                    ye = 255 - ye;
                    k = 255 - k;
                }
                // now c,m,ye,k hold (255 - ink): R = 255 (1-C)(1-K)
                int o = (y * w + x) * 3;
                out[o] = (byte) ((c * k + 127) / 255);
                out[o + 1] = (byte) ((m * k + 127) / 255);
                out[o + 2] = (byte) ((ye * k + 127) / 255);
            }
        }
        return new RgbImage(w, h, out);
    }

    private static int clamp(double v) {
        return v < 0 ? 0 : v > 255 ? 255 : (int) Math.round(v);
    }

    /** Finds a reader by content and checks the declared size before anything is decoded. */
    private Opened open(byte[] bytes) throws RejectedException {
        if (bytes == null || bytes.length == 0) {
            throw new RejectedException("read", "empty file (0 bytes)");
        }
        ImageInputStream in;
        try {
            in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new RejectedException("read", "cannot open: " + e, e);
        }
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            closeQuietly(in);
            throw new RejectedException("header", "not a recognised image format");
        }
        ImageReader reader = readers.next();
        Opened o = new Opened(reader, in);
        reader.setInput(in, true, true);
        reader.addIIOReadWarningListener((src, warning) -> o.warnings.add(warning));
        String format;
        int w;
        int h;
        try {
            format = reader.getFormatName().toLowerCase(java.util.Locale.ROOT);
            w = reader.getWidth(0);
            h = reader.getHeight(0);
        } catch (IOException | RuntimeException e) {
            o.close();
            throw new RejectedException("header", "unreadable image header: " + e, e);
        }
        if (w <= 0 || h <= 0) {
            o.close();
            throw new RejectedException("header", "header declares size " + w + "x" + h);
        }
        if (w > maxSide || h > maxSide || (long) w * h > maxPixels) {
            o.close();
            throw new RejectedException("header", "header declares " + w + "x" + h
                    + ", beyond the limit (" + maxPixels + " pixels, side " + maxSide + "); not decoded");
        }
        o.info = new ImageInfo("jpg".equals(format) ? "jpeg" : format, w, h);
        return o;
    }

    private static void closeQuietly(ImageInputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // in-memory stream: nothing to release
        }
    }

    /** A reader bound to its stream, disposed together. */
    private static final class Opened implements AutoCloseable {
        final ImageReader reader;
        final ImageInputStream in;
        final List<String> warnings = new ArrayList<>(1);
        ImageInfo info;

        Opened(ImageReader reader, ImageInputStream in) {
            this.reader = reader;
            this.in = in;
        }

        @Override
        public void close() {
            reader.dispose();
            closeQuietly(in);
        }
    }
}
