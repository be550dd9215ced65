package io.sparkcnn.model.backend.cpu;

import org.bytedeco.javacpp.BytePointer;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Off-heap working memory the oneDNN convolutions of one context share, as {@link CpuContext}'s
 * scratch array is shared on the heap: ops run one at a time, so one block sized for the largest
 * serves them all. Ops reserve while they are built; the block is made at the first use, and a
 * later, larger reservation makes a new one with a new {@link #generation()}, so ops know to
 * point their buffers again.
 */
final class NativeScratch implements AutoCloseable {
    /** Offsets handed out are multiples of this, and so is the block's start: AVX-512 loads are 64 bytes. */
    static final long ALIGN = 64;
    private long reservedBytes;
    private BytePointer block;
    private long start;
    private int generation;

    /** Rounds up to {@link #ALIGN}. */
    static long aligned(long bytes) { return (bytes + ALIGN - 1) / ALIGN * ALIGN; }

    void reserve(long bytes) { reservedBytes = Math.max(reservedBytes, aligned(bytes)); }

    /** Incremented each time the block is made anew. */
    int generation() {
        ensure();
        return generation;
    }

    /** The block's address plus offset, as a new pointer (ops call this only when the generation changed). */
    BytePointer at(long offset) {
        ensure();
        if (offset < 0 || offset > reservedBytes) throw new IllegalArgumentException("offset " + offset + " outside " + reservedBytes + " bytes");
        BytePointer p = new BytePointer(block);
        p.position(start + offset);
        return p;
    }

    /**
     * count floats from offset as a direct buffer, for copying arena floats in and out. Not a
     * JavaCPP array put/get: those pin or copy the whole Java array (an arena of many MB) per call.
     */
    FloatBuffer floatsAt(long offset, int count) {
        BytePointer bytes = at(offset);
        bytes.limit(bytes.position() + (long) count * Float.BYTES);
        return bytes.asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private void ensure() {
        if (block != null && block.capacity() >= start + reservedBytes) return;
        if (block != null) block.close();
        block = new BytePointer(reservedBytes + ALIGN);
        start = (ALIGN - block.address() % ALIGN) % ALIGN;
        generation++;
    }

    @Override
    public void close() {
        if (block != null) {
            block.close();
            block = null;
        }
    }
}
