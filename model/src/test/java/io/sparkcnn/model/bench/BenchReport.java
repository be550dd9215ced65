package io.sparkcnn.model.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Collects one run's figures (the backends' and PyTorch's), prints the table and builds the JSON. */
final class BenchReport {
    static final String TORCH = "pytorch";
    private final BenchOptions options;
    private final boolean torch;
    private final Map<String, Object> machine = new LinkedHashMap<>();
    private final Map<String, Double> sgemm = new LinkedHashMap<>();
    private final Map<String, Double> sgemmAfter = new LinkedHashMap<>();
    private final Map<String, Double> torchSgemm = new LinkedHashMap<>();
    /** case -> pass -> column -> GFLOP/s */
    private final Map<String, Map<String, Map<String, Double>>> conv = new LinkedHashMap<>();
    /** case -> SGEMM 1024^3 GFLOP/s timed in the same rounds */
    private final Map<String, Double> convCeiling = new LinkedHashMap<>();
    /** case -> column -> images/s */
    private final Map<String, Map<String, Double>> train = new LinkedHashMap<>();
    /** case -> column -> clips/s */
    private final Map<String, Map<String, Double>> video = new LinkedHashMap<>();

    BenchReport(BenchOptions options, boolean withTorch) {
        this.options = options;
        this.torch = withTorch;
    }

    void machine(String key, Object value) { machine.put(key, value); }

    void sgemm(int n, double gflops) { sgemm.put(n + "^3", gflops); }

    void sgemmAfter(int n, double gflops) { sgemmAfter.put(n + "^3", gflops); }

    void torchSgemm(int n, double gflops) { torchSgemm.put(n + "^3", gflops); }

    /** column: a backend name or {@link #TORCH}. */
    void conv(String column, ConvCase c, String pass, double gflops) {
        conv.computeIfAbsent(c.name(), k -> new LinkedHashMap<>()).computeIfAbsent(pass, k -> new LinkedHashMap<>()).put(column, gflops);
    }

    void convCeiling(ConvCase c, double gflops) { convCeiling.put(c.name(), gflops); }

    /** Training examples/s: images, or clips for a video case. */
    void train(String column, TrainCase c, double examplesPerSecond, boolean isVideo) {
        (isVideo ? video : train).computeIfAbsent(c.name(), k -> new LinkedHashMap<>()).put(column, examplesPerSecond);
    }

    /** The best SGEMM rate seen in this run, before or after the other measurements. */
    double ceiling() {
        double best = 0;
        for (double v : sgemm.values()) best = Math.max(best, v);
        for (double v : sgemmAfter.values()) best = Math.max(best, v);
        return best;
    }

    String table() {
        StringBuilder s = new StringBuilder();
        s.append("machine\n");
        machine.forEach((k, v) -> s.append(String.format("  %-14s %s%n", k, v)));
        s.append(String.format("settings: %d rounds, each PyTorch then the engine: %d warm-up + %d timed reps per conv pass, "
                        + "%d + %d training steps; medians over all rounds; CPU threads %d%n",
                options.rounds(), options.warmup(), options.reps(), options.trainWarmup(), options.trainReps(), options.threads()));
        if (!sgemm.isEmpty()) {
            s.append("\nSGEMM GFLOP/s (ceiling = best of these):");
            sgemm.forEach((k, v) -> s.append(String.format("  %s %.1f", k, v)));
            s.append("  | after the runs:");
            sgemmAfter.forEach((k, v) -> s.append(String.format("  %s %.1f", k, v)));
            if (!torchSgemm.isEmpty()) {
                s.append("  | torch.mm:");
                torchSgemm.forEach((k, v) -> s.append(String.format("  %s %.1f", k, v)));
            }
            s.append('\n');
        }
        List<String> cols = columns();
        if (!conv.isEmpty()) {
            s.append("\nConv2d GFLOP/s (x/sgemm: to the SGEMM 1024^3 rate timed in the same rounds, shown per case)\n");
            List<String> header = new ArrayList<>(List.of("case", "pass", "sgemm"));
            for (String c : cols) {
                header.add(c);
                header.add(c + "/sgemm");
                if (!c.equals(TORCH) && torch) header.add(c + "/torch");
            }
            List<List<String>> rows = new ArrayList<>();
            conv.forEach((name, passes) -> passes.forEach((pass, v) -> {
                double ceil = convCeiling.getOrDefault(name, ceiling());
                rows.add(row(List.of(name, pass, String.format("%.1f", ceil)), v, cols, ceil));
            }));
            s.append(format(header, rows));
        }
        trainTable(s, "Training images/s", train, cols);
        trainTable(s, "Training clips/s", video, cols);
        return s.toString();
    }

    /** One training table, each backend beside PyTorch and its ratio to it; nothing when the section did not run. */
    private void trainTable(StringBuilder s, String title, Map<String, Map<String, Double>> rates, List<String> cols) {
        if (rates.isEmpty()) return;
        s.append("\n").append(title).append("\n");
        List<String> header = new ArrayList<>(List.of("model"));
        for (String c : cols) {
            header.add(c);
            if (!c.equals(TORCH) && torch) header.add(c + "/torch");
        }
        List<List<String>> rows = new ArrayList<>();
        rates.forEach((name, v) -> rows.add(row(List.of(name), v, cols, 0)));
        s.append(format(header, rows));
    }

    /** ceiling > 0: with a ratio column to it after each value. */
    private List<String> row(List<String> first, Map<String, Double> v, List<String> cols, double ceiling) {
        List<String> r = new ArrayList<>(first);
        Double t = v.get(TORCH);
        for (String c : cols) {
            Double x = v.get(c);
            r.add(x == null ? "-" : String.format("%.1f", x));
            if (ceiling > 0) r.add(x == null ? "-" : String.format("%.2f", x / ceiling));
            if (!c.equals(TORCH) && torch) r.add(x == null || t == null ? "-" : String.format("%.2f", x / t));
        }
        return r;
    }

    /** Backends in the order asked, then PyTorch. */
    private List<String> columns() {
        List<String> c = new ArrayList<>(options.backends());
        if (torch) c.add(TORCH);
        return c;
    }

    private static String format(List<String> header, List<List<String>> rows) {
        int[] w = new int[header.size()];
        for (int i = 0; i < w.length; i++) w[i] = header.get(i).length();
        for (List<String> r : rows) for (int i = 0; i < w.length; i++) w[i] = Math.max(w[i], r.get(i).length());
        StringBuilder s = new StringBuilder();
        appendRow(s, header, w);
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < w.length; i++) rule.append(i == 0 ? "" : "-+-").append("-".repeat(w[i]));
        s.append(rule).append('\n');
        for (List<String> r : rows) appendRow(s, r, w);
        return s.toString();
    }

    private static void appendRow(StringBuilder s, List<String> cells, int[] w) {
        for (int i = 0; i < w.length; i++) {
            if (i > 0) s.append(" | ");
            String c = cells.get(i);
            s.append(i < 2 && !c.matches("[-0-9.]+") ? String.format("%-" + w[i] + "s", c) : String.format("%" + w[i] + "s", c));
        }
        s.append('\n');
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("machine", machine);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("rounds", options.rounds());
        settings.put("warmup", options.warmup());
        settings.put("reps", options.reps());
        settings.put("train_warmup", options.trainWarmup());
        settings.put("train_reps", options.trainReps());
        settings.put("threads", options.threads());
        settings.put("backends", options.backends());
        m.put("settings", settings);
        m.put("sgemm_gflops", sgemm);
        m.put("sgemm_gflops_after", sgemmAfter);
        m.put("torch_mm_gflops", torchSgemm);
        m.put("sgemm_ceiling_gflops", ceiling());
        m.put("conv_gflops", conv);
        m.put("conv_sgemm_1024_gflops", convCeiling);
        m.put("train_images_per_s", train);
        if (!video.isEmpty()) m.put("train_clips_per_s", video);
        return m;
    }
}
