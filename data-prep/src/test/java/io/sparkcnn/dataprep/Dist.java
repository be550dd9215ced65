package io.sparkcnn.dataprep;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The checkout and the dist/ that deploy/build-dist.sh made from it, for tests that run the deploy scripts
 * as a user does. deploy/run-tests.sh (CI) builds the dist before the Maven build and passes
 * {@code -Dsparkcnn.requireDist=true}, so there a missing dist fails; elsewhere the tests are skipped with
 * a message saying how to run them.
 */
final class Dist {
    private Dist() {
    }

    static Path root() {
        return Path.of(System.getProperty("sparkcnn.root", "..")).toAbsolutePath().normalize();
    }

    static Path dist() {
        String given = System.getProperty("sparkcnn.dist", System.getenv("SPARKCNN_DIST"));
        Path d = given != null && !given.isBlank() ? Path.of(given) : root().resolve("dist");
        boolean present = Files.isDirectory(d.resolve("app")) && Files.isDirectory(d.resolve("jars"));
        String why = "no " + d + "/app: run deploy/build-dist.sh first (deploy/run-tests.sh does), or point -Dsparkcnn.dist at one";
        if (Boolean.getBoolean("sparkcnn.requireDist")) {
            assertTrue(present, why);
        } else {
            assumeTrue(present, why);
        }
        return d;
    }

    /** Output of one command run with bash in the checkout's root. */
    record Run(int exit, String output) {
    }

    static Run bash(String script, Map<String, String> env, Path log, int timeoutSeconds) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script).directory(root().toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
            return new Run(124, "timed out after " + timeoutSeconds + " s\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    /**
     * The environment every script run gets: a small driver, no Spark distribution, a private JavaCPP cache,
     * and JVMs that compile with C1 only: the runs shard a few tiny files, so start-up (class loading, JIT
     * warm-up) is nearly all their time, and C2 never pays back on them.
     */
    static Map<String, String> env(Path dist, Path tmp) {
        return Map.of("SPARKCNN_DIST", dist.toString(), "SPARKCNN_DRIVER_MEMORY", "1g", "SPARKCNN_LOCAL_CORES", "2",
                "SPARK_LOCAL_IP", "127.0.0.1", "SPARK_HOME", "", "HOME", tmp.toString(),
                "JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1");
    }

    static List<String> lines(Path p) throws IOException {
        return Files.readAllLines(p, StandardCharsets.UTF_8);
    }
}
