package io.sparkcnn.model.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads (Fashion-)MNIST idx files, plain or gzipped, without Spark: images
 * (magic 0x00000803: count, rows, cols, then count*rows*cols unsigned bytes) and labels
 * (magic 0x00000801: count, then count unsigned bytes). The header, the exact data length
 * and a matching labels file are checked; every error names the file.
 */
public final class IdxReader {
    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {}

    /** count images of rows x cols unsigned bytes, row-major, one after another. */
    public record Images(int count, int rows, int cols, byte[] pixels) {
        /** Pixels as floats (count, 1, rows, cols): (p / 255 - mean) / std. */
        public float[] toFloats(float mean, float std) {
            float[] out = new float[pixels.length];
            for (int i = 0; i < out.length; i++) out[i] = ((pixels[i] & 0xff) / 255f - mean) / std;
            return out;
        }
    }

    /** An image set with its labels (class indices 0..255). */
    public record Labeled(Images images, byte[] labels) {
        /** Labels as float class indices, the form the losses read. */
        public float[] labelFloats() {
            float[] out = new float[labels.length];
            for (int i = 0; i < out.length; i++) out[i] = labels[i] & 0xff;
            return out;
        }
    }

    /**
     * Reads "{prefix}-images-idx3-ubyte" and "{prefix}-labels-idx1-ubyte" (each with or
     * without ".gz") from dir, e.g. prefix "train" or "t10k", and checks that the counts agree.
     */
    public static Labeled readSplit(Path dir, String prefix) throws IOException {
        Path images = find(dir, prefix + "-images-idx3-ubyte");
        Path labels = find(dir, prefix + "-labels-idx1-ubyte");
        Images im = readImages(images);
        byte[] lb = readLabels(labels);
        if (lb.length != im.count()) {
            throw new IdxFormatException(images.toString(), "holds " + im.count() + " images but " + labels + " holds " + lb.length + " labels");
        }
        return new Labeled(im, lb);
    }

    public static Images readImages(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return readImages(in, file.toString());
        }
    }

    /** An image file from a stream (plain or gzipped), read to its end; messages name it {@code source}. */
    public static Images readImages(InputStream stream, String source) throws IOException {
        try (DataInputStream in = open(stream, source)) {
            int magic = in.readInt();
            if (magic != IMAGES_MAGIC) {
                throw new IdxFormatException(source, "not an idx image file (magic " + hex(magic) + ", expected " + hex(IMAGES_MAGIC) + ")");
            }
            int count = in.readInt(), rows = in.readInt(), cols = in.readInt();
            // rows * cols fits a long; the count is checked by division so the product cannot wrap (fuzzing found it did)
            long perImage = (long) rows * cols;
            if (count < 0 || rows <= 0 || cols <= 0 || perImage > Integer.MAX_VALUE - 8
                    || count > 0 && perImage > (Integer.MAX_VALUE - 8) / count) {
                throw new IdxFormatException(source, "impossible idx header: " + count + " images of " + rows + "x" + cols);
            }
            byte[] pixels = readExactly(in, count * rows * cols, source, "pixel");
            return new Images(count, rows, cols, pixels);
        } catch (EOFException e) {
            throw new IdxFormatException(source, "truncated idx header", e);
        } catch (java.util.zip.ZipException e) {
            throw new IdxFormatException(source, "corrupt gzip data: " + e.getMessage(), e);
        }
    }

    public static byte[] readLabels(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return readLabels(in, file.toString());
        }
    }

    /** A label file from a stream (plain or gzipped), read to its end; messages name it {@code source}. */
    public static byte[] readLabels(InputStream stream, String source) throws IOException {
        try (DataInputStream in = open(stream, source)) {
            int magic = in.readInt();
            if (magic != LABELS_MAGIC) {
                throw new IdxFormatException(source, "not an idx label file (magic " + hex(magic) + ", expected " + hex(LABELS_MAGIC) + ")");
            }
            int count = in.readInt();
            if (count < 0) throw new IdxFormatException(source, "impossible idx header: " + count + " labels");
            return readExactly(in, count, source, "label");
        } catch (EOFException e) {
            throw new IdxFormatException(source, "truncated idx header", e);
        } catch (java.util.zip.ZipException e) {
            throw new IdxFormatException(source, "corrupt gzip data: " + e.getMessage(), e);
        }
    }

    /** The file "name" or "name.gz" in dir. */
    public static Path find(Path dir, String name) throws IOException {
        for (Path p : new Path[]{dir.resolve(name), dir.resolve(name + ".gz")}) {
            if (Files.isRegularFile(p)) return p;
        }
        throw new IOException("neither " + name + " nor " + name + ".gz is in " + dir);
    }

    /**
     * Reads n bytes and checks nothing follows. The array grows with the bytes that actually
     * arrive (readNBytes), so a 16-byte file whose header declares 2 GB allocates nothing large.
     * A corrupt gzip stream is reported as this file's error, not as a bare ZipException.
     */
    private static byte[] readExactly(DataInputStream in, int n, String source, String what) throws IOException {
        try {
            byte[] data = in.readNBytes(n);
            if (data.length < n) {
                throw new IdxFormatException(source, "truncated: the header declares " + n + " " + what + " bytes, the file holds " + data.length);
            }
            if (in.read() >= 0) throw new IdxFormatException(source, "has data after the " + n + " " + what + " bytes its header declares");
            return data;
        } catch (java.util.zip.ZipException | EOFException e) {
            throw new IdxFormatException(source, "corrupt or truncated gzip data: " + e.getMessage(), e);
        }
    }

    private static DataInputStream open(InputStream stream, String source) throws IOException {
        InputStream raw = new BufferedInputStream(stream, 1 << 16);
        raw.mark(2);
        int b0 = raw.read(), b1 = raw.read();
        raw.reset();
        boolean gzip = b0 == 0x1f && b1 == 0x8b;
        if (!gzip) return new DataInputStream(raw);
        try {
            return new DataInputStream(new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16));
        } catch (java.util.zip.ZipException | EOFException e) {
            throw new IdxFormatException(source, "corrupt gzip header: " + e.getMessage(), e);
        }
    }

    private static String hex(int v) { return String.format("0x%08x", v); }
}
