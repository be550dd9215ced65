package io.sparkcnn.jobs.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sparkcnn.jobs.JobPlan;
import io.sparkcnn.jobs.config.JobConfig;
import io.sparkcnn.jobs.data.EncodedRows;
import io.sparkcnn.jobs.data.RowExamples;
import io.sparkcnn.jobs.data.ShardRowReader;
import io.sparkcnn.jobs.data.SplitIndex;
import io.sparkcnn.jobs.train.BackendChoice;
import io.sparkcnn.jobs.train.BatchFeed;
import io.sparkcnn.jobs.train.ModelRecipe;
import io.sparkcnn.jobs.train.ShardSource;
import io.sparkcnn.model.backend.Backend;
import io.sparkcnn.model.train.Trainer;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.util.SerializableConfiguration;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The training feed alone (issue 14, "Data throughput"): examples/s of a worker's {@link BatchFeed}
 * (read shard rows, decode, augment) on one thread, beside the training rate of the same worker's
 * {@link Trainer} on the same model, batch and threads, measured in the same run. The feed is the
 * one a training task uses: {@link JobPlan#prepareTraining} of the job's config gives the split,
 * the task's {@link RowExamples} (transform, augmentation, normalisation) and the network;
 * {@link ShardSource#open} gives worker 0's feed with the run seed, filled minibatch by minibatch
 * as {@code RoundWorker} fills it (per-example seeds from (seed, epoch, row), the config's
 * shuffle blocks). The trainer is {@link ModelRecipe#build}, the replica a worker builds. Run by
 * {@code bench/feed-throughput}; docs/benchmarks.md, "The training feed".
 */
public final class FeedBench {

    /** One benchmarked configuration: a job config file with overrides, and how much to time. */
    public record Case(String name, File config, List<String> overrides, int warmupExamples, int examples, int reps,
                       int trainWarmup, int trainSteps) {}

    /** A case made ready: the job's plan, its training source and what a worker's feed is opened with. */
    public record Prepared(Case c, JobPlan plan, ShardSource source, SplitIndex split, int worker, int workers, int batch,
                           long seed, int inputSize, int targetSize) {
        /** Minibatches per epoch of one worker: the step addresses the feed is asked for wrap at this. */
        long stepsPerEpoch() { return source.stepsPerEpoch(workers, batch); }
    }

    /** Timed feed repetitions: examples and seconds of each, and the last minibatch filled (for checks). */
    public record FeedTiming(int examplesPerRep, double[] seconds, long examplesFilled, long stepsFilled,
                             float[] lastInputs, float[] lastTargets, float[] firstTimedInputs) {
        public double[] examplesPerSecond() {
            double[] r = new double[seconds.length];
            for (int i = 0; i < r.length; i++) r[i] = examplesPerRep / seconds[i];
            return r;
        }

        public double median() { return FeedBench.median(examplesPerSecond()); }
    }

    /** Timed training steps of the worker's trainer. */
    public record TrainTiming(int batch, double[] seconds, String backend) {
        public double median() { return batch / FeedBench.median(seconds); }

        public double[] examplesPerSecond() {
            double[] r = new double[seconds.length];
            for (int i = 0; i < r.length; i++) r[i] = batch / seconds[i];
            return r;
        }
    }

    private FeedBench() {}

    /** The plan, source and feed parameters of a case, exactly as TrainJob makes them for its workers. */
    public static Prepared prepare(Case c, Configuration hadoop) {
        JobConfig cfg = JobConfig.load(c.config(), c.overrides());
        JobPlan plan = JobPlan.prepareTraining(cfg, hadoop);
        SplitIndex split = plan.trainingSplit();
        // TrainJob: new ShardSource(train, plan.trainExamples(), data.shuffleBlockRows, hadoop conf)
        ShardSource source = new ShardSource(split, plan.trainExamples(), cfg.integer("data.shuffleBlockRows"),
                new SerializableConfiguration(hadoop));
        int workers = cfg.integer("train.workers");
        int batch = cfg.integer("train.batchSizePerWorker");
        RowExamples ex = plan.trainExamples();
        if (ex.inputSize() != plan.network().input().size()) {
            throw new IllegalStateException("the feed makes " + ex.inputSize() + " input floats per example, the network takes "
                    + plan.network().input().size());
        }
        return new Prepared(c, plan, source, split, 0, workers, batch, cfg.longValue("run.seed"), ex.inputSize(),
                ex.targetSize());
    }

    /**
     * Fills the worker's minibatches on this thread, as RoundWorker does (one feed kept open, steps
     * addressed by (epoch, step in epoch), going on into the next epoch): warmupExamples first,
     * then reps timed repetitions of examples each (whole minibatches, rounded up).
     */
    public static FeedTiming timeFeed(Prepared p) {
        Case c = p.c();
        int batch = p.batch();
        long perEpoch = p.stepsPerEpoch();
        if (perEpoch < 1) throw new IllegalStateException("the split gives worker " + p.worker() + " no minibatch of " + batch);
        int warmSteps = ceilDiv(c.warmupExamples(), batch);
        int repSteps = Math.max(1, ceilDiv(c.examples(), batch));
        float[] x = new float[batch * p.inputSize()];
        float[] y = new float[batch * p.targetSize()];
        float[] firstTimed = null;
        double[] seconds = new double[c.reps()];
        long g = 0, examples = 0;
        try (BatchFeed feed = p.source().open(p.worker(), p.workers(), batch, p.seed())) {
            for (int s = 0; s < warmSteps; s++, g++) {
                feed.fill(g / perEpoch, g % perEpoch, x, y);
                examples += batch;
            }
            for (int r = 0; r < c.reps(); r++) {
                long start = System.nanoTime();
                for (int s = 0; s < repSteps; s++, g++) {
                    feed.fill(g / perEpoch, g % perEpoch, x, y);
                }
                seconds[r] = (System.nanoTime() - start) * 1e-9;
                examples += (long) repSteps * batch;
                if (firstTimed == null) firstTimed = x.clone();
            }
        }
        return new FeedTiming(repSteps * batch, seconds, examples, g, x, y, firstTimed);
    }

    /**
     * The worker's replica (ModelRecipe.build, as RoundWorker builds it) training on a minibatch of
     * the feed's: warmup untimed steps, then steps timed ones.
     */
    public static TrainTiming timeTraining(Prepared p, int threads, float[] inputs, float[] targets) {
        JobConfig cfg = p.plan().config();
        ModelRecipe recipe = ModelRecipe.of(p.plan().network(), cfg.trainerConfig(), p.batch(), BackendChoice.of(cfg),
                p.plan().layerTraining());
        Trainer trainer = recipe.build(threads, -1);
        Backend backend = trainer.network().backend();
        try {
            for (int i = 0; i < p.c().trainWarmup(); i++) {
                trainer.trainStep(inputs, 0, targets, 0);
                backend.finish();
            }
            double[] t = new double[p.c().trainSteps()];
            for (int i = 0; i < t.length; i++) {
                long start = System.nanoTime();
                trainer.trainStep(inputs, 0, targets, 0);
                backend.finish();
                t[i] = (System.nanoTime() - start) * 1e-9;
            }
            return new TrainTiming(p.batch(), t, backend.name());
        } finally {
            backend.close();
        }
    }

    /**
     * Where a feed example's time goes, on this thread: reading a block of encoded rows from the
     * shards (ShardRowReader, as the feed reads its blocks) and decoding their images alone
     * (ImageTransform.decode, the first step of the transform), in microseconds per example.
     */
    public record Parts(int rows, double readMicros, double decodeMicros) {}

    public static Parts timeParts(Prepared p, Configuration hadoop) {
        int blockRows = p.plan().config().integer("data.shuffleBlockRows");
        int n = (int) Math.min(p.split().rows(), Math.min(blockRows, Math.max(p.c().examples(), p.batch())));
        ShardRowReader reader = new ShardRowReader(p.split(), hadoop, p.plan().trainExamples().kind());
        io.sparkcnn.jobs.data.ImageTransform transform = p.plan().trainTransform();
        EncodedRows warm = reader.read(0, Math.min(n, 64)); // warm-up: class loading, the first file open
        for (int i = 0; i < warm.size(); i++) transform.decode(warm, i);
        long start = System.nanoTime();
        EncodedRows rows = reader.read(0, n);
        double read = (System.nanoTime() - start) * 1e-3 / n;
        long pixels = 0;
        start = System.nanoTime();
        for (int i = 0; i < n; i++) pixels += transform.decode(rows, i).pixels().length;
        double decode = (System.nanoTime() - start) * 1e-3 / n;
        if (pixels == 0) throw new IllegalStateException("no pixels decoded");
        return new Parts(n, read, decode);
    }

    /** What the split's first row is stored as: encoding, stored width x height, payload bytes. */
    static Map<String, Object> storedRow(Prepared p, Configuration hadoop) {
        EncodedRows r = new ShardRowReader(p.split(), hadoop, p.plan().trainExamples().kind()).read(0, 1);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("encoding", r.encodings[0]);
        m.put("width", r.widths[0]);
        m.put("height", r.heights[0]);
        m.put("bytes", r.images[0].length);
        return m;
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    private static int ceilDiv(int a, int b) { return (a + b - 1) / b; }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    // ---- the command ----

    static final String USAGE = """
            usage: FeedBench [defaults] --case NAME --config FILE [--set key=value]... [case options] [--case ...]
              defaults / case options: --examples N (timed per rep, default 2048) --warmup N (examples, default 512)
                --reps N (default 5) --train-warmup N (steps, default 2) --train-steps N (default 5)
                (before the first --case: defaults of every case; after one: that case's)
              global: --threads N (training threads, default all cores) --out PREFIX (writes PREFIX.json, PREFIX.tsv)
            """;

    public static void main(String[] args) throws IOException {
        int threads = Runtime.getRuntime().availableProcessors();
        String out = null;
        Map<String, Integer> defaults = new LinkedHashMap<>(Map.of("--examples", 2048, "--warmup", 512, "--reps", 5,
                "--train-warmup", 2, "--train-steps", 5));
        List<Map<String, Object>> specs = new ArrayList<>();
        Map<String, Object> current = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                System.out.print(USAGE);
                return;
            }
            if (i + 1 >= args.length) usage("missing value after " + a);
            String v = args[++i];
            switch (a) {
                case "--threads" -> threads = Integer.parseInt(v);
                case "--out" -> out = v;
                case "--case" -> {
                    current = new LinkedHashMap<>();
                    current.put("name", v);
                    current.put("sets", new ArrayList<String>());
                    specs.add(current);
                }
                case "--config", "--set" -> {
                    if (current == null) usage(a + " before any --case");
                    if (a.equals("--config")) current.put("config", v);
                    else cast(current.get("sets")).add(v);
                }
                case "--examples", "--warmup", "--reps", "--train-warmup", "--train-steps" -> {
                    if (current == null) defaults.put(a, Integer.parseInt(v));
                    else current.put(a, Integer.parseInt(v));
                }
                default -> usage("unknown option " + a);
            }
        }
        if (specs.isEmpty()) usage("no --case");
        List<Case> cases = new ArrayList<>();
        for (Map<String, Object> s : specs) {
            if (!s.containsKey("config")) usage("case " + s.get("name") + " has no --config");
            java.util.function.Function<String, Integer> opt = k -> (Integer) s.getOrDefault(k, defaults.get(k));
            cases.add(new Case((String) s.get("name"), new File((String) s.get("config")), cast(s.get("sets")),
                    opt.apply("--warmup"), opt.apply("--examples"), opt.apply("--reps"), opt.apply("--train-warmup"),
                    opt.apply("--train-steps")));
        }
        run(cases, threads, out, System.out);
    }

    @SuppressWarnings("unchecked")
    private static List<String> cast(Object o) { return (List<String>) o; }

    private static void usage(String why) {
        System.err.println("FeedBench: " + why);
        System.err.print(USAGE);
        System.exit(2);
    }

    static void run(List<Case> cases, int threads, String out, PrintStream console) throws IOException {
        Configuration hadoop = new Configuration();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("started", Instant.now().toString());
        report.put("loadAverageStart", loadAverage());
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("trainingThreads", threads);
        report.put("openblasThreads", System.getenv().getOrDefault("OPENBLAS_NUM_THREADS", "unset"));
        console.printf(Locale.ROOT, "feed-throughput: %d cores, training on %d threads (OPENBLAS_NUM_THREADS=%s), the feed on 1;"
                + " load average %s%n", Runtime.getRuntime().availableProcessors(), threads,
                report.get("openblasThreads"), report.get("loadAverageStart"));
        List<Map<String, Object>> results = new ArrayList<>();
        List<String> tsv = new ArrayList<>();
        tsv.add("case\tpart\trep\texamples\tseconds\texamples_per_s");
        for (Case c : cases) {
            Prepared p = prepare(c, hadoop);
            JobConfig cfg = p.plan().config();
            Map<String, Object> stored = storedRow(p, hadoop);
            String aug = augmentation(cfg);
            console.printf(Locale.ROOT, "%n== %s: %s (%s), model %s %s, batch %d, worker 0 of %d, split '%s' %,d rows, stored %s %dx%d"
                            + " (%,d bytes), shuffle blocks of %d rows%n   augmentation: %s%n",
                    c.name(), c.config(), String.join(" ", c.overrides()), p.plan().network().name(), p.plan().network().input(),
                    p.batch(), p.workers(), p.split().split(), p.split().rows(), stored.get("encoding"), stored.get("width"),
                    stored.get("height"), stored.get("bytes"), cfg.integer("data.shuffleBlockRows"), aug);
            String loadBefore = loadAverage();
            FeedTiming feed = timeFeed(p);
            double[] feedRates = feed.examplesPerSecond();
            console.printf(Locale.ROOT, "   feed, 1 thread, %d warm-up + %d reps x %d examples: median %.1f examples/s; reps %s%n",
                    ceilDiv(c.warmupExamples(), p.batch()) * p.batch(), c.reps(), feed.examplesPerRep(), feed.median(),
                    list(feedRates));
            for (int r = 0; r < feedRates.length; r++) {
                tsv.add(String.format(Locale.ROOT, "%s\tfeed\t%d\t%d\t%.4f\t%.2f", c.name(), r + 1, feed.examplesPerRep(),
                        feed.seconds()[r], feedRates[r]));
            }
            Parts parts = timeParts(p, hadoop);
            double perExample = 1e6 / feed.median();
            console.printf(Locale.ROOT, "   per example %.1f us: reading rows %.1f, decoding %.1f, the rest (crop/resize, flip, jitter,"
                            + " normalise; by difference) %.1f (parts timed on %d rows)%n", perExample, parts.readMicros(),
                    parts.decodeMicros(), perExample - parts.readMicros() - parts.decodeMicros(), parts.rows());
            TrainTiming train = timeTraining(p, threads, feed.lastInputs(), feed.lastTargets());
            double[] trainRates = train.examplesPerSecond();
            console.printf(Locale.ROOT, "   training (%s, %d threads), %d warm-up + %d steps of batch %d: median %.1f examples/s"
                            + " (step %.1f ms); steps %s%n", train.backend(), threads, c.trainWarmup(), c.trainSteps(), p.batch(),
                    train.median(), 1e3 * median(train.seconds()), list(trainRates));
            for (int r = 0; r < trainRates.length; r++) {
                tsv.add(String.format(Locale.ROOT, "%s\ttraining\t%d\t%d\t%.4f\t%.2f", c.name(), r + 1, p.batch(),
                        train.seconds()[r], trainRates[r]));
            }
            double ratio = feed.median() / train.median();
            // a worker fills its minibatch, then trains on it, on the same thread: the feed's share of a step
            double share = train.median() / (feed.median() + train.median());
            console.printf(Locale.ROOT, "   feed / training = %.2f; decoding inline, a worker would spend %.0f%% of each step"
                    + " in the feed (%.1f examples/s instead of %.1f)%n", ratio, 100 * share,
                    1 / (1 / feed.median() + 1 / train.median()), train.median());
            String loadAfter = loadAverage();
            console.printf("   load average before / after: %s / %s%n", loadBefore, loadAfter);

            Map<String, Object> m = new LinkedHashMap<>();
            m.put("case", c.name());
            m.put("config", c.config().getPath());
            m.put("overrides", c.overrides());
            m.put("model", p.plan().network().name());
            m.put("input", p.plan().network().input().toString());
            m.put("batch", p.batch());
            m.put("worker", p.worker());
            m.put("workers", p.workers());
            m.put("splitRows", p.split().rows());
            m.put("stored", stored);
            m.put("shuffleBlockRows", cfg.integer("data.shuffleBlockRows"));
            m.put("augmentation", aug);
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("threads", 1);
            f.put("warmupExamples", ceilDiv(c.warmupExamples(), p.batch()) * p.batch());
            f.put("examplesPerRep", feed.examplesPerRep());
            f.put("seconds", feed.seconds());
            f.put("examplesPerSecond", feedRates);
            f.put("medianExamplesPerSecond", feed.median());
            f.put("partsRows", parts.rows());
            f.put("readMicrosPerExample", parts.readMicros());
            f.put("decodeMicrosPerExample", parts.decodeMicros());
            m.put("feed", f);
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("backend", train.backend());
            t.put("threads", threads);
            t.put("warmupSteps", c.trainWarmup());
            t.put("stepSeconds", train.seconds());
            t.put("examplesPerSecond", trainRates);
            t.put("medianExamplesPerSecond", train.median());
            m.put("training", t);
            m.put("feedOverTraining", ratio);
            m.put("feedShareOfInlineStep", share);
            m.put("loadAverageBefore", loadBefore);
            m.put("loadAverageAfter", loadAfter);
            results.add(m);
        }
        report.put("cases", results);
        report.put("loadAverageEnd", loadAverage());
        console.printf("%nload average at the end: %s%n", report.get("loadAverageEnd"));
        if (out != null) {
            Path json = Path.of(out + ".json"), table = Path.of(out + ".tsv");
            if (json.getParent() != null) Files.createDirectories(json.getParent());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report);
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(table))) {
                for (String line : tsv) w.println(line);
            }
            console.println("wrote " + json + " and " + table);
        }
    }

    private static String augmentation(JobConfig cfg) {
        List<String> on = new ArrayList<>();
        if (cfg.bool("augment.randomResizedCrop")) {
            on.add(String.format(Locale.ROOT, "random resized crop (scale %s-%s)", cfg.decimal("augment.scaleMin"),
                    cfg.decimal("augment.scaleMax")));
        }
        if (cfg.bool("augment.horizontalFlip")) on.add("horizontal flip");
        if (cfg.integer("augment.padCrop") > 0) on.add("pad-crop " + cfg.integer("augment.padCrop"));
        if (cfg.decimal("augment.brightness") > 0 || cfg.decimal("augment.contrast") > 0 || cfg.decimal("augment.saturation") > 0) {
            on.add(String.format(Locale.ROOT, "colour jitter %s/%s/%s", cfg.decimal("augment.brightness"),
                    cfg.decimal("augment.contrast"), cfg.decimal("augment.saturation")));
        }
        return on.isEmpty() ? "none" : String.join(", ", on);
    }

    private static String list(double[] v) {
        StringBuilder b = new StringBuilder();
        for (double d : v) b.append(b.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.1f", d));
        return b.toString();
    }
}
