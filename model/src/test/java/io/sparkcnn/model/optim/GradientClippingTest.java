package io.sparkcnn.model.optim;

import io.sparkcnn.model.backend.Arenas;
import io.sparkcnn.model.backend.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GradientClippingTest {

    private static double norm(float[] g) {
        double s = 0;
        for (float v : g) s += (double) v * v;
        return Math.sqrt(s);
    }

    /** Random gradients of n parameters on a bound backend; ACTS[0] is the scratch float. */
    private static Arenas arenas(CpuBackend backend, int n, long seed) {
        Arenas a = new Arenas(n, 0, 2, 0);
        backend.bind(a);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) a.grads()[i] = (float) (r.nextDouble() * 2 - 1);
        return a;
    }

    @Test
    void aLargeGradientIsScaledToTheMaxNormKeepingItsDirection() {
        for (int n : new int[]{3, 1001, 200_003}) { // the last splits over threads
            try (CpuBackend backend = new CpuBackend(2)) {
                Arenas a = arenas(backend, n, n);
                float[] before = a.grads().clone();
                double normBefore = norm(before);
                float maxNorm = (float) (normBefore / 7);
                float returned = new GradientClipping(maxNorm).clip(backend, n, 0);
                assertEquals(normBefore, returned, 1e-5 * normBefore, "returns the norm before clipping");
                assertEquals(maxNorm, norm(a.grads()), 1e-5 * maxNorm, "norm after clipping, n=" + n);
                double coef = maxNorm / (normBefore + 1e-6);
                for (int i = 0; i < n; i += Math.max(1, n / 97)) {
                    assertEquals(before[i] * coef, a.grads()[i], 1e-5 * Math.abs(before[i]) + 1e-9);
                }
            }
        }
    }

    @Test
    void aGradientWithinTheNormIsLeftAlone() {
        try (CpuBackend backend = new CpuBackend(2)) {
            Arenas a = arenas(backend, 500, 3);
            float[] before = a.grads().clone();
            float n = new GradientClipping((float) (norm(before) * 1.01)).clip(backend, 500, 0);
            assertEquals(norm(before), n, 1e-4);
            assertArrayEquals(before, a.grads());
        }
    }

    @Test
    void exactNormIsComputed() {
        try (CpuBackend backend = new CpuBackend(1)) {
            Arenas a = new Arenas(3, 0, 1, 0);
            backend.bind(a);
            a.grads()[0] = 3;
            a.grads()[1] = 4;
            a.grads()[2] = 12;
            assertEquals(13f, new GradientClipping(5f).clip(backend, 3, 0));
            assertEquals(5.0, norm(a.grads()), 1e-5);
        }
    }

    @Test
    void aNonFiniteNormIsReportedAndTheGradientsUntouched() {
        try (CpuBackend backend = new CpuBackend(2)) {
            Arenas a = arenas(backend, 100, 5);
            a.grads()[17] = Float.NaN;
            float[] before = a.grads().clone();
            assertTrue(Float.isNaN(new GradientClipping(0.1f).clip(backend, 100, 0)));
            assertArrayEquals(before, a.grads());
        }
    }

    @Test
    void maxNormMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new GradientClipping(0f));
        assertThrows(IllegalArgumentException.class, () -> new GradientClipping(Float.NaN));
    }
}
