package io.sparkcnn.model.backend.cpu;

import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;

import java.nio.FloatBuffer;

/**
 * One tensor argument of a oneDNN primitive, living in the context's {@link NativeScratch}: a
 * plain buffer in the arenas' order (what arena floats are copied into and out of) and, when the
 * primitive chose a blocked layout, a second buffer in that layout with the reorders between them.
 * The copies between the heap and the plain buffer run on the context's thread team, and an added
 * result goes through the heap scratch a cache-sized block at a time instead of whole: with the
 * reorders they were about half of a large 1x1 pass; over 2 cores sharing one memory bus the team
 * measured within the noise of one thread (docs/benchmarks.md), more cores have more bandwidth.
 */
final class DnnlOperand {
    /** Floats per thread below which a hand-off costs more than the copy. */
    private static final int PARALLEL_GRAIN = 1 << 15;
    /** Floats an add copies to the heap scratch at a time: still in the core's cache when they are added. */
    private static final int ADD_BLOCK = 4096;

    private final CpuContext ctx;
    private final memory.desc plainDesc, innerDesc;
    private final boolean sameLayout;
    private final int count;
    private final long plainBytes, innerBytes;
    private memory plain, inner;
    private FloatBuffer plainData;
    private reorder toInner, fromInner;

    // the heap side of the copy in progress, so the team's tasks allocate nothing
    private float[] heap;
    private int heapOff;
    private final RangeTask loadTask = this::loadRange, copyTask = this::copyRange, addTask = this::addRange;

    /** The heap scratch of ctx must hold count floats when {@link #addTo} is called. */
    DnnlOperand(CpuContext ctx, memory.desc plainDesc, memory.desc innerDesc, int count) {
        this.ctx = ctx;
        this.plainDesc = plainDesc;
        this.innerDesc = innerDesc;
        this.sameLayout = innerDesc.equals(plainDesc);
        this.count = count;
        this.plainBytes = NativeScratch.aligned(plainDesc.get_size());
        this.innerBytes = sameLayout ? 0 : NativeScratch.aligned(innerDesc.get_size());
    }

    /** Scratch bytes this operand takes. */
    long bytes() { return plainBytes + innerBytes; }

    /** Points the buffers at the scratch from offset on (first call, or after the scratch was made anew). */
    void bind(NativeScratch scratch, long offset) {
        var plainHandle = scratch.at(offset);
        plainData = scratch.floatsAt(offset, count);
        if (plain == null) {
            plain = new memory(plainDesc, Dnnl.engine(), plainHandle);
            inner = sameLayout ? plain : new memory(innerDesc, Dnnl.engine(), scratch.at(offset + plainBytes));
            if (!sameLayout) {
                toInner = new reorder(plain, inner);
                fromInner = new reorder(inner, plain);
            }
        } else {
            plain.set_data_handle(plainHandle);
            if (!sameLayout) inner.set_data_handle(scratch.at(offset + plainBytes));
        }
    }

    /** The memory the primitive reads or writes. */
    memory inner() { return inner; }

    /** Arena floats from off -> the primitive's layout. */
    void load(stream s, float[] src, int off) {
        onTeam(loadTask, src, off);
        if (toInner != null) toInner.execute(s, plain, inner);
    }

    /** The primitive's result -> the plain buffer (then {@link #copyTo}). */
    void unpack(stream s) {
        if (fromInner != null) fromInner.execute(s, inner, plain);
    }

    /** The plain buffer -> floats from off. */
    void copyTo(float[] dst, int off) { onTeam(copyTask, dst, off); }

    /** Floats from off += the plain buffer, through the context's heap scratch a block at a time. */
    void addTo(float[] dst, int off) { onTeam(addTask, dst, off); }

    private void onTeam(RangeTask task, float[] array, int off) {
        heap = array;
        heapOff = off;
        try {
            ctx.parallelFor(count, PARALLEL_GRAIN, task);
        } finally {
            heap = null;
        }
    }

    // absolute bulk gets and puts leave the buffer's position alone, so threads can share it
    private void loadRange(int from, int to) { plainData.put(from, heap, heapOff + from, to - from); }

    private void copyRange(int from, int to) { plainData.get(from, heap, heapOff + from, to - from); }

    private void addRange(int from, int to) {
        float[] s = ctx.scratch(), d = heap;
        int o = heapOff;
        for (int b = from; b < to; b += ADD_BLOCK) {
            int e = Math.min(to, b + ADD_BLOCK);
            plainData.get(b, s, b, e - b);
            for (int i = b; i < e; i++) d[o + i] += s[i];
        }
    }
}
