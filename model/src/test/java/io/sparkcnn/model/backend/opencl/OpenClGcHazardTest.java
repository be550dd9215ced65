package io.sparkcnn.model.backend.opencl;

import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.optim.Optimizer;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The known Aparapi hazard: with explicit buffers, a GC that moves a Java array between runs
 * makes the native side rebuild that buffer from the (stale) host copy. This trains a small
 * network for 1,000 steps in a child JVM with a 256 MiB heap, forcing a full GC (which
 * compacts the heap) and churning garbage between steps, on OpenCL and on the CPU backend
 * side by side, and compares the parameters and batch-norm statistics at the end. A rebuilt
 * buffer would put the device back to an old state and the two would part by far more than
 * float rounding.
 */
class OpenClGcHazardTest {
    static final int STEPS = 1000;

    @Test
    void thousandStepsWithForcedGcsMatchTheCpuBackend() throws Exception {
        DeviceFixture.firstDevice();
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseG1GC", "-cp", System.getProperty("java.class.path"),
                GcHazardMain.class.getName(), String.valueOf(STEPS));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "child JVM finished");
        System.out.println(out);
        assertEquals(0, p.exitValue(), "child JVM failed:\n" + out);
        assertTrue(out.contains("GC-HAZARD OK"), out);
    }

    /** The child JVM: trains on both backends with a full GC between steps and prints the comparison. */
    public static final class GcHazardMain {
        public static void main(String[] args) {
            int steps = Integer.parseInt(args[0]);
            float[][] data = TestNets.bands(512, 9);
            Optimizer opt = TestNets.sgd();
            long gcsBefore = gcCount();
            try (OpenClBackend device = new OpenClBackend(OpenClDevices.all().get(0), true, 1);
                 Network onDevice = TestNets.build(TestNets.smallCnn(), 16, device, opt, 3);
                 Network onCpu = TestNets.build(TestNets.smallCnn(), 16, new CpuBackend(1), opt, 3)) {
                List<byte[]> churn = new java.util.ArrayList<>();
                for (int s = 0; s < steps; s++) {
                    TestNets.step(onDevice, opt, data, s, 0.02f);
                    TestNets.step(onCpu, opt, data, s, 0.02f);
                    churn.add(new byte[1 << 16]); // garbage that survives a little, so compaction has work to do
                    if (churn.size() > 64) churn.clear();
                    System.gc();
                }
                double params = TestNets.relativeError(onDevice.params(), onCpu.params());
                double buffers = TestNets.relativeError(onDevice.buffers(), onCpu.buffers());
                long gcs = gcCount() - gcsBefore;
                System.out.printf("%d steps, %d GCs: parameters differ by %.3g, batch-norm statistics by %.3g (relative)%n",
                        steps, gcs, params, buffers);
                if (gcs < steps) throw new AssertionError("expected a GC per step, saw " + gcs);
                if (!(params < 1e-3) || !(buffers < 1e-3)) throw new AssertionError("device state diverged from the CPU backend");
                System.out.println("GC-HAZARD OK");
            }
        }

        private static long gcCount() {
            long n = 0;
            for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) n += Math.max(0, gc.getCollectionCount());
            return n;
        }
    }
}
