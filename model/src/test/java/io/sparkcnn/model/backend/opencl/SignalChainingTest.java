package io.sparkcnn.model.backend.opencl;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * pocl's LLVM puts its one-shot crash handlers over the JVM's SIGSEGV handler when backend.kind=auto
 * probes OpenCL; two threads meeting a safepoint poll together then kill the JVM with a bare SIGSEGV
 * (the README job's evaluate: 2 of 7 runs, no hs_err). The JDK's libjsig keeps the JVM's handler in
 * front. -Xcheck:jni reports a replaced handler deterministically while no Java thread runs, which is
 * what {@link SafepointStress} arranges right after its probe; then it forces safepoints on running threads.
 */
class SignalChainingTest {
    private static final String REPLACED = "SIGSEGV handler modified";
    private static final Path SCRIPT = Path.of("..", "deploy", "signal-chaining.sh").toAbsolutePath().normalize();

    private static boolean poclPresent() {
        return OpenClDevices.all().stream().anyMatch(d -> d.getOpenCLPlatform().getName().contains("Portable Computing Language"));
    }

    /** The child: -Xcheck:jni, the probe, a pause with no Java thread running, then 4 threads through 300 safepoints. */
    private static List<String> stressCommand() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-Xcheck:jni",
                "-Dsparkcnn.stress.pauseMs=2000", "-cp", System.getProperty("java.class.path"),
                SafepointStress.class.getName(), "4", "300");
    }

    private record Run(int exit, String output) {}

    private static Run run(List<String> command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("signal-chaining", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("LD_PRELOAD"); // what the child gets is the script's doing, not surefire's
        Process p = pb.start();
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "the child JVM did not finish in 3 minutes: " + command);
        return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    @Test
    void withoutLibjsigThePoclProbeReplacesTheJvmsHandler() throws Exception {
        Assumptions.assumeTrue(poclPresent(), "pocl is not installed: nothing here replaces the handler");
        Run r = run(stressCommand());
        assertTrue(r.output().contains(REPLACED), "the control should show pocl's LLVM taking SIGSEGV: " + r.output());
    }

    @Test
    void theLaunchersScriptPreloadsLibjsigSoTheJvmKeepsItsHandlers() throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "source \"$0\" && exec \"$@\"", SCRIPT.toString()));
        command.addAll(stressCommand());
        Run r = run(command);
        assertFalse(r.output().contains(REPLACED), "a handler was replaced although " + SCRIPT + " was sourced: " + r.output());
        assertEquals(0, r.exit(), "the child JVM failed (139: SIGSEGV): " + r.output());
        assertTrue(r.output().contains("safepoints passed: 300"), r.output());
    }

    @Test
    void theTestJvmsRunWithLibjsig() throws IOException {
        // surefire's environment (parent pom.xml) preloads it, so the OpenCL tests in these JVMs are covered too
        assertTrue(Files.readString(Path.of("/proc/self/maps")).contains("/libjsig.so"),
                "libjsig.so is not mapped into this test JVM (LD_PRELOAD=" + System.getenv("LD_PRELOAD") + ")");
    }
}
