package io.sparkcnn.model.backend.cpu;

import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;

import java.nio.FloatBuffer;

/**
 * One tensor argument of a oneDNN primitive, living in the context's {@link NativeScratch}: a
 * plain buffer in the arenas' order (what arena floats are copied into and out of) and, when the
 * primitive chose a blocked layout, a second buffer in that layout with the reorders between them.
 */
final class DnnlOperand {
    private final memory.desc plainDesc, innerDesc;
    private final boolean sameLayout;
    private final int count;
    private final long plainBytes, innerBytes;
    private memory plain, inner;
    private FloatBuffer plainData;
    private reorder toInner, fromInner;

    DnnlOperand(memory.desc plainDesc, memory.desc innerDesc, int count) {
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
        plainData.put(0, src, off, count);
        if (toInner != null) toInner.execute(s, plain, inner);
    }

    /** The primitive's result -> the plain buffer (then {@link #copyTo}). */
    void unpack(stream s) {
        if (fromInner != null) fromInner.execute(s, inner, plain);
    }

    /** The plain buffer -> floats from off. */
    void copyTo(float[] dst, int off) { plainData.get(0, dst, off, count); }
}
