package io.sparkcnn.model.backend.cpu;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Row-major SGEMM over flat arrays with offsets, through dev.ludovic.netlib (the BLAS Spark
 * MLlib ships). netlib picks JNI to the system BLAS ({@code libblas.so.3}, or the library named
 * by {@code -Ddev.ludovic.netlib.blas.nativeLib}) when it loads, else a pure-Java BLAS that is
 * 10-80x slower for SGEMM (see docs/benchmarks.md); this class says so loudly, once.
 * OpenBLAS sizes its own thread team from {@code OPENBLAS_NUM_THREADS} at load time: set it
 * to the backend's thread count so BLAS and the Java loops do not oversubscribe the cores.
 */
public final class Blas {
    private static final Logger LOG = LoggerFactory.getLogger(Blas.class);
    private static final BLAS BLAS_INSTANCE = BLAS.getInstance();
    private static final boolean NATIVE = BLAS_INSTANCE instanceof NativeBLAS;
    private static final String LIBRARY = NATIVE ? loadedBlasLibrary() : "none";
    private static final boolean FAST = NATIVE && isOptimisedLibrary(LIBRARY);

    static {
        if (!FAST) {
            LOG.warn("""

                    ************************************************************************
                    * SLOW BLAS: sparkcnn's CPU backend runs SGEMM through {} (library: {}).
                    * Convolutions will be 10-80x slower than with native OpenBLAS.
                    * Install it on every machine (Debian/Ubuntu: apt-get install libopenblas0-pthread)
                    * and keep net.sourceforge.f2j:arpack_combined_all on the class path (netlib's JNI
                    * glue needs it). Figures: docs/benchmarks.md.
                    ************************************************************************""",
                    BLAS_INSTANCE.getClass().getSimpleName(), LIBRARY);
        }
    }

    private Blas() {}

    /** The implementation, the native library behind it, and OpenBLAS's thread setting. */
    public static String description() {
        String threads = System.getenv("OPENBLAS_NUM_THREADS");
        return BLAS_INSTANCE.getClass().getSimpleName() + (NATIVE ? " (native " + LIBRARY + ")" : " (pure Java, slow)")
                + ", OPENBLAS_NUM_THREADS=" + (threads == null ? "unset (all cores)" : threads);
    }

    /** True when SGEMM runs in native code. */
    public static boolean isNative() { return NATIVE; }

    /** True when SGEMM runs in an optimised native library (OpenBLAS, MKL, BLIS). */
    public static boolean isFast() { return FAST; }

    /** The native BLAS library file mapped into this process, or "none". */
    public static String library() { return LIBRARY; }

    /**
     * Row-major C (m,n) = alpha op(A) op(B) + beta C, where op(A) is (m,k) and op(B) is (k,n).
     * A is stored (m,k) with row stride lda, or (k,m) when transA; likewise B.
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) return;
        // A row-major matrix is its transpose in column-major order: C^T = op(B)^T op(A)^T.
        BLAS_INSTANCE.sgemm(transB ? "T" : "N", transA ? "T" : "N", n, m, k, alpha,
                b, bOff, ldb, a, aOff, lda, beta, c, cOff, ldc);
    }

    /** The BLAS shared object this process mapped (Linux /proc/self/maps); "unknown" elsewhere. */
    private static String loadedBlasLibrary() {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) return "unknown";
        try {
            List<String> lines = Files.readAllLines(maps);
            for (String line : lines) {
                int slash = line.indexOf('/');
                if (slash < 0) continue;
                String path = line.substring(slash);
                String file = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
                if ((file.contains("blas") || file.contains("mkl")) && !file.contains("netlibblasjni")) return path;
            }
            return "unknown";
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static boolean isOptimisedLibrary(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        return p.contains("openblas") || p.contains("mkl") || p.contains("blis");
    }
}
