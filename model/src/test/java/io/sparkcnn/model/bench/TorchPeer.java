package io.sparkcnn.model.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PyTorch measuring beside the engine: bench/torch_bench.py in --serve mode, one JSON request
 * per line on its stdin, one JSON reply per line on its stdout. The bench asks it for a block
 * of timings right after each block of its own, so that both see the same machine load.
 * Several peers (Debian's PyTorch 1 and a PyTorch 2 venv) each get their own process and column.
 */
final class TorchPeer implements AutoCloseable {
    /** Set by bench/run for the engine's OpenMP and OpenBLAS threads; removed from the peers' environment. */
    private static final List<String> ENGINE_ONLY_ENV = List.of("OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OPENBLAS_THREAD_TIMEOUT");

    private final Process process;
    private final Writer in;
    private final BufferedReader out;
    private final ObjectMapper json = new ObjectMapper();
    private final JsonNode info;

    TorchPeer(String python, Path script, int threads) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(python, script.toString(), "--serve", "--threads", Integer.toString(threads))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        // PyTorch runs as its users run it: the engine's thread-waiting settings are not its defaults,
        // and OMP_WAIT_POLICY=passive slowed its LeNet step 1.9x (6,280 -> 3,380 img/s, 2026-12-03)
        ENGINE_ONLY_ENV.forEach(pb.environment()::remove);
        process = pb.start();
        in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        info = request(Map.of("kind", "info"));
    }

    /** The column name: "pt" and the major.minor version, e.g. pt2.14. */
    String label() {
        String v = info.path("version").asText().replaceFirst("^torch ", "");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+\\.\\d+)").matcher(v);
        return "pt" + (m.find() ? m.group(1) : v);
    }

    /** torch version, threads and backend, for the report. */
    String description() {
        return info.path("version").asText() + ", " + info.path("threads").asInt() + " threads, " + info.path("backend").asText();
    }

    double[] sgemm(int n, Warmup warmup, int reps) {
        return seconds(Map.of("kind", "sgemm", "n", n, "warmup", warmup.calls(), "warmup_s", warmup.seconds(), "reps", reps));
    }

    double[] conv(ConvCase c, String pass, Warmup warmup, int reps) {
        return seconds(Map.of("kind", "conv", "case", c.name(), "pass", pass, "warmup", warmup.calls(), "warmup_s", warmup.seconds(), "reps", reps));
    }

    double[] train(TrainCase c, Warmup warmup, int reps) {
        return seconds(Map.of("kind", "train", "case", c.name(), "warmup", warmup.calls(), "warmup_s", warmup.seconds(), "reps", reps));
    }

    private double[] seconds(Map<String, Object> request) {
        JsonNode r = request(request);
        double[] s = new double[r.path("seconds").size()];
        for (int i = 0; i < s.length; i++) s[i] = r.path("seconds").get(i).asDouble();
        return s;
    }

    private JsonNode request(Map<String, Object> request) {
        try {
            in.write(json.writeValueAsString(new LinkedHashMap<>(request)) + "\n");
            in.flush();
            String line = out.readLine();
            if (line == null) throw new IllegalStateException("the PyTorch script exited (see its output above)");
            JsonNode r = json.readTree(line);
            if (r.has("error")) throw new IllegalStateException("PyTorch script: " + r.path("error").asText());
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy();
        }
    }
}
