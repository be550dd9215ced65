package io.sparkcnn.model.train;

import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.data.IdxReader;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.tensor.Shape;
import io.sparkcnn.model.zoo.ModelZoo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Trains LeNet-5 (or another zoo model for 28x28x1) on the real Fashion-MNIST in one process
 * on the CPU backend and prints the test accuracy; progress after every epoch. Flags:
 * {@code --data DIR --threads N --train-limit N --test-limit N --model NAME} and any training
 * setting of {@link TrainerConfig} as {@code --name value} (e.g. {@code --epochs 5 --learningRate 0.01}).
 */
public final class FashionMnistMain {
    public static final Path DEFAULT_DATA = Path.of("/usr/share/datasets/fashion-mnist");
    /** Pixel mean and standard deviation of the Fashion-MNIST training set (on [0, 1]). */
    static final float MEAN = 0.2860f, STD = 0.3530f;
    private static final int CLASSES = 10;

    /**
     * This job's defaults where they differ from TrainerConfig's: Adam with cosine decay over
     * the run, which on LeNet learns faster per epoch than SGD with Nesterov momentum did here.
     */
    static final Map<String, Object> JOB_DEFAULTS = jobDefaults();

    private static Map<String, Object> jobDefaults() {
        Map<String, Object> m = new LinkedHashMap<>(); // ordered, for --help
        m.put("optimizer", "adam");
        m.put("learningRate", 0.002);
        m.put("schedule", "cosine");
        m.put("batchSize", 64);
        m.put("epochs", 10);
        m.put("seed", 42L);
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Settings of one run besides the training ones (which are TrainerConfig names, resolved once the data size is known). */
    record Options(Path data, int threads, int trainLimit, int testLimit, String model, boolean flip,
                   Map<String, Object> training) {}

    /** What a run reached. */
    public record Result(Evaluation test, long steps, double seconds) {
        public double testAccuracy() { return test.accuracy(); }
    }

    private FashionMnistMain() {}

    public static void main(String[] args) {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        if (o == null) {
            System.out.println(usage());
            return;
        }
        Result r;
        try {
            r = run(o, System.out);
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.out.printf(Locale.ROOT, "test accuracy: %.2f%% (%d/%d) after %d steps in %.1f s%n",
                100 * r.testAccuracy(), r.test().correct(), r.test().count(), r.steps(), r.seconds());
    }

    /** Parses the flags; null when help was asked for. */
    static Options parse(String[] args) {
        Path data = DEFAULT_DATA;
        int threads = Runtime.getRuntime().availableProcessors(), trainLimit = 0, testLimit = 0;
        String model = "lenet5";
        boolean flip = false;
        Map<String, Object> training = new LinkedHashMap<>(JOB_DEFAULTS);
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) return null;
            if (!flag.startsWith("--")) throw new IllegalArgumentException("unexpected argument '" + flag + "'");
            String name = flag.substring(2), value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else {
                if (i + 1 >= args.length) throw new IllegalArgumentException(flag + " needs a value");
                value = args[++i];
            }
            switch (name) {
                case "data" -> data = Path.of(value);
                case "threads" -> threads = positive(name, value);
                case "train-limit" -> trainLimit = positive(name, value);
                case "test-limit" -> testLimit = positive(name, value);
                case "model" -> model = value;
                case "flip" -> flip = bool(name, value);
                default -> {
                    if (!TrainerConfig.names().contains(name)) throw new IllegalArgumentException("unknown flag --" + name);
                    training.put(name, value);
                }
            }
        }
        return new Options(data, threads, trainLimit, testLimit, model, flip, training);
    }

    private static int positive(String name, String value) {
        try {
            int v = Integer.parseInt(value);
            if (v > 0) return v;
        } catch (NumberFormatException e) {
            // reported below with the flag's name
        }
        throw new IllegalArgumentException("--" + name + " needs a positive whole number, got '" + value + "'");
    }

    private static boolean bool(String name, String value) {
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) return Boolean.parseBoolean(value);
        throw new IllegalArgumentException("--" + name + " needs true or false, got '" + value + "'");
    }

    static String usage() {
        return "usage: FashionMnistMain [--data DIR] [--threads N] [--train-limit N] [--test-limit N] [--model NAME]"
                + " [--flip true|false] [--SETTING VALUE ...]\n"
                + "  --data         directory with the idx files (default " + DEFAULT_DATA + ", Debian package dataset-fashion-mnist)\n"
                + "  --threads      CPU threads (default: all cores)\n"
                + "  --train-limit  use the first N training examples (default: all 60000)\n"
                + "  --test-limit   score the first N test examples (default: all 10000)\n"
                + "  --model        zoo model for 28x28x1 inputs (default lenet5)\n"
                + "  --flip         mirror training images left-right at random (default false)\n"
                + "training settings (this job's defaults: " + JOB_DEFAULTS + "; cosine and polynomial schedules span the"
                + " whole run unless totalSteps is given):\n" + TrainerConfig.describe();
    }

    /** Loads the data, trains, scores the test split after every epoch and returns the last score. */
    public static Result run(Options o, PrintStream out) throws IOException {
        if (!Files.isDirectory(o.data())) {
            throw new IOException(o.data() + " does not exist: install the Debian package dataset-fashion-mnist or pass --data");
        }
        IdxReader.Labeled train = IdxReader.readSplit(o.data(), "train");
        IdxReader.Labeled test = IdxReader.readSplit(o.data(), "t10k");
        int trainCount = limit(train.images().count(), o.trainLimit());
        int testCount = limit(test.images().count(), o.testLimit());
        int side = train.images().rows();
        NetworkSpec spec = ModelZoo.build(o.model(), CLASSES, Shape.of(1, side, train.images().cols()));

        Map<String, Object> settings = new LinkedHashMap<>(o.training());
        TrainerConfig probe = TrainerConfig.fromMap(withTotalSteps(settings, 1));
        long stepsPerEpoch = trainCount / probe.batchSize();
        TrainerConfig config = TrainerConfig.fromMap(withTotalSteps(settings, stepsPerEpoch * probe.epochs()));

        float[] trainX = train.images().toFloats(MEAN, STD), trainY = train.labelFloats();
        float[] testX = test.images().toFloats(MEAN, STD), testY = test.labelFloats();
        try (CpuBackend backend = new CpuBackend(o.threads())) {
            Trainer trainer = Trainer.create(spec, backend, config);
            ShuffledBatches batches = new ShuffledBatches(trainX, trainY, trainCount, trainer.network().inputSize(), 1,
                    config.batchSize(), config.seed());
            if (o.flip()) batches.withHorizontalFlip(train.images().cols());
            out.printf(Locale.ROOT, "%s on Fashion-MNIST: %d parameters, %d training and %d test examples, %s%n",
                    o.model(), trainer.network().paramCount(), trainCount, testCount, backend.deviceDescription());
            out.println("training: " + config.newOptimizer().toConfig() + " " + config.newLrSchedule().toConfig()
                    + " batchSize=" + config.batchSize() + " epochs=" + config.epochs() + " flip=" + o.flip());
            long start = System.nanoTime();
            Evaluation score = null;
            for (int epoch = 0; epoch < config.epochs(); epoch++) {
                long epochStart = System.nanoTime();
                batches.startEpoch(epoch);
                double lossSum = 0;
                for (int b = 0; b < batches.batchesPerEpoch(); b++) {
                    batches.fill(b);
                    lossSum += trainer.trainStep(batches.inputs(), 0, batches.targets(), 0);
                }
                double trainSeconds = (System.nanoTime() - epochStart) / 1e9;
                score = trainer.evaluate(testX, 0, testY, 0, testCount);
                out.printf(Locale.ROOT, "epoch %2d/%d  train loss %.4f  lr %.5f  test loss %.4f  test accuracy %.2f%%  %.1f s (%.0f examples/s)%n",
                        epoch + 1, config.epochs(), lossSum / batches.batchesPerEpoch(), trainer.lastLearningRate(),
                        score.meanLoss(), 100 * score.accuracy(), trainSeconds,
                        batches.batchesPerEpoch() * (double) config.batchSize() / trainSeconds);
            }
            return new Result(score, trainer.step(), (System.nanoTime() - start) / 1e9);
        }
    }

    private static int limit(int available, int limit) { return limit > 0 ? Math.min(available, limit) : available; }

    /** Cosine and polynomial decay span the whole run unless totalSteps is set. */
    private static Map<String, Object> withTotalSteps(Map<String, Object> settings, long total) {
        Map<String, Object> m = new LinkedHashMap<>(settings);
        m.putIfAbsent("totalSteps", Math.max(1, total));
        return m;
    }
}
