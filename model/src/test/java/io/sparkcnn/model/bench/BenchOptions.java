package io.sparkcnn.model.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The bench command's flags; see {@link #USAGE}. */
record BenchOptions(List<String> backends, int threads, int rounds, int warmup, int reps, int trainWarmup, int trainReps,
                    List<String> sections, boolean profile, String torchPython, Path out) {

    static final String USAGE = """
            usage: bench [--backends cpu[,opencl]] [--threads N] [--rounds K] [--warmup W] [--reps R]
                         [--train-warmup W] [--train-reps R] [--sections sgemm,conv,train,video]
                         [--profile true] [--torch PYTHON|none] [--out FILE]
              --backends      engine backends to measure, one column each (default cpu)
              --threads       CPU threads of the backend and of PyTorch; set OPENBLAS_NUM_THREADS to the same (default: all cores)
              --rounds        each measurement alternates this many times between PyTorch and the backends,
                              so that all see the same machine load; medians are over all rounds (default 3)
              --warmup/--reps untimed and timed repetitions per round, per conv pass and sgemm (default 2 / 5)
              --train-warmup/--train-reps  the same for training steps (default 2 / 4)
              --sections      what to run (default sgemm,conv,train; video: R(2+1)D-18 training clips/s, minutes on 2 cores)
              --profile       also print where each training step's time goes, op by op (default false)
              --torch         the Python that runs bench/torch_bench.py (default /usr/bin/python3), or none
              --out           where to write this run's results as JSON""";

    static BenchOptions parse(String[] args) {
        List<String> backends = List.of("cpu");
        int threads = Runtime.getRuntime().availableProcessors();
        int rounds = 3, warmup = 2, reps = 5, trainWarmup = 2, trainReps = 4;
        List<String> sections = List.of("sgemm", "conv", "train");
        String torch = "/usr/bin/python3";
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
                case "--torch" -> torch = v.equals("none") ? null : v;
                case "--out" -> out = Path.of(v);
                default -> throw new IllegalArgumentException("unknown flag " + flag + "\n" + USAGE);
            }
        }
        for (String s : sections) {
            if (!List.of("sgemm", "conv", "train").contains(s)) throw new IllegalArgumentException("unknown section " + s + "\n" + USAGE);
        }
        return new BenchOptions(backends, threads, rounds, warmup, reps, trainWarmup, trainReps, sections, profile, torch, out);
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
