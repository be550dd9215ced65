package io.sparkcnn.model.backend.cpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Row-major SGEMM through netlib, every transpose combination, with offsets and padded row strides. */
class BlasTest {

    @ParameterizedTest(name = "transA {0} transB {1}")
    @CsvSource({"false, false", "true, false", "false, true", "true, true"})
    void rowMajorProductMatchesDefinition(boolean transA, boolean transB) {
        int m = 5, n = 7, k = 3, aOff = 2, bOff = 3, cOff = 4;
        int lda = (transA ? m : k) + 2, ldb = (transB ? k : n) + 1, ldc = n + 3;
        Random rnd = new Random(11);
        float[] a = random(rnd, aOff + lda * (transA ? k : m));
        float[] b = random(rnd, bOff + ldb * (transB ? n : k));
        float[] c = random(rnd, cOff + ldc * m);
        float[] c0 = c.clone();
        float alpha = 1.5f, beta = 0.5f;
        Blas.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += av * bv;
                }
                double expected = alpha * s + beta * c0[cOff + i * ldc + j];
                assertEquals(expected, c[cOff + i * ldc + j], 1e-5, "C[" + i + "," + j + "]");
            }
            // the padding between rows is not written
            for (int j = n; j < ldc && cOff + i * ldc + j < c.length; j++) assertEquals(c0[cOff + i * ldc + j], c[cOff + i * ldc + j]);
        }
    }

    @Test
    void describesTheImplementation() {
        String d = Blas.description();
        assertTrue(d.contains("BLAS"), d);
        assertTrue(d.contains("OPENBLAS_NUM_THREADS"), d);
        if (Blas.isFast()) assertTrue(Blas.isNative(), "a fast BLAS is a native one");
        if (!Blas.isNative()) assertFalse(Blas.isFast());
    }

    private static float[] random(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = rnd.nextFloat() * 2 - 1;
        return v;
    }
}
