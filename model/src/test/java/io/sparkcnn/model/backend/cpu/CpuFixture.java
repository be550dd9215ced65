package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.Arenas;

import java.util.SplittableRandom;

/**
 * A CPU backend over small arenas for op tests: regions are handed out bottom-up per arena,
 * filled from double arrays (rounded to float) and read back as double. Regions start at
 * odd offsets so no op can get away with assuming offset 0.
 */
final class CpuFixture implements AutoCloseable {
    final CpuBackend backend;
    final Arenas arenas;
    private final int[] top = new int[Arena.values().length];

    CpuFixture(int threads, int size) {
        backend = new CpuBackend(threads);
        arenas = new Arenas(size, size, size, size);
        backend.bind(arenas);
        java.util.Arrays.fill(top, 3);
    }

    /** A zeroed region of n floats in arena a. */
    int alloc(Arena a, int n) {
        int off = top[a.ordinal()];
        top[a.ordinal()] += n + 5;
        if (top[a.ordinal()] > arenas.size(a)) throw new IllegalStateException("fixture arena " + a + " too small");
        return off;
    }

    /** A region holding v (as float); GRADS shares PARAMS' offsets, so allocate there through PARAMS. */
    int put(Arena a, double[] v) {
        int off = alloc(a, v.length);
        set(a, off, v);
        return off;
    }

    void set(Arena a, int off, double[] v) {
        float[] arr = arenas.get(a);
        for (int i = 0; i < v.length; i++) arr[off + i] = (float) v[i];
    }

    double[] get(Arena a, int off, int n) {
        float[] arr = arenas.get(a);
        double[] r = new double[n];
        for (int i = 0; i < n; i++) r[i] = arr[off + i];
        return r;
    }

    /** The float rounding the op sees, so references start from the same values. */
    static double[] rounded(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) r[i] = (float) v[i];
        return r;
    }

    static double[] random(SplittableRandom rng, int n, double lo, double hi) {
        double[] r = new double[n];
        for (int i = 0; i < n; i++) r[i] = (float) (lo + (hi - lo) * rng.nextDouble());
        return r;
    }

    @Override
    public void close() { backend.close(); }
}
