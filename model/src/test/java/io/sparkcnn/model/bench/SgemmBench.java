package io.sparkcnn.model.bench;

import io.sparkcnn.model.backend.cpu.Blas;

import java.util.Random;

/** The machine's SGEMM ceiling: square row-major products through the same {@link Blas} the CPU convolutions use. */
final class SgemmBench {
    private SgemmBench() {}

    /** Seconds of each timed C (n,n) = A (n,n) B (n,n). */
    static double[] seconds(int n, Warmup warmup, int reps) {
        Random rnd = new Random(n);
        float[] a = new float[n * n], b = new float[n * n], c = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextFloat() - 0.5f;
            b[i] = rnd.nextFloat() - 0.5f;
        }
        return Timer.seconds(warmup, reps, () -> Blas.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n));
    }
}
