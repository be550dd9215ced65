package io.sparkcnn.dataprep;

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
 * A Python interpreter with pandas and pyarrow for the reader tests: $SPARKCNN_PYTHON, the venv
 * deploy/install-python-deps.sh makes ($SPARKCNN_PYENV, default ~/.cache/sparkcnn/pyenv), or python3.
 * When none has them the install script is run once (pip from the machine's index or mirror);
 * only if that cannot install them is there none, and {@link #skipReason()} says why.
 */
final class PythonForTests {
    private static boolean searched;
    private static Path found;
    private static String reason = "";

    private PythonForTests() {
    }

    record Result(int exitCode, String output) {
    }

    /** Repository folder holding read_shards.py (the tests run in the module folder). */
    static Path scriptDir() {
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            Path d = p.resolve("deploy/prep");
            if (Files.isRegularFile(d.resolve("read_shards.py"))) {
                return d;
            }
        }
        throw new IllegalStateException("deploy/prep/read_shards.py not found above " + System.getProperty("user.dir"));
    }

    static synchronized Path pandasAndPyarrow() {
        if (!searched) {
            searched = true;
            found = firstWithPandas();
            if (found == null) {
                Path script = scriptDir().getParent().resolve("install-python-deps.sh");
                Result r = exec(List.of("bash", script.toString()), 900);
                found = firstWithPandas();
                if (found == null) {
                    reason = "pandas and pyarrow are not installable on this machine, so the Python reader test is skipped: "
                            + "tried " + candidates() + "; " + script + " said: " + r.output().strip();
                }
            }
        }
        return found;
    }

    static String skipReason() {
        return reason;
    }

    private static Path firstWithPandas() {
        for (String c : candidates()) {
            if (exec(List.of(c, "-c", "import pandas, pyarrow"), 120).exitCode() == 0) {
                return Path.of(c);
            }
        }
        return null;
    }

    private static Set<String> candidates() {
        Set<String> c = new LinkedHashSet<>();
        String env = System.getenv("SPARKCNN_PYTHON");
        if (env != null && !env.isBlank()) {
            c.add(env);
        }
        String venv = System.getenv("SPARKCNN_PYENV");
        c.add((venv != null && !venv.isBlank() ? Path.of(venv) : Path.of(System.getProperty("user.home"), ".cache/sparkcnn/pyenv"))
                .resolve("bin/python").toString());
        c.add("python3");
        return c;
    }

    /** Runs {@code python -c code args} (or {@code python args} when code is null). */
    static Result run(Path python, String code, String... args) {
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
