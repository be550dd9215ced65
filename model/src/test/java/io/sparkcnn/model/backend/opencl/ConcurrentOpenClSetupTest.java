package io.sparkcnn.model.backend.opencl;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many task slots building their backends at once must not crash the JVM. Before OpenClDevices
 * enumerated once under a lock, 8 threads making backend=auto backends together crashed 4 of
 * 6 JVMs with SIGSEGV in Aparapi's OpenCLJNI.getPlatforms. It runs in a child JVM
 * ({@link ConcurrentOpenClSetup}), so a native crash fails this test instead of killing surefire.
 * Without an OpenCL platform the child still runs the auto path (and finds no device).
 */
class ConcurrentOpenClSetupTest {
    @Test
    void eightThreadsBuildAutoBackendsAtOnceTenTimes() throws Exception {
        Path dir = Files.createTempDirectory("concurrent-opencl");
        Path log = dir.resolve("child.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Xmx512m", "-XX:ErrorFile=" + dir.resolve("hs_err_pid%p.log"),
                "-cp", System.getProperty("java.class.path"), ConcurrentOpenClSetup.class.getName(), "auto", "8", "10"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "the child JVM did not finish in 10 minutes; its output: " + log);
        File[] crashes = dir.toFile().listFiles((d, name) -> name.startsWith("hs_err"));
        assertEquals(0, p.exitValue(), "the child JVM failed (134/139: a native crash"
                + (crashes != null && crashes.length > 0 ? ", see " + crashes[0] : "") + "); its output: " + log);
    }
}
