package io.sparkcnn.model.checkpoint;

import io.sparkcnn.model.checkpoint.CheckpointFormat.Section;
import io.sparkcnn.model.config.NetworkConfig;
import io.sparkcnn.model.data.DataVersion;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Writes a {@link Checkpoint} in the format of {@link CheckpointFormat} to any stream (a local
 * file, a Hadoop FS stream). The stream is flushed, not closed: its owner closes it, and on
 * a file system renames the finished file into place.
 */
public final class CheckpointWriter {
    /** Floats are converted to bytes this many at a time. */
    private static final int CHUNK_FLOATS = 16384;

    private final OutputStream out;
    private final CRC32 crc = new CRC32();
    private final byte[] chunk = new byte[CHUNK_FLOATS * 4];

    private CheckpointWriter(OutputStream out) {
        this.out = out;
    }

    public static void write(Checkpoint c, OutputStream out) throws IOException {
        new CheckpointWriter(out).writeAll(c);
        out.flush();
    }

    /** Writes to a temporary file beside target and renames it, so a crash never leaves half a checkpoint. */
    public static void write(Checkpoint c, Path target) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (OutputStream o = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
            write(c, o);
        }
        Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private void writeAll(Checkpoint c) throws IOException {
        out.write(CheckpointFormat.MAGIC);
        writeInt(out, CheckpointFormat.VERSION);
        bytesSection(Section.META, meta(c));
        bytesSection(Section.SPEC, NetworkConfig.writeJson(c.network()).getBytes(StandardCharsets.UTF_8));
        bytesSection(Section.TRNR, c.trainerConfig().getBytes(StandardCharsets.UTF_8));
        bytesSection(Section.DATA, data(c.data()));
        floatSection(Section.PARM, new byte[0], c.params());
        floatSection(Section.BUFS, new byte[0], c.buffers());
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(head);
        writeString(h, c.optimizer());
        h.writeInt(c.optimizerSlots());
        floatSection(Section.OPTS, head.toByteArray(), c.optimizerState());
        bytesSection(Section.END_, new byte[0]);
    }

    /** META: code version, seed, then the counters as (name, value) pairs. */
    private static byte[] meta(Checkpoint c) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        writeString(d, c.codeVersion());
        d.writeLong(c.seed());
        d.writeInt(c.counters().size());
        for (Map.Entry<String, Long> e : c.counters().entrySet()) {
            writeString(d, e.getKey());
            d.writeLong(e.getValue());
        }
        return b.toByteArray();
    }

    /** DATA: empty when no data version is recorded. */
    private static byte[] data(DataVersion v) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        if (v == null) return b.toByteArray();
        DataOutputStream d = new DataOutputStream(b);
        d.writeLong(v.tableVersion());
        writeString(d, v.split());
        d.writeLong(v.rows());
        d.writeInt(v.shards());
        writeString(d, v.shardsDigest());
        writeString(d, v.checksumsDigest());
        return b.toByteArray();
    }

    private void bytesSection(Section s, byte[] payload) throws IOException {
        header(s, payload.length);
        put(payload, payload.length);
        trailer();
    }

    /** head bytes, then int32 count, then count floats. */
    private void floatSection(Section s, byte[] head, float[] values) throws IOException {
        header(s, head.length + 4L + 4L * values.length);
        put(head, head.length);
        byte[] count = new byte[4];
        ByteBuffer.wrap(count).putInt(values.length);
        put(count, 4);
        ByteBuffer bytes = ByteBuffer.wrap(chunk).order(ByteOrder.BIG_ENDIAN);
        for (int off = 0; off < values.length; off += CHUNK_FLOATS) {
            int n = Math.min(CHUNK_FLOATS, values.length - off);
            bytes.clear();
            bytes.asFloatBuffer().put(values, off, n);
            put(chunk, 4 * n);
        }
        trailer();
    }

    private void header(Section s, long length) throws IOException {
        crc.reset();
        byte[] h = new byte[12];
        ByteBuffer.wrap(h).put(s.tag).putLong(length);
        put(h, 12);
    }

    private void put(byte[] b, int n) throws IOException {
        crc.update(b, 0, n);
        out.write(b, 0, n);
    }

    private void trailer() throws IOException {
        writeInt(out, (int) crc.getValue());
    }

    private static void writeInt(OutputStream o, int v) throws IOException {
        o.write(new byte[]{(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    }

    /** int32 byte length, then UTF-8 bytes (not DataOutput's modified UTF-8, which stops at 64 KB). */
    private static void writeString(DataOutputStream d, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        d.writeInt(b.length);
        d.write(b);
    }
}
