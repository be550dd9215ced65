package io.sparkcnn.model.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A Python interpreter that imports what a comparison test needs (pandas + pyarrow for the shard
 * readers, pycocotools for COCO evaluation): $SPARKCNN_PYTHON, the venv deploy/install-python-deps.sh
 * makes ($SPARKCNN_PYENV, default ~/.cache/sparkcnn/pyenv), or python3. When none imports the modules
 * the install script is run once (pip from the machine's index or mirror); only if that cannot
 * install them is there none, and {@link #skipReason} says why. Shared by every module's tests
 * through the model test-jar.
 */
public final class TestPython {
    private static final Map<String, Path> FOUND = new HashMap<>();
    private static final Map<String, String> REASON = new HashMap<>();
    private static boolean installRan;
    private static String installOutput = "";

    private TestPython() {}

    public record Result(int exitCode, String output) {}

    /** The repository's deploy folder (tests run in their module's folder). */
    public static Path deployDir() {
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            Path d = p.resolve("deploy");
            if (Files.isRegularFile(d.resolve("install-python-deps.sh"))) return d;
        }
        throw new IllegalStateException("deploy/install-python-deps.sh not found above " + System.getProperty("user.dir"));
    }

    /**
     * The first interpreter where {@code import <modules>} works (e.g. "pandas, pyarrow"), or null;
     * what stands for the test that needs them goes in the skip reason.
     */
    public static synchronized Path importing(String modules, String test) {
        if (!FOUND.containsKey(modules)) {
            Path found = firstImporting(modules);
            if (found == null) {
                Path script = deployDir().resolve("install-python-deps.sh");
                if (!installRan) {
                    installRan = true;
                    installOutput = exec(List.of("bash", script.toString()), 900).output().strip();
                }
                found = firstImporting(modules);
                if (found == null) {
                    REASON.put(modules, modules + " not installable on this machine, so " + test + " is skipped: tried "
                            + candidates() + "; " + script + " said: " + installOutput);
                }
            }
            FOUND.put(modules, found);
        }
        return FOUND.get(modules);
    }

    public static synchronized String skipReason(String modules) {
        return REASON.getOrDefault(modules, "");
    }

    private static Path firstImporting(String modules) {
        for (String c : candidates()) {
            if (exec(List.of(c, "-c", "import " + modules), 120).exitCode() == 0) return Path.of(c);
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

    /** Runs {@code python -c code args} (or {@code python args} when code is null). */
    public static Result run(Path python, String code, String... args) {
        List<String> cmd = new ArrayList<>(List.of(python.toString()));
        if (code != null) {
            cmd.add("-c");
            cmd.add(code);
        }
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
