package io.sparkcnn.model.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The bench command's flags; see {@link #USAGE}. */
record BenchOptions(List<String> backends, int threads, int rounds, int warmup, int reps, int trainWarmup, int trainReps,
                    List<String> sections, boolean profile, List<String> torchPythons, Path out) {

    static final List<String> SECTIONS = List.of("sgemm", "conv", "train", "video");

    static final String USAGE = """
            usage: bench [--backends cpu[,opencl]] [--threads N] [--rounds K] [--warmup W] [--reps R]
                         [--train-warmup W] [--train-reps R] [--sections sgemm,conv,train,video]
                         [--profile true] [--torch PYTHON[,PYTHON]|none] [--out FILE]
              --backends      engine backends to measure, one column each (default cpu): cpu, cpu-gemm, cpu-dnnl
                              (the CPU backend with backend.cpuConv auto, gemm, dnnl), opencl
              --threads       CPU threads of the backend and of PyTorch; set OPENBLAS_NUM_THREADS to the same (default: all cores)
              --rounds        each measurement alternates this many times between PyTorch and the backends,
                              so that all see the same machine load; medians are over all rounds (default 3)
              --warmup/--reps untimed and timed repetitions per round, per conv pass and sgemm (default 2 / 5)
              --train-warmup/--train-reps  the same for training steps (default 2 / 4)
              --sections      what to run (default sgemm,conv,train,video; video: R(2+1)D-18 training clips/s)
              --profile       also print where each training step's time goes, op by op (default false)
              --torch         the Pythons that run bench/torch_bench.py, one PyTorch column each (a PyTorch 1 and a 2
                              side by side); repeat the flag or separate by commas (default /usr/bin/python3), or none
              --out           where to write this run's results as JSON""";

    static BenchOptions parse(String[] args) {
        List<String> backends = List.of("cpu");
        int threads = Runtime.getRuntime().availableProcessors();
        int rounds = 3, warmup = 2, reps = 5, trainWarmup = 2, trainReps = 4;
        List<String> sections = SECTIONS;
        List<String> torch = List.of("/usr/bin/python3");
        boolean torchGiven = false;
        Path out = null;
        boolean profile = false;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) throw new IllegalArgumentException(USAGE);
            if (i + 1 >= args.length) throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
            String v = args[++i];
            switch (flag) {
                case "--backends" -> backends = split(v);
                case "--threads" -> threads = positive(flag, v);
                case "--rounds" -> rounds = positive(flag, v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--reps" -> reps = positive(flag, v);
                case "--train-warmup" -> trainWarmup = Integer.parseInt(v);
                case "--train-reps" -> trainReps = positive(flag, v);
                case "--sections" -> sections = split(v);
                case "--profile" -> profile = Boolean.parseBoolean(v);
                case "--torch" -> {
                    List<String> given = v.equals("none") ? List.of() : split(v);
                    torch = torchGiven ? concat(torch, given) : given;
                    torchGiven = true;
                }
                case "--out" -> out = Path.of(v);
                default -> throw new IllegalArgumentException("unknown flag " + flag + "\n" + USAGE);
            }
        }
        for (String s : sections) {
            if (!SECTIONS.contains(s)) throw new IllegalArgumentException("unknown section " + s + "\n" + USAGE);
        }
        return new BenchOptions(backends, threads, rounds, warmup, reps, trainWarmup, trainReps, sections, profile, torch, out);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> r = new ArrayList<>(a);
        r.addAll(b);
        return List.copyOf(r);
    }

    private static List<String> split(String v) {
        List<String> r = new ArrayList<>();
        for (String s : v.split(",")) if (!s.isBlank()) r.add(s.trim());
        return List.copyOf(r);
    }

    private static int positive(String flag, String v) {
        int n = Integer.parseInt(v);
        if (n <= 0) throw new IllegalArgumentException(flag + " must be positive, got " + v);
        return n;
    }
}
