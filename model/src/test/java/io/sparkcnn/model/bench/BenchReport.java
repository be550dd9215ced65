package io.sparkcnn.model.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects one run's figures (the backends' and each PyTorch's), prints the table and builds the JSON.
 * Columns: the backends in the order asked, then the PyTorch peers by label (pt1.13, pt2.14); each
 * backend gets a ratio column to each peer.
 */
final class BenchReport {
    private final BenchOptions options;
    private final List<String> peers;
    private final Map<String, Object> machine = new LinkedHashMap<>();
    private final Map<String, Double> sgemm = new LinkedHashMap<>();
    private final Map<String, Double> sgemmAfter = new LinkedHashMap<>();
    /** peer -> size -> GFLOP/s of torch.mm */
    private final Map<String, Map<String, Double>> torchSgemm = new LinkedHashMap<>();
    /** case -> pass -> column -> GFLOP/s */
    private final Map<String, Map<String, Map<String, Double>>> conv = new LinkedHashMap<>();
    /** case -> SGEMM 1024^3 GFLOP/s timed in the same rounds */
    private final Map<String, Double> convCeiling = new LinkedHashMap<>();
    /** case -> column -> images/s */
    private final Map<String, Map<String, Double>> train = new LinkedHashMap<>();

    BenchReport(BenchOptions options, List<String> peers) {
        this.options = options;
        this.peers = List.copyOf(peers);
    }

    void machine(String key, Object value) { machine.put(key, value); }

    void sgemm(int n, double gflops) { sgemm.put(n + "^3", gflops); }

    void sgemmAfter(int n, double gflops) { sgemmAfter.put(n + "^3", gflops); }

    void torchSgemm(String peer, int n, double gflops) {
        torchSgemm.computeIfAbsent(peer, k -> new LinkedHashMap<>()).put(n + "^3", gflops);
    }

    /** column: a backend name or a peer's label. */
    void conv(String column, ConvCase c, String pass, double gflops) {
        conv.computeIfAbsent(c.name(), k -> new LinkedHashMap<>()).computeIfAbsent(pass, k -> new LinkedHashMap<>()).put(column, gflops);
    }

    void convCeiling(ConvCase c, double gflops) { convCeiling.put(c.name(), gflops); }

    /** imagesPerSecond: examples (images, or clips for video) per second. */
    void train(String column, TrainCase c, double imagesPerSecond) {
        train.computeIfAbsent(c.name(), k -> new LinkedHashMap<>()).put(column, imagesPerSecond);
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
        if (peers.isEmpty()) s.append("no PyTorch peer (--torch none)\n");
        if (!sgemm.isEmpty()) {
            s.append("\nSGEMM GFLOP/s (ceiling = best of these):");
            sgemm.forEach((k, v) -> s.append(String.format("  %s %.1f", k, v)));
            s.append("  | after the runs:");
            sgemmAfter.forEach((k, v) -> s.append(String.format("  %s %.1f", k, v)));
            torchSgemm.forEach((peer, sizes) -> {
                s.append("  | torch.mm ").append(peer).append(':');
                sizes.forEach((k, v) -> s.append(String.format("  %s %.1f", k, v)));
            });
            s.append('\n');
        }
        List<String> cols = columns();
        if (!conv.isEmpty()) {
            s.append("\nConv2d GFLOP/s (x/sgemm: to the SGEMM 1024^3 rate timed in the same rounds, shown per case)\n");
            List<String> header = new ArrayList<>(List.of("case", "pass", "sgemm"));
            for (String c : cols) {
                header.add(c);
                header.add(c + "/sgemm");
                if (!peers.contains(c)) for (String p : peers) header.add(c + "/" + p);
            }
            List<List<String>> rows = new ArrayList<>();
            conv.forEach((name, passes) -> passes.forEach((pass, v) -> {
                double ceil = convCeiling.getOrDefault(name, ceiling());
                rows.add(row(List.of(name, pass, String.format("%.1f", ceil)), v, cols, ceil));
            }));
            s.append(format(header, rows));
        }
        if (!train.isEmpty()) {
            s.append("\nTraining images/s (clips/s for the video networks)\n");
            List<String> header = new ArrayList<>(List.of("model"));
            for (String c : cols) {
                header.add(c);
                if (!peers.contains(c)) for (String p : peers) header.add(c + "/" + p);
            }
            List<List<String>> rows = new ArrayList<>();
            train.forEach((name, v) -> rows.add(row(List.of(name), v, cols, 0)));
            s.append(format(header, rows));
        }
        return s.toString();
    }

    /** ceiling > 0: with a ratio column to it after each value. */
    private List<String> row(List<String> first, Map<String, Double> v, List<String> cols, double ceiling) {
        List<String> r = new ArrayList<>(first);
        for (String c : cols) {
            Double x = v.get(c);
            r.add(x == null ? "-" : String.format("%.1f", x));
            if (ceiling > 0) r.add(x == null ? "-" : String.format("%.2f", x / ceiling));
            if (peers.contains(c)) continue;
            for (String p : peers) {
                Double t = v.get(p);
                r.add(x == null || t == null ? "-" : String.format("%.2f", x / t));
            }
        }
        return r;
    }

    /** Backends in the order asked, then the PyTorch peers. */
    private List<String> columns() {
        List<String> c = new ArrayList<>(options.backends());
        c.addAll(peers);
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
        settings.put("torch_peers", peers);
        m.put("settings", settings);
        m.put("sgemm_gflops", sgemm);
        m.put("sgemm_gflops_after", sgemmAfter);
        m.put("torch_mm_gflops", torchSgemm);
        m.put("sgemm_ceiling_gflops", ceiling());
        m.put("conv_gflops", conv);
        m.put("conv_sgemm_1024_gflops", convCeiling);
        m.put("train_images_per_s", train);
        return m;
    }
}
