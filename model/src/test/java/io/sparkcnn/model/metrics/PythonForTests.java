package io.sparkcnn.model.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A Python interpreter with pycocotools for the COCO evaluation comparison: $SPARKCNN_PYTHON, the venv
 * deploy/install-python-deps.sh makes ($SPARKCNN_PYENV, default ~/.cache/sparkcnn/pyenv), or python3.
 * When none has it the install script is run once (pip from the machine's index or mirror); only if
 * that cannot install it is there none, and {@link #skipReason()} says why. The model module's copy of
 * data-prep's PythonForTests (a module's tests cannot use another's), asking for pycocotools instead.
 */
final class PythonForTests {
    private static boolean searched;
    private static Path found;
    private static String reason = "";

    private PythonForTests() {}

    record Result(int exitCode, String output) {}

    private static Path deployDir() {
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            Path d = p.resolve("deploy");
            if (Files.isRegularFile(d.resolve("install-python-deps.sh"))) return d;
        }
        throw new IllegalStateException("deploy/install-python-deps.sh not found above " + System.getProperty("user.dir"));
    }

    static synchronized Path pycocotools() {
        if (!searched) {
            searched = true;
            found = firstWithPycocotools();
            if (found == null) {
                Path script = deployDir().resolve("install-python-deps.sh");
                Result r = exec(List.of("bash", script.toString()), 900);
                found = firstWithPycocotools();
                if (found == null) {
                    reason = "pycocotools is not installable on this machine, so the comparison with COCOeval is skipped: "
                            + "tried " + candidates() + "; " + script + " said: " + r.output().strip();
                }
            }
        }
        return found;
    }

    static String skipReason() {
        return reason;
    }

    private static Path firstWithPycocotools() {
        for (String c : candidates()) {
            if (exec(List.of(c, "-c", "import pycocotools.coco, pycocotools.cocoeval"), 120).exitCode() == 0) return Path.of(c);
        }
        return null;
    }

    private static Set<String> candidates() {
        Set<String> c = new LinkedHashSet<>();
        String env = System.getenv("SPARKCNN_PYTHON");
        if (env != null && !env.isBlank()) c.add(env);
        String venv = System.getenv("SPARKCNN_PYENV");
        c.add((venv != null && !venv.isBlank() ? Path.of(venv) : Path.of(System.getProperty("user.home"), ".cache/sparkcnn/pyenv"))
                .resolve("bin/python").toString());
        c.add("python3");
        return c;
    }

    /** Runs {@code python -c code args}. */
    static Result run(Path python, String code, String... args) {
        List<String> cmd = new ArrayList<>(List.of(python.toString(), "-c", code));
        cmd.addAll(List.of(args));
        return exec(cmd, 600);
    }

    private static Result exec(List<String> cmd, long timeoutSeconds) {
        try {
            Path log = Files.createTempFile("python", ".log");
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return new Result(-1, cmd.get(0) + " did not finish in " + timeoutSeconds + " s");
                }
                return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            return new Result(-1, "cannot run " + cmd.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }
}
