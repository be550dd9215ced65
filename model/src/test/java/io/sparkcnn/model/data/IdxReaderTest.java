package io.sparkcnn.model.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxReaderTest {
    @TempDir
    Path dir;

    private static byte[] images(int magic, int count, int rows, int cols, int pixelBytes) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(magic);
        d.writeInt(count);
        d.writeInt(rows);
        d.writeInt(cols);
        for (int i = 0; i < pixelBytes; i++) d.writeByte(i * 7);
        return b.toByteArray();
    }

    private static byte[] labels(int count, int labelBytes) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(0x00000801);
        d.writeInt(count);
        for (int i = 0; i < labelBytes; i++) d.writeByte(i % 10);
        return b.toByteArray();
    }

    private Path write(String name, byte[] bytes, boolean gzip) throws IOException {
        Path p = dir.resolve(gzip ? name + ".gz" : name);
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(p)) : Files.newOutputStream(p)) {
            out.write(bytes);
        }
        return p;
    }

    @Test
    void readsPlainAndGzippedSplits() throws IOException {
        write("train-images-idx3-ubyte", images(0x803, 3, 2, 4, 24), true);
        write("train-labels-idx1-ubyte", labels(3, 3), true);
        write("t10k-images-idx3-ubyte", images(0x803, 2, 2, 4, 16), false);
        write("t10k-labels-idx1-ubyte", labels(2, 2), false);
        IdxReader.Labeled train = IdxReader.readSplit(dir, "train");
        assertEquals(3, train.images().count());
        assertEquals(2, train.images().rows());
        assertEquals(4, train.images().cols());
        assertEquals((byte) (23 * 7), train.images().pixels()[23]);
        assertArrayEquals(new float[]{0, 1, 2}, train.labelFloats());
        float[] px = train.images().toFloats(0.5f, 0.25f);
        assertEquals(((23 * 7 & 0xff) / 255f - 0.5f) / 0.25f, px[23], 1e-6);
        assertEquals(2, IdxReader.readSplit(dir, "t10k").images().count());
    }

    @Test
    void aWrongMagicNumberNamesTheFile() throws IOException {
        Path p = write("x-images-idx3-ubyte", images(0x801, 1, 2, 2, 4), false);
        IOException e = assertThrows(IOException.class, () -> IdxReader.readImages(p));
        assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("0x00000801"), e.getMessage());
        Path l = write("x-labels-idx1-ubyte", images(0x803, 1, 2, 2, 4), false);
        e = assertThrows(IOException.class, () -> IdxReader.readLabels(l));
        assertTrue(e.getMessage().contains(l.toString()) && e.getMessage().contains("label"), e.getMessage());
    }

    @Test
    void truncatedOrOverlongDataIsRefused() throws IOException {
        Path shortFile = write("a-images-idx3-ubyte", images(0x803, 3, 2, 2, 11), true);
        IOException e = assertThrows(IOException.class, () -> IdxReader.readImages(shortFile));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("12") && e.getMessage().contains(shortFile.toString()),
                e.getMessage());
        Path longFile = write("b-labels-idx1-ubyte", labels(3, 4), false);
        e = assertThrows(IOException.class, () -> IdxReader.readLabels(longFile));
        assertTrue(e.getMessage().contains("after the 3"), e.getMessage());
        Path header = write("c-images-idx3-ubyte", new byte[]{0, 0, 8, 3, 0, 0}, false);
        e = assertThrows(IOException.class, () -> IdxReader.readImages(header));
        assertTrue(e.getMessage().contains("truncated idx header"), e.getMessage());
        Path negative = write("d-images-idx3-ubyte", images(0x803, 1, 0, 2, 0), false);
        e = assertThrows(IOException.class, () -> IdxReader.readImages(negative));
        assertTrue(e.getMessage().contains("impossible"), e.getMessage());
    }

    @Test
    void countsThatDisagreeOrMissingFilesAreReported() throws IOException {
        write("train-images-idx3-ubyte", images(0x803, 3, 1, 1, 3), false);
        write("train-labels-idx1-ubyte", labels(2, 2), false);
        IOException e = assertThrows(IOException.class, () -> IdxReader.readSplit(dir, "train"));
        assertTrue(e.getMessage().contains("3 images but") && e.getMessage().contains("2 labels"), e.getMessage());
        e = assertThrows(IOException.class, () -> IdxReader.readSplit(dir, "t10k"));
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte"), e.getMessage());
    }
}
