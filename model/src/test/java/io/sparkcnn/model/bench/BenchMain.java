package io.sparkcnn.model.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sparkcnn.model.backend.Backend;
import io.sparkcnn.model.backend.Backends;
import io.sparkcnn.model.backend.cpu.Blas;
import io.sparkcnn.model.backend.cpu.CpuConvChoice;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bench command (run through bench/run): the SGEMM ceiling, Conv2d pass GFLOP/s and
 * training images/s for each backend named with --backends, beside PyTorch's, printed as a
 * table and written as JSON. The machine may be shared and its load drift over minutes, so
 * every figure alternates, over several rounds, between a block of PyTorch timings and a
 * block of each backend's, and reports the median of all of them.
 */
public final class BenchMain {
    static final List<String> PASSES = List.of("forward", "backward_data", "backward_weights");
    private static final Path TORCH_SCRIPT = Path.of("bench", "torch_bench.py");
    /** The SGEMM size timed beside each conv case. */
    private static final int CEILING_N = 1024;

    private BenchMain() {}

    public static void main(String[] args) throws IOException {
        BenchOptions o;
        try {
            o = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        List<TorchPeer> peers = new ArrayList<>();
        try {
            for (String python : o.torchPythons()) {
                TorchPeer p = new TorchPeer(python, TORCH_SCRIPT, o.threads());
                peers.add(p);
                if (peers.stream().filter(q -> q.label().equals(p.label())).count() > 1) {
                    throw new IllegalArgumentException("--torch " + python + " runs " + p.description()
                            + ", as an earlier --torch Python does: give each PyTorch version once");
                }
            }
            BenchReport report = new BenchReport(o, peers.stream().map(TorchPeer::label).toList());
            report.machine("cores", Runtime.getRuntime().availableProcessors());
            report.machine("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
            report.machine("blas", Blas.description());
            for (TorchPeer p : peers) report.machine(p.label(), p.description());
            for (String name : o.backends()) {
                try (Backend probe = backend(name, o)) {
                    report.machine("device." + name, probe.deviceDescription());
                }
            }
            StringBuilder profiles = new StringBuilder();
            if (o.sections().contains("sgemm")) sgemm(o, peers, report, false);
            if (o.sections().contains("conv")) conv(o, peers, report);
            if (o.sections().contains("train")) train(TrainCase.ALL, o, peers, report, profiles);
            if (o.sections().contains("video")) train(TrainCase.VIDEO, o, peers, report, profiles);
            // the ceiling again after the long runs: the load from other processes drifts over minutes
            if (o.sections().contains("sgemm")) sgemm(o, List.of(), report, true);

            System.out.println(report.table());
            if (profiles.length() > 0) System.out.println("Training step profiles\n" + profiles);
            if (o.out() != null) {
                if (o.out().getParent() != null) Files.createDirectories(o.out().getParent());
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(o.out().toFile(), report.toJson());
                System.out.println("results: " + o.out());
            }
        } finally {
            for (TorchPeer p : peers) p.close();
        }
    }

    /** cpu-gemm and cpu-dnnl: the CPU backend with backend.cpuConv set so; cpu is its default (auto). */
    private static Backend backend(String name, BenchOptions o) {
        if (name.startsWith("cpu-")) return Backends.create("cpu", 0, true, o.threads(), CpuConvChoice.parse(name.substring(4)));
        return Backends.create(name, 0, true, o.threads());
    }

    private static void sgemm(BenchOptions o, List<TorchPeer> peers, BenchReport report, boolean after) {
        for (int n : new int[]{1024, 2048}) {
            double flops = 2.0 * n * n * n;
            Samples engine = new Samples();
            Map<String, Samples> peer = new LinkedHashMap<>();
            for (int r = 0; r < o.rounds(); r++) {
                for (TorchPeer p : peers) peer.computeIfAbsent(p.label(), k -> new Samples()).add(p.sgemm(n, Warmup.forRound(o.warmup(), r), o.reps()));
                engine.add(SgemmBench.seconds(n, Warmup.forRound(o.warmup(), r), o.reps()));
            }
            if (after) report.sgemmAfter(n, engine.gflops(flops));
            else report.sgemm(n, engine.gflops(flops));
            peer.forEach((label, s) -> report.torchSgemm(label, n, s.gflops(flops)));
        }
    }

    private static void conv(BenchOptions o, List<TorchPeer> peers, BenchReport report) {
        for (ConvCase c : ConvCase.ALL) {
            List<ConvBench> benches = new ArrayList<>();
            try {
                for (String name : o.backends()) benches.add(new ConvBench(c, backend(name, o)));
                Samples ceiling = new Samples();
                for (String pass : PASSES) {
                    Map<String, Samples> peer = new LinkedHashMap<>();
                    Map<String, Samples> engine = new LinkedHashMap<>();
                    for (int r = 0; r < o.rounds(); r++) {
                        // the SGEMM ceiling beside this case, so that conv/sgemm compares figures taken together
                        ceiling.add(SgemmBench.seconds(CEILING_N, Warmup.calls(1), 2));
                        for (TorchPeer p : peers) {
                            peer.computeIfAbsent(p.label(), k -> new Samples()).add(p.conv(c, pass, Warmup.forRound(o.warmup(), r), o.reps()));
                        }
                        for (int b = 0; b < benches.size(); b++) {
                            engine.computeIfAbsent(o.backends().get(b), k -> new Samples())
                                    .add(benches.get(b).seconds(pass, Warmup.forRound(o.warmup(), r), o.reps()));
                        }
                    }
                    engine.forEach((name, s) -> report.conv(name, c, pass, s.gflops(c.flops())));
                    peer.forEach((label, s) -> report.conv(label, c, pass, s.gflops(c.flops())));
                }
                report.convCeiling(c, ceiling.gflops(2.0 * CEILING_N * CEILING_N * CEILING_N));
            } finally {
                benches.forEach(ConvBench::close);
            }
            System.err.println("measured " + c.name());
        }
    }

    private static void train(List<TrainCase> cases, BenchOptions o, List<TorchPeer> peers, BenchReport report,
                              StringBuilder profiles) {
        for (TrainCase c : cases) {
            List<TrainingBench> benches = new ArrayList<>();
            try {
                for (String name : o.backends()) benches.add(new TrainingBench(c, backend(name, o)));
                Map<String, Samples> peer = new LinkedHashMap<>();
                Map<String, Samples> engine = new LinkedHashMap<>();
                for (int r = 0; r < o.rounds(); r++) {
                    for (TorchPeer p : peers) {
                        peer.computeIfAbsent(p.label(), k -> new Samples()).add(p.train(c, Warmup.forRound(o.trainWarmup(), r), o.trainReps()));
                    }
                    for (int b = 0; b < benches.size(); b++) {
                        engine.computeIfAbsent(o.backends().get(b), k -> new Samples())
                                .add(benches.get(b).seconds(Warmup.forRound(o.trainWarmup(), r), o.trainReps()));
                    }
                }
                engine.forEach((name, s) -> report.train(name, c, c.batch() / s.median()));
                peer.forEach((label, s) -> report.train(label, c, c.batch() / s.median()));
            } finally {
                benches.forEach(TrainingBench::close);
            }
            System.err.println("measured " + c.name());
            if (o.profile()) {
                for (String name : o.backends()) {
                    profiles.append(name).append(' ').append(TrainingBench.profile(c, backend(name, o), o.trainWarmup(), o.trainReps()));
                }
            }
        }
    }

    /** Timings gathered over rounds. */
    private static final class Samples {
        private final List<Double> seconds = new ArrayList<>();

        void add(double[] s) { for (double v : s) seconds.add(v); }

        double median() { return Timer.median(seconds.stream().mapToDouble(Double::doubleValue).toArray()); }

        double gflops(double flops) { return flops / median() * 1e-9; }
    }
}
