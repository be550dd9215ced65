package io.sparkcnn.model.backend.cpu;

/**
 * Whether this JVM runs the JDK's Vector API (jdk.incubator.vector), which {@link SingleChannelConv}
 * is written in. The module is an incubator one: a JVM has it only when started with
 * {@code --add-modules=jdk.incubator.vector}, which the launchers, the single-process scripts, the
 * benchmarks and the test JVMs pass (deploy/thread-env.sh). Without it, classes that use the API do
 * not load, so this class itself names none of them and the backend takes SGEMM or oneDNN instead.
 */
final class VectorApi {
    /** Vectors narrower than this (a JVM on a CPU without AVX) are not worth the loops. */
    private static final int MIN_LANES = 8;
    private static final boolean AVAILABLE = probe();

    private VectorApi() {}

    static boolean available() { return AVAILABLE; }

    /** For the device description: the vector width, or why the API is not used. */
    static String description() {
        if (!ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) return "Vector API off (no --add-modules=jdk.incubator.vector)";
        return AVAILABLE ? "Vector API " + SingleChannelConv.lanes() * 32 + "-bit" : "Vector API off (vectors under " + MIN_LANES * 32 + " bits)";
    }

    private static boolean probe() {
        if (!ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) return false;
        try {
            return SingleChannelConv.lanes() >= MIN_LANES;
        } catch (LinkageError e) {
            return false;
        }
    }
}
