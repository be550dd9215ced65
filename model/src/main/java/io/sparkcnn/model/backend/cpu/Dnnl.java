package io.sparkcnn.model.backend.cpu;

import org.bytedeco.dnnl.dnnl_version_t;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

import static org.bytedeco.dnnl.global.dnnl.dnnl_version;

/**
 * The process's oneDNN CPU engine, made once. Where the natives do not load (another OS or
 * architecture than the bundled linux-x86_64), {@link #available()} is false with the reason, and
 * the CPU backend keeps im2col + SGEMM. oneDNN's OpenMP team is sized by {@code OMP_NUM_THREADS}
 * at load: the launchers set it to the backend's threads, as they set OPENBLAS_NUM_THREADS, and
 * {@code GOMP_SPINCOUNT=3000}: its idle threads spin tens of microseconds, enough for a convolution's
 * parallel regions and barriers, not long enough to hold the cores the Java ops need next.
 */
final class Dnnl {
    private static final Logger LOG = LoggerFactory.getLogger(Dnnl.class);
    private static final engine ENGINE;
    private static final String VERSION;
    private static final String UNAVAILABLE;

    static {
        engine e = null;
        String version = null, why = null;
        try {
            e = new engine(engine.kind.cpu, 0);
            dnnl_version_t v = dnnl_version();
            version = v.major() + "." + v.minor() + "." + v.patch() + " (" + referenceKernel(e) + ")";
        } catch (Throwable t) { // UnsatisfiedLinkError, NoClassDefFoundError: no natives for this platform
            why = t.toString();
            LOG.warn("oneDNN is not usable here ({}); the CPU backend convolves with im2col + SGEMM", why);
        }
        ENGINE = e;
        VERSION = version;
        UNAVAILABLE = why;
    }

    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private Dnnl() {}

    /**
     * Once per JVM: a warning when oneDNN's OpenMP team (OMP_NUM_THREADS) is not the backend's thread
     * count. Too many threads oversubscribe the cores when several tasks share a JVM, and the team size
     * changes backward-weights' summation order, so a run differs in its low bits from the same run where
     * the two agree (Spark gives executors OMP_NUM_THREADS = spark.task.cpus; the launchers set it too).
     */
    static void warnIfTeamDiffers(int backendThreads) {
        if (ENGINE == null) return;
        String env = System.getenv("OMP_NUM_THREADS");
        if (String.valueOf(backendThreads).equals(env == null ? null : env.trim())) return;
        if (WARNED.compareAndSet(false, true)) {
            LOG.warn("oneDNN convolutions run with OMP_NUM_THREADS={} but the CPU backend has {} thread(s): set OMP_NUM_THREADS={}"
                    + " where the JVM starts (deploy/submit/*.sh do), or results differ in their low bits from runs where they agree",
                    env == null ? "unset (all cores)" : env, backendThreads, backendThreads);
        }
    }

    static boolean available() { return ENGINE != null; }

    /**
     * The kernel oneDNN dispatches a plain 3x3 convolution to on this CPU ("jit:avx512_core", "jit:avx2"):
     * kernels for another instruction set sum in another order, so a worker's device description names it,
     * and a resume on other machines says the arithmetic changed. (The library's "effective ISA" is the most
     * it may use, not what this CPU has.)
     */
    private static String referenceKernel(engine e) {
        try {
            return referenceKernelName(e);
        } catch (RuntimeException noKernel) {
            return "no reference kernel: " + noKernel.getMessage();
        }
    }

    private static String referenceKernelName(engine e) {
        memory.desc src = new memory.desc(new long[]{1, 16, 8, 8}, memory.data_type.f32, memory.format_tag.any);
        memory.desc weights = new memory.desc(new long[]{16, 16, 3, 3}, memory.data_type.f32, memory.format_tag.any);
        var pd = new convolution_forward.primitive_desc(e, dnnl.prop_kind.forward_training, dnnl.algorithm.convolution_direct,
                src, weights, src, new long[]{1, 1}, new long[]{0, 0}, new long[]{1, 1}, new long[]{1, 1});
        return pd.impl_info_str().getString();
    }

    static engine engine() {
        if (ENGINE == null) throw new IllegalStateException("oneDNN is not usable on this machine: " + UNAVAILABLE);
        return ENGINE;
    }

    /** "oneDNN 3.11.0 (jit:avx512_core), OMP_NUM_THREADS=2, GOMP_SPINCOUNT=3000", or why it is absent. */
    static String description() {
        if (ENGINE == null) return "oneDNN unavailable (" + UNAVAILABLE + ")";
        String threads = System.getenv("OMP_NUM_THREADS"), spin = System.getenv("GOMP_SPINCOUNT");
        String wait = System.getenv("OMP_WAIT_POLICY");
        return "oneDNN " + VERSION + ", OMP_NUM_THREADS=" + (threads == null ? "unset (all cores)" : threads)
                + ", GOMP_SPINCOUNT=" + (spin == null ? "unset (300000 spins)" : spin)
                + (wait == null ? "" : ", OMP_WAIT_POLICY=" + wait);
    }
}
