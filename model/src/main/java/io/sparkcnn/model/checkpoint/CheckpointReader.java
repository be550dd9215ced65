package io.sparkcnn.model.checkpoint;

import io.sparkcnn.model.checkpoint.CheckpointFormat.Section;
import io.sparkcnn.model.config.NetworkConfig;
import io.sparkcnn.model.data.DataVersion;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.graph.NetworkSummary;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Reads a checkpoint written by {@link CheckpointWriter} from any stream. Every length is
 * checked against what the spec implies before anything is allocated, every section's
 * CRC-32 is verified, and every failure names the source and the section: a truncated file,
 * bad magic or version, a CRC mismatch, or a spec whose parameter count disagrees with the
 * stored parameters. The stream is read to its end and not closed.
 */
public final class CheckpointReader {
    private static final int CHUNK_FLOATS = 16384;
    /** Float sections start at 16 MB and double up to their stated count. */
    private static final int GROW_FROM_FLOATS = 1 << 22;

    private final InputStream in;
    private final String source;
    private final CRC32 crc = new CRC32();
    private final byte[] chunk = new byte[CHUNK_FLOATS * 4];
    private long position;
    private Section section;
    private long sectionEnd;

    private CheckpointReader(InputStream in, String source) {
        this.in = in;
        this.source = source;
    }

    /** @param source how messages name the stream: its path or URI */
    public static Checkpoint read(InputStream in, String source) throws IOException {
        return new CheckpointReader(in, source).readAll();
    }

    public static Checkpoint read(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return read(in, file.toString());
        }
    }

    /** Reads a checkpoint and checks it was made for {@code expected}. */
    public static Checkpoint read(InputStream in, String source, NetworkSpec expected) throws IOException {
        Checkpoint c = read(in, source);
        c.requireSameNetwork(expected, source);
        return c;
    }

    private Checkpoint readAll() throws IOException {
        byte[] magic = new byte[CheckpointFormat.MAGIC.length];
        readHeaderBytes(magic, "the magic bytes");
        if (!Arrays.equals(magic, CheckpointFormat.MAGIC)) {
            throw fail("not a sparkcnn checkpoint: it starts with bytes " + HexFormat.ofDelimiter(" ").formatHex(magic)
                    + ", a checkpoint with " + HexFormat.ofDelimiter(" ").formatHex(CheckpointFormat.MAGIC));
        }
        byte[] v = new byte[4];
        readHeaderBytes(v, "the format version");
        int version = ByteBuffer.wrap(v).getInt();
        if (version < CheckpointFormat.OLDEST_READ || version > CheckpointFormat.VERSION) {
            throw fail("format version " + version + "; this build reads versions " + CheckpointFormat.OLDEST_READ
                    + " to " + CheckpointFormat.VERSION);
        }

        ByteBuffer meta = ByteBuffer.wrap(textSection(Section.META, 1 << 20));
        String codeVersion;
        long seed;
        Map<String, Long> counters = new LinkedHashMap<>();
        try {
            codeVersion = string(meta);
            seed = meta.getLong();
            int n = meta.getInt();
            if (n < 0) throw fail(Section.META.label() + " has a negative counter count " + n);
            for (int i = 0; i < n; i++) counters.put(string(meta), meta.getLong());
            if (meta.hasRemaining()) throw fail(Section.META.label() + " has " + meta.remaining() + " bytes after its counters");
        } catch (BufferUnderflowException e) {
            throw fail(Section.META.label() + " is malformed: its fields run past its length");
        } catch (IllegalArgumentException e) {
            throw fail(Section.META.label() + " is malformed: a string is " + e.getMessage());
        }

        String specText = utf8(textSection(Section.SPEC, CheckpointFormat.MAX_TEXT_BYTES), Section.SPEC);
        NetworkSpec spec;
        try {
            spec = NetworkConfig.read(specText, source + " " + Section.SPEC.label());
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("checkpoint " + source + ": " + Section.SPEC.label()
                    + " does not describe a network this build can build: " + e.getMessage(), e);
        }
        String trainer = utf8(textSection(Section.TRNR, CheckpointFormat.MAX_TEXT_BYTES), Section.TRNR);
        DataVersion data = version >= CheckpointFormat.DATA_SINCE ? data(textSection(Section.DATA, 1 << 20)) : null;

        long paramCount = spec.paramCount();
        long bufferCount = NetworkSummary.of(spec).totalBuffers();
        float[] params = floatSection(Section.PARM, 0, paramCount, "its network spec has " + paramCount + " parameters");
        float[] buffers = floatSection(Section.BUFS, 0, bufferCount, "its network spec has " + bufferCount + " buffer values");

        long optLength = open(Section.OPTS);
        byte[] nameLength = new byte[4];
        payload(nameLength, 4);
        int nameBytes = ByteBuffer.wrap(nameLength).getInt();
        if (nameBytes < 0 || nameBytes > 1024 || 12L + nameBytes > optLength) {
            throw fail(Section.OPTS.label() + " has an optimizer name of " + nameBytes + " bytes in a section of " + optLength);
        }
        byte[] name = new byte[nameBytes];
        payload(name, nameBytes);
        byte[] slotBytes = new byte[4];
        payload(slotBytes, 4);
        int slots = ByteBuffer.wrap(slotBytes).getInt();
        if (slots < 0 || slots > 16) throw fail(Section.OPTS.label() + " has " + slots + " optimizer slots; 0 to 16 are possible");
        long optCount = slots * paramCount;
        float[] opt = floats(Section.OPTS, 8L + nameBytes, optLength, optCount,
                "its optimizer has " + slots + " slots of " + paramCount + " parameters");
        close();

        long endLength = open(Section.END_);
        if (endLength != 0) throw fail(Section.END_.label() + " has length " + endLength + ", not 0");
        close();
        if (in.read() != -1) throw fail("unexpected bytes after the end marker at offset " + position);

        try {
            return new Checkpoint(spec, trainer, codeVersion, seed, counters, params, buffers,
                    utf8(name, Section.OPTS), slots, opt, data);
        } catch (IllegalArgumentException e) {
            throw fail("inconsistent sections: " + e.getMessage());
        }
    }

    /** DATA: empty, or table version, split, rows, shards and the two digests. */
    private DataVersion data(byte[] payload) throws CheckpointException {
        if (payload.length == 0) return null;
        ByteBuffer b = ByteBuffer.wrap(payload);
        try {
            long tableVersion = b.getLong();
            String split = string(b);
            long rows = b.getLong();
            int shards = b.getInt();
            String shardsDigest = string(b);
            String checksumsDigest = string(b);
            if (b.hasRemaining()) throw fail(Section.DATA.label() + " has " + b.remaining() + " bytes after its fields");
            return new DataVersion(tableVersion, split, rows, shards, shardsDigest, checksumsDigest);
        } catch (BufferUnderflowException e) {
            throw fail(Section.DATA.label() + " is malformed: its fields run past its length");
        } catch (IllegalArgumentException e) {
            throw fail(Section.DATA.label() + " is malformed: " + e.getMessage());
        }
    }

    /** A section read whole into memory, refused above max bytes. */
    private byte[] textSection(Section s, long max) throws IOException {
        long length = open(s);
        if (length > max) throw fail(s.label() + " claims " + length + " bytes, more than the " + max + " it may hold: the file is corrupt");
        byte[] b = grownPayload((int) length);
        close();
        return b;
    }

    /**
     * n payload bytes, in an array that grows with the bytes that actually arrive: a tiny file
     * whose header claims a 256 MB section must end as "truncated" without allocating 256 MB.
     */
    private byte[] grownPayload(int n) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(Math.min(n, chunk.length));
        for (int done = 0; done < n; ) {
            int k = Math.min(chunk.length, n - done);
            payload(chunk, k);
            out.write(chunk, 0, k);
            done += k;
        }
        return out.toByteArray();
    }

    private float[] floatSection(Section s, long headBytes, long expected, String why) throws IOException {
        long length = open(s);
        float[] r = floats(s, headBytes, length, expected, why);
        close();
        return r;
    }

    /** int32 count, then count floats; the count must be the expected one and fill the section. */
    private float[] floats(Section s, long headBytes, long length, long expected, String why) throws IOException {
        byte[] c = new byte[4];
        payload(c, 4);
        int count = ByteBuffer.wrap(c).getInt();
        if (count != expected) {
            throw fail(s.label() + " holds " + count + " floats but " + why + ": the checkpoint is corrupt or was made by other code");
        }
        if (length != headBytes + 4 + 4L * count) {
            throw fail(s.label() + " has length " + length + ", but " + count + " floats take " + (headBytes + 4 + 4L * count));
        }
        // the count comes from the file (through its spec): the array grows as floats arrive, doubling,
        // so a short file claiming billions of parameters fails as truncated, not with an OutOfMemoryError
        float[] r = new float[Math.min(count, GROW_FROM_FLOATS)];
        ByteBuffer bytes = ByteBuffer.wrap(chunk).order(ByteOrder.BIG_ENDIAN);
        for (int off = 0; off < count; off += CHUNK_FLOATS) {
            int n = Math.min(CHUNK_FLOATS, count - off);
            payload(chunk, 4 * n);
            if (off + n > r.length) r = Arrays.copyOf(r, (int) Math.min(count, Math.max(off + n, 2L * r.length)));
            bytes.clear();
            bytes.asFloatBuffer().get(r, off, n);
        }
        return r;
    }

    /** Reads a section header, which must be s; returns its payload length. */
    private long open(Section s) throws IOException {
        section = s;
        long start = position;
        byte[] h = new byte[12];
        readFully(h, 12, "the header of " + s.label());
        crc.reset();
        crc.update(h);
        byte[] tag = Arrays.copyOf(h, 4);
        if (!Arrays.equals(tag, s.tag)) {
            throw fail("expected " + s.label() + " at offset " + start + ", found tag " + printable(tag));
        }
        long length = ByteBuffer.wrap(h, 4, 8).getLong();
        if (length < 0) throw fail(s.label() + " has a negative length " + length);
        sectionEnd = length > Long.MAX_VALUE - position ? Long.MAX_VALUE : position + length; // a corrupt length must not wrap
        return length;
    }

    private void payload(byte[] b, int n) throws IOException {
        if (position + n > sectionEnd) throw fail(section.label() + " is malformed: its fields run past its length");
        readFully(b, n, section.label());
        crc.update(b, 0, n);
    }

    /** Checks the payload was consumed exactly and the stored CRC-32 matches. */
    private void close() throws IOException {
        if (position != sectionEnd) throw fail(section.label() + " has " + (sectionEnd - position) + " unread bytes");
        byte[] stored = new byte[4];
        readFully(stored, 4, "the CRC of " + section.label());
        long storedCrc = ByteBuffer.wrap(stored).getInt() & 0xFFFFFFFFL;
        if (storedCrc != crc.getValue()) {
            throw fail(section.label() + " fails its CRC-32 check (stored " + String.format("%08x", storedCrc)
                    + ", computed " + String.format("%08x", crc.getValue()) + "): the file is corrupt");
        }
    }

    private void readHeaderBytes(byte[] b, String what) throws IOException {
        readFully(b, b.length, what);
    }

    private void readFully(byte[] b, int n, String what) throws IOException {
        int done = 0;
        while (done < n) {
            int r;
            try {
                r = in.read(b, done, n - done);
            } catch (IOException e) {
                throw new CheckpointException("checkpoint " + source + ": reading " + what + " at offset " + (position + done)
                        + " failed: " + e.getMessage(), e);
            }
            if (r < 0) {
                throw fail("truncated: the file ends at offset " + (position + done) + " inside " + what
                        + (section != null && what.equals(section.label()) ? ", which should end at offset " + sectionEnd : ""));
            }
            done += r;
        }
        position += n;
    }

    private String string(ByteBuffer b) {
        int n = b.getInt();
        if (n < 0 || n > b.remaining()) throw new BufferUnderflowException();
        byte[] s = new byte[n];
        b.get(s);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(s)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not UTF-8", e);
        }
    }

    private String utf8(byte[] b, Section s) throws CheckpointException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw fail(s.label() + " is not valid UTF-8 text");
        }
    }

    private static String printable(byte[] tag) {
        StringBuilder b = new StringBuilder("'");
        for (byte x : tag) b.append(x >= 0x20 && x < 0x7f ? String.valueOf((char) x) : String.format("\\x%02x", x & 0xff));
        return b.append('\'').toString();
    }

    private CheckpointException fail(String message) {
        return new CheckpointException("checkpoint " + source + ": " + message);
    }
}
