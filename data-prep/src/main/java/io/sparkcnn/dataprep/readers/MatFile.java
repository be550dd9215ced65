package io.sparkcnn.dataprep.readers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Minimal reader of MATLAB level-5 MAT files (what the ImageNet devkit's {@code meta.mat} is):
 * compressed and plain elements; struct, cell, char and numeric arrays. Enough to read
 * {@code synsets.ILSVRC2012_ID} and {@code synsets.WNID}; no sparse, object or complex arrays.
 */
public final class MatFile {
    static final int MI_INT8 = 1;
    static final int MI_UINT8 = 2;
    static final int MI_INT16 = 3;
    static final int MI_UINT16 = 4;
    static final int MI_INT32 = 5;
    static final int MI_UINT32 = 6;
    static final int MI_SINGLE = 7;
    static final int MI_DOUBLE = 9;
    static final int MI_INT64 = 12;
    static final int MI_UINT64 = 13;
    static final int MI_MATRIX = 14;
    static final int MI_COMPRESSED = 15;
    static final int MI_UTF8 = 16;
    static final int MX_CELL = 1;
    static final int MX_STRUCT = 2;
    static final int MX_CHAR = 4;

    /** A parsed array: dims, and one of struct fields (per element), cells, chars or numbers. */
    public record Array(String name, int[] dims, Map<String, List<Array>> fields, List<Array> cells, String text, double[] numbers) {
        public int size() {
            int n = 1;
            for (int d : dims) {
                n *= d;
            }
            return n;
        }
    }

    private MatFile() {
    }

    /** Top-level variables by name. */
    public static Map<String, Array> parse(byte[] file) throws IOException {
        if (file.length < 128) {
            throw new IOException("not a MAT file: " + file.length + " bytes");
        }
        String head = new String(file, 0, 116, StandardCharsets.US_ASCII);
        if (!head.startsWith("MATLAB 5.0 MAT-file")) {
            throw new IOException("not a MATLAB 5.0 MAT file");
        }
        ByteOrder order = file[126] == 'I' && file[127] == 'M' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        ByteBuffer b = ByteBuffer.wrap(file, 128, file.length - 128).order(order);
        Map<String, Array> vars = new LinkedHashMap<>();
        while (b.remaining() >= 8) {
            Array a = element(b, order);
            if (a != null) {
                vars.put(a.name(), a);
            }
        }
        return vars;
    }

    /** Reads one top-level element (matrix or compressed matrix). */
    private static Array element(ByteBuffer b, ByteOrder order) throws IOException {
        int type = b.getInt();
        int n = b.getInt();
        if (type == MI_COMPRESSED) {
            byte[] z = new byte[n];
            b.get(z);
            ByteBuffer inner = ByteBuffer.wrap(inflate(z)).order(order);
            return element(inner, order);
        }
        if (type != MI_MATRIX) {
            b.position(b.position() + pad8(n));
            return null;
        }
        ByteBuffer m = b.slice(b.position(), n).order(order);
        b.position(b.position() + pad8(n));
        return matrix(m, order);
    }

    private static Array matrix(ByteBuffer m, ByteOrder order) throws IOException {
        if (m.remaining() == 0) {
            return new Array("", new int[] {0, 0}, Map.of(), List.of(), "", new double[0]);
        }
        ByteBuffer flags = sub(m, order);
        int cls = flags.getInt() & 0xff;
        ByteBuffer dimsBuf = sub(m, order);
        int[] dims = new int[dimsBuf.remaining() / 4];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = dimsBuf.getInt();
        }
        ByteBuffer nameBuf = sub(m, order);
        String name = StandardCharsets.US_ASCII.decode(nameBuf).toString();
        int count = 1;
        for (int d : dims) {
            count *= d;
        }
        if (cls == MX_STRUCT) {
            int len = sub(m, order).getInt();
            ByteBuffer names = sub(m, order);
            int nf = len == 0 ? 0 : names.remaining() / len;
            List<String> fieldNames = new ArrayList<>();
            for (int i = 0; i < nf; i++) {
                byte[] raw = new byte[len];
                names.get(raw);
                int z = 0;
                while (z < len && raw[z] != 0) {
                    z++;
                }
                fieldNames.add(new String(raw, 0, z, StandardCharsets.US_ASCII));
            }
            Map<String, List<Array>> fields = new LinkedHashMap<>();
            fieldNames.forEach(f -> fields.put(f, new ArrayList<>()));
            for (int e = 0; e < count; e++) {
                for (String f : fieldNames) {
                    fields.get(f).add(subMatrix(m, order));
                }
            }
            return new Array(name, dims, fields, List.of(), null, null);
        }
        if (cls == MX_CELL) {
            List<Array> cells = new ArrayList<>();
            for (int e = 0; e < count; e++) {
                cells.add(subMatrix(m, order));
            }
            return new Array(name, dims, Map.of(), cells, null, null);
        }
        int[] dataType = new int[1];
        ByteBuffer data = sub(m, order, dataType);
        double[] nums = numbers(data, dataType[0]);
        if (cls == MX_CHAR) {
            // column-major chars; names in meta.mat are 1 x n rows
            StringBuilder sb = new StringBuilder();
            int rows = dims.length > 0 ? dims[0] : 1;
            int cols = count / Math.max(1, rows);
            if (dataType[0] == MI_UTF8 || dataType[0] == MI_UINT8 || dataType[0] == MI_INT8) {
                return new Array(name, dims, Map.of(), List.of(), new String(toBytes(nums), StandardCharsets.UTF_8), null);
            }
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    sb.append((char) nums[c * rows + r]);
                }
            }
            return new Array(name, dims, Map.of(), List.of(), sb.toString(), null);
        }
        return new Array(name, dims, Map.of(), List.of(), null, nums);
    }

    private static byte[] toBytes(double[] nums) {
        byte[] out = new byte[nums.length];
        for (int i = 0; i < nums.length; i++) {
            out[i] = (byte) nums[i];
        }
        return out;
    }

    private static Array subMatrix(ByteBuffer m, ByteOrder order) throws IOException {
        int type = m.getInt();
        int n = m.getInt();
        if (type != MI_MATRIX) {
            throw new IOException("expected a matrix element, found type " + type);
        }
        ByteBuffer s = m.slice(m.position(), n).order(order);
        m.position(m.position() + pad8(n));
        return matrix(s, order);
    }

    private static ByteBuffer sub(ByteBuffer m, ByteOrder order) {
        return sub(m, order, new int[1]);
    }

    /** A data sub-element (normal or small format); returns its bytes and reports its type. */
    private static ByteBuffer sub(ByteBuffer m, ByteOrder order, int[] typeOut) {
        int first = m.getInt();
        int type;
        int n;
        if ((first >>> 16) != 0) { // small data element: 4 bytes of data in the tag
            type = first & 0xffff;
            n = first >>> 16;
            ByteBuffer s = m.slice(m.position(), n).order(order);
            m.position(m.position() + 4);
            typeOut[0] = type;
            return s;
        }
        type = first;
        n = m.getInt();
        ByteBuffer s = m.slice(m.position(), n).order(order);
        m.position(m.position() + pad8(n));
        typeOut[0] = type;
        return s;
    }

    private static double[] numbers(ByteBuffer d, int type) throws IOException {
        int size = switch (type) {
            case MI_INT8, MI_UINT8, MI_UTF8 -> 1;
            case MI_INT16, MI_UINT16 -> 2;
            case MI_INT32, MI_UINT32, MI_SINGLE -> 4;
            case MI_DOUBLE, MI_INT64, MI_UINT64 -> 8;
            default -> throw new IOException("unsupported MAT data type " + type);
        };
        double[] out = new double[d.remaining() / size];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (type) {
                case MI_INT8 -> d.get();
                case MI_UINT8, MI_UTF8 -> d.get() & 0xff;
                case MI_INT16 -> d.getShort();
                case MI_UINT16 -> d.getShort() & 0xffff;
                case MI_INT32 -> d.getInt();
                case MI_UINT32 -> d.getInt() & 0xffffffffL;
                case MI_SINGLE -> d.getFloat();
                case MI_DOUBLE -> d.getDouble();
                default -> d.getLong();
            };
        }
        return out;
    }

    private static int pad8(int n) {
        return (n + 7) & ~7;
    }

    private static byte[] inflate(byte[] z) throws IOException {
        Inflater inf = new Inflater();
        inf.setInput(z);
        ByteArrayOutputStream out = new ByteArrayOutputStream(z.length * 4);
        byte[] buf = new byte[1 << 16];
        try {
            while (!inf.finished()) {
                int k = inf.inflate(buf);
                if (k == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    break;
                }
                out.write(buf, 0, k);
            }
        } catch (DataFormatException e) {
            throw new IOException("corrupt compressed MAT element", e);
        } finally {
            inf.end();
        }
        return out.toByteArray();
    }
}
