package io.sparkcnn.dataprep;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;

/**
 * Writes a MATLAB 5 MAT file holding {@code synsets}, a struct array shaped like the ImageNet devkit's
 * meta.mat (fields ILSVRC2012_ID, WNID, words, num_children), compressed like the real one.
 */
public final class MatWriter {
    private MatWriter() {
    }

    public record Synset(int id, String wnid, String words) {
    }

    public static byte[] meta(List<Synset> synsets) {
        String[] fields = {"ILSVRC2012_ID", "WNID", "words", "num_children"};
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(sub(6, le(8).putInt(2).putInt(0).array())); // flags: mxSTRUCT_CLASS
        body.writeBytes(sub(5, le(8).putInt(synsets.size()).putInt(1).array()));
        body.writeBytes(sub(1, "synsets".getBytes(StandardCharsets.US_ASCII)));
        body.writeBytes(small(5, le(4).putInt(32).array()));
        byte[] names = new byte[32 * fields.length];
        for (int i = 0; i < fields.length; i++) {
            byte[] f = fields[i].getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(f, 0, names, 32 * i, f.length);
        }
        body.writeBytes(sub(1, names));
        for (Synset s : synsets) {
            body.writeBytes(doubleMatrix(s.id()));
            body.writeBytes(charMatrix(s.wnid()));
            body.writeBytes(charMatrix(s.words()));
            body.writeBytes(doubleMatrix(0));
        }
        byte[] matrix = element(14, body.toByteArray());
        Deflater d = new Deflater();
        d.setInput(matrix);
        d.finish();
        byte[] buf = new byte[matrix.length + 1024];
        int n = d.deflate(buf);
        d.end();
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        byte[] header = new byte[128];
        Arrays.fill(header, (byte) ' ');
        byte[] text = "MATLAB 5.0 MAT-file, written by sparkcnn tests".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, header, 0, text.length);
        header[124] = 0;
        header[125] = 1;
        header[126] = 'I';
        header[127] = 'M';
        file.writeBytes(header);
        file.writeBytes(le(8).putInt(15).putInt(n).array()); // miCOMPRESSED
        file.write(buf, 0, n);
        return file.toByteArray();
    }

    private static byte[] doubleMatrix(double v) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(sub(6, le(8).putInt(6).putInt(0).array()));
        b.writeBytes(sub(5, le(8).putInt(1).putInt(1).array()));
        b.writeBytes(sub(1, new byte[0]));
        b.writeBytes(sub(9, le(8).putDouble(v).array()));
        return element(14, b.toByteArray());
    }

    private static byte[] charMatrix(String s) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(sub(6, le(8).putInt(4).putInt(0).array()));
        b.writeBytes(sub(5, le(8).putInt(1).putInt(s.length()).array()));
        b.writeBytes(sub(1, new byte[0]));
        ByteBuffer chars = le(2 * s.length());
        for (char c : s.toCharArray()) {
            chars.putShort((short) c);
        }
        b.writeBytes(sub(4, chars.array()));
        return element(14, b.toByteArray());
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] sub(int type, byte[] data) {
        return element(type, data);
    }

    private static byte[] small(int type, byte[] data4) {
        ByteBuffer b = le(8).putInt((data4.length << 16) | type);
        b.put(data4);
        return b.array();
    }

    private static byte[] element(int type, byte[] data) {
        int padded = (data.length + 7) & ~7;
        ByteBuffer b = le(8 + padded).putInt(type).putInt(data.length);
        b.put(data);
        return b.array();
    }
}
