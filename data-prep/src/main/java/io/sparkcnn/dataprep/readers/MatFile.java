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

    /** Deeper nesting than this is no meta.mat (synsets.children is 2 levels) and would only exhaust the stack. */
    static final int MAX_DEPTH = 32;
    /** A compressed element may inflate to at most this: a zip bomb is refused, not decompressed into the heap. */
    static final int MAX_INFLATED = 64 << 20;

    private final String source;

    private MatFile(String source) {
        this.source = source;
    }

    /** Top-level variables by name; anything malformed fails with a SourceFormatException naming {@code source}. */
    public static Map<String, Array> parse(byte[] file, String source) throws IOException {
        return new MatFile(source).variables(file);
    }

    private Map<String, Array> variables(byte[] file) throws IOException {
        if (file.length < 128) {
            throw fail("not a MAT file: " + file.length + " bytes");
        }
        String head = new String(file, 0, 116, StandardCharsets.US_ASCII);
        if (!head.startsWith("MATLAB 5.0 MAT-file")) {
            throw fail("not a MATLAB 5.0 MAT file");
        }
        ByteOrder order = file[126] == 'I' && file[127] == 'M' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        ByteBuffer b = ByteBuffer.wrap(file, 128, file.length - 128).slice().order(order);
        Map<String, Array> vars = new LinkedHashMap<>();
        while (b.remaining() >= 8) {
            Array a = element(b, order, 0);
            if (a != null) {
                vars.put(a.name(), a);
            }
        }
        return vars;
    }

    /** Reads one top-level element (matrix or compressed matrix). */
    private Array element(ByteBuffer b, ByteOrder order, int depth) throws IOException {
        int type = b.getInt();
        int n = b.getInt();
        need(b, n, "element of type " + type);
        if (type == MI_COMPRESSED) {
            byte[] z = new byte[n];
            b.get(z);
            ByteBuffer inner = ByteBuffer.wrap(inflate(z)).order(order);
            if (inner.remaining() < 8) {
                throw fail("compressed element holds " + inner.remaining() + " bytes, less than an element tag");
            }
            return element(inner, order, deeper(depth));
        }
        if (type != MI_MATRIX) {
            skip(b, n);
            return null;
        }
        ByteBuffer m = b.slice(b.position(), n).order(order);
        skip(b, n);
        return matrix(m, order, deeper(depth));
    }

    private Array matrix(ByteBuffer m, ByteOrder order, int depth) throws IOException {
        if (m.remaining() == 0) {
            return new Array("", new int[] {0, 0}, Map.of(), List.of(), "", new double[0]);
        }
        ByteBuffer flags = sub(m, order, new int[1], "array flags");
        need(flags, 4, "array flags");
        int cls = flags.getInt() & 0xff;
        ByteBuffer dimsBuf = sub(m, order, new int[1], "dimensions");
        int[] dims = new int[dimsBuf.remaining() / 4];
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            dims[i] = dimsBuf.getInt();
            if (dims[i] < 0) {
                throw fail("array with negative dimension " + dims[i]);
            }
            count = Math.min(count * dims[i], Integer.MAX_VALUE);
        }
        ByteBuffer nameBuf = sub(m, order, new int[1], "array name");
        String name = StandardCharsets.US_ASCII.decode(nameBuf).toString();
        if (cls == MX_STRUCT) {
            ByteBuffer lenBuf = sub(m, order, new int[1], "field name length of " + name);
            need(lenBuf, 4, "field name length of " + name);
            int len = lenBuf.getInt();
            ByteBuffer names = sub(m, order, new int[1], "field names of " + name);
            if (len < 0 || len > names.remaining() && names.remaining() > 0) {
                throw fail("struct " + name + " has field names of " + len + " bytes in " + names.remaining());
            }
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
            for (int e = 0; e < count && !fieldNames.isEmpty(); e++) {
                for (String f : fieldNames) {
                    fields.get(f).add(subMatrix(m, order, depth));
                }
            }
            return new Array(name, dims, fields, List.of(), null, null);
        }
        if (cls == MX_CELL) {
            List<Array> cells = new ArrayList<>();
            for (int e = 0; e < count; e++) {
                cells.add(subMatrix(m, order, depth));
            }
            return new Array(name, dims, Map.of(), cells, null, null);
        }
        int[] dataType = new int[1];
        ByteBuffer data = sub(m, order, dataType, "data of " + name);
        double[] nums = numbers(data, dataType[0]);
        if (cls == MX_CHAR) {
            if (dataType[0] == MI_UTF8 || dataType[0] == MI_UINT8 || dataType[0] == MI_INT8) {
                return new Array(name, dims, Map.of(), List.of(), new String(toBytes(nums), StandardCharsets.UTF_8), null);
            }
            // column-major chars; names in meta.mat are 1 x n rows
            int rows = dims.length > 0 ? dims[0] : 1;
            int cols = (int) (count / Math.max(1, rows));
            if ((long) rows * cols > nums.length) {
                throw fail("char array " + name + " declares " + rows + "x" + cols + " characters but holds " + nums.length);
            }
            StringBuilder sb = new StringBuilder();
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

    private Array subMatrix(ByteBuffer m, ByteOrder order, int depth) throws IOException {
        need(m, 8, "element tag");
        int type = m.getInt();
        int n = m.getInt();
        if (type != MI_MATRIX) {
            throw fail("expected a matrix element, found type " + type);
        }
        need(m, n, "matrix element");
        ByteBuffer s = m.slice(m.position(), n).order(order);
        skip(m, n);
        return matrix(s, order, deeper(depth));
    }

    /** A data sub-element (normal or small format); returns its bytes and reports its type. */
    private ByteBuffer sub(ByteBuffer m, ByteOrder order, int[] typeOut, String what) throws IOException {
        need(m, 4, what);
        int first = m.getInt();
        int type;
        int n;
        if ((first >>> 16) != 0) { // small data element: 4 bytes of data in the tag
            type = first & 0xffff;
            n = first >>> 16;
            if (n > 4) {
                throw fail(what + ": small data element of " + n + " bytes (at most 4)");
            }
            need(m, 4, what);
            ByteBuffer s = m.slice(m.position(), n).order(order);
            m.position(m.position() + 4);
            typeOut[0] = type;
            return s;
        }
        type = first;
        need(m, 4, what);
        n = m.getInt();
        need(m, n, what);
        ByteBuffer s = m.slice(m.position(), n).order(order);
        skip(m, n);
        typeOut[0] = type;
        return s;
    }

    private double[] numbers(ByteBuffer d, int type) throws IOException {
        int size = switch (type) {
            case MI_INT8, MI_UINT8, MI_UTF8 -> 1;
            case MI_INT16, MI_UINT16 -> 2;
            case MI_INT32, MI_UINT32, MI_SINGLE -> 4;
            case MI_DOUBLE, MI_INT64, MI_UINT64 -> 8;
            default -> throw fail("unsupported MAT data type " + type);
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

    /** Lengths come from the file: each is checked against the bytes that are really there. */
    private void need(ByteBuffer b, long n, String what) throws SourceFormatException {
        if (n < 0 || n > b.remaining()) {
            throw fail(what + " claims " + n + " bytes where " + b.remaining() + " remain: the file is truncated or corrupt");
        }
    }

    /** Skips n bytes and the padding to 8 (the last element of a file may lack its padding). */
    private static void skip(ByteBuffer b, int n) {
        b.position(b.position() + (int) Math.min(pad8(n), b.remaining()));
    }

    private int deeper(int depth) throws SourceFormatException {
        if (depth + 1 > MAX_DEPTH) {
            throw fail("arrays nested deeper than " + MAX_DEPTH + " levels");
        }
        return depth + 1;
    }

    private SourceFormatException fail(String reason) {
        return new SourceFormatException(source, reason);
    }

    private static int pad8(int n) {
        return (n + 7) & ~7;
    }

    private byte[] inflate(byte[] z) throws IOException {
        Inflater inf = new Inflater();
        inf.setInput(z);
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(z.length * 4, MAX_INFLATED));
        byte[] buf = new byte[1 << 16];
        try {
            while (!inf.finished()) {
                int k = inf.inflate(buf);
                if (k == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    break;
                }
                if (out.size() + k > MAX_INFLATED) {
                    throw fail("a compressed element inflates to more than " + MAX_INFLATED + " bytes");
                }
                out.write(buf, 0, k);
            }
        } catch (DataFormatException e) {
            throw new SourceFormatException(source, "corrupt compressed MAT element: " + e.getMessage(), e);
        } finally {
            inf.end();
        }
        return out.toByteArray();
    }
}
