package io.sparkcnn.model.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Element loops over one arena at two or three offsets on the JDK's Vector API, where C2 leaves the
 * plain loops scalar (docs/benchmarks.md): ReLU both ways, and the adds of residual branches and of
 * gradients. Each works on [from, to) of its offsets, a slice of a parallel loop. Only loaded where
 * {@link VectorApi#available()}; the callers keep their scalar loops for JVMs without it.
 */
final class ElementwiseVectors {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();

    private ElementwiseVectors() {}

    /** y = max(x, 0) as Math.max: NaN stays NaN, -0.0 becomes 0.0. */
    static void relu(float[] a, int x, int y, int from, int to) {
        FloatVector zero = FloatVector.zero(S);
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += V) {
            FloatVector.fromArray(S, a, x + i).lanewise(VectorOperators.MAX, zero).intoArray(a, y + i);
        }
        for (; i < to; i++) a[y + i] = Math.max(a[x + i], 0f);
    }

    /**
     * dx += dy where x &gt; 0, with CpuActivationOp.positiveMask's rule (a NaN with a clear sign bit
     * counts as positive, -0.0 does not), in integer lanes: the mask is the sign of -bits &amp; ~bits.
     */
    static void reluBackward(float[] a, int x, int dy, int dx, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += V) {
            IntVector bits = FloatVector.fromArray(S, a, x + i).reinterpretAsInts();
            IntVector positive = bits.neg().and(bits.not()).lanewise(VectorOperators.ASHR, 31);
            FloatVector g = FloatVector.fromArray(S, a, dy + i).reinterpretAsInts().and(positive).reinterpretAsFloats();
            FloatVector.fromArray(S, a, dx + i).add(g).intoArray(a, dx + i);
        }
        for (; i < to; i++) a[dx + i] += CpuActivationOp.select(CpuActivationOp.positiveMask(a[x + i]), a[dy + i], 0f);
    }

    /** y = p + q. */
    static void add(float[] a, int p, int q, int y, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += V) {
            FloatVector.fromArray(S, a, p + i).add(FloatVector.fromArray(S, a, q + i)).intoArray(a, y + i);
        }
        for (; i < to; i++) a[y + i] = a[p + i] + a[q + i];
    }

    /** dst += src. */
    static void accumulate(float[] a, int src, int dst, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += V) {
            FloatVector.fromArray(S, a, dst + i).add(FloatVector.fromArray(S, a, src + i)).intoArray(a, dst + i);
        }
        for (; i < to; i++) a[dst + i] += a[src + i];
    }
}
