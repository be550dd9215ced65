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
            throw new IOException(images + " holds " + im.count() + " images but " + labels + " holds " + lb.length + " labels");
        }
        return new Labeled(im, lb);
    }

    public static Images readImages(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != IMAGES_MAGIC) {
                throw new IOException(file + ": not an idx image file (magic " + hex(magic) + ", expected " + hex(IMAGES_MAGIC) + ")");
            }
            int count = in.readInt(), rows = in.readInt(), cols = in.readInt();
            if (count < 0 || rows <= 0 || cols <= 0 || (long) count * rows * cols > Integer.MAX_VALUE - 8) {
                throw new IOException(file + ": impossible idx header: " + count + " images of " + rows + "x" + cols);
            }
            byte[] pixels = readExactly(in, count * rows * cols, file, "pixel");
            return new Images(count, rows, cols, pixels);
        } catch (EOFException e) {
            throw new IOException(file + ": truncated idx header", e);
        }
    }

    public static byte[] readLabels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != LABELS_MAGIC) {
                throw new IOException(file + ": not an idx label file (magic " + hex(magic) + ", expected " + hex(LABELS_MAGIC) + ")");
            }
            int count = in.readInt();
            if (count < 0) throw new IOException(file + ": impossible idx header: " + count + " labels");
            return readExactly(in, count, file, "label");
        } catch (EOFException e) {
            throw new IOException(file + ": truncated idx header", e);
        }
    }

    /** The file "name" or "name.gz" in dir. */
    public static Path find(Path dir, String name) throws IOException {
        for (Path p : new Path[]{dir.resolve(name), dir.resolve(name + ".gz")}) {
            if (Files.isRegularFile(p)) return p;
        }
        throw new IOException("neither " + name + " nor " + name + ".gz is in " + dir);
    }

    private static byte[] readExactly(DataInputStream in, int n, Path file, String what) throws IOException {
        byte[] data = new byte[n];
        int read = in.readNBytes(data, 0, n);
        if (read < n) throw new IOException(file + ": truncated: the header declares " + n + " " + what + " bytes, the file holds " + read);
        if (in.read() >= 0) throw new IOException(file + ": has data after the " + n + " " + what + " bytes its header declares");
        return data;
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read(), b1 = raw.read();
        raw.reset();
        boolean gzip = b0 == 0x1f && b1 == 0x8b;
        return new DataInputStream(gzip ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw);
    }

    private static String hex(int v) { return String.format("0x%08x", v); }
}
