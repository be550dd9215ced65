package io.sparkcnn.model.train;

import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.checkpoint.Checkpoint;
import io.sparkcnn.model.data.IdxReader;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.tensor.Shape;
import io.sparkcnn.model.zoo.ModelZoo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Transfer learning on Fashion-MNIST in one process: LeNet-5 pretrained on classes 0-4, then
 * fine-tuned on classes 5-9 (relabelled 0-4) with its convolutions frozen and a new head (fc3 not
 * copied), against the same network trained from scratch for the same few steps; prints both test
 * accuracies on classes 5-9. Flags: --data DIR --threads N --pretrain-epochs N --steps N[,N...] --batch N.
 */
public final class FineTuneDemo {
    private FineTuneDemo() {}

    /** Images and labels of the classes in [from, from+5), relabelled from 0, normalised. */
    record Subset(float[] x, float[] y, int count) {}

    static Subset subset(IdxReader.Labeled split, int from) {
        float[] all = split.images().toFloats(FashionMnistMain.MEAN, FashionMnistMain.STD);
        int px = split.images().rows() * split.images().cols(), n = 0;
        for (byte l : split.labels()) if (l >= from && l < from + 5) n++;
        float[] x = new float[n * px], y = new float[n];
        for (int i = 0, k = 0; i < split.labels().length; i++) {
            int l = split.labels()[i];
            if (l < from || l >= from + 5) continue;
            System.arraycopy(all, i * px, x, k * px, px);
            y[k++] = l - from;
        }
        return new Subset(x, y, n);
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> f = new java.util.HashMap<>(Map.of("data", FashionMnistMain.DEFAULT_DATA.toString(),
                "threads", Integer.toString(Runtime.getRuntime().availableProcessors()), "pretrain-epochs", "2",
                "steps", "100", "batch", "32"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--") || !f.containsKey(args[i].substring(2))) throw new IllegalArgumentException("unknown flag " + args[i]);
            f.put(args[i].substring(2), args[i + 1]);
        }
        Path data = Path.of(f.get("data"));
        int threads = Integer.parseInt(f.get("threads"));
        int[] stepCounts = java.util.Arrays.stream(f.get("steps").split(",")).mapToInt(Integer::parseInt).toArray();
        int batch = Integer.parseInt(f.get("batch")), epochs = Integer.parseInt(f.get("pretrain-epochs"));
        IdxReader.Labeled train = IdxReader.readSplit(data, "train"), test = IdxReader.readSplit(data, "t10k");
        Subset preTrain = subset(train, 0), ftTrain = subset(train, 5), ftTest = subset(test, 5);
        NetworkSpec spec = ModelZoo.build("lenet5", 5, Shape.of(1, 28, 28));
        TrainerConfig adam = TrainerConfig.defaults().with("optimizer", "adam").with("learningRate", 0.002)
                .with("batchSize", batch).with("seed", 7L);
        try (CpuBackend backend = new CpuBackend(threads)) { // the pretraining network's; each run below has its own
            System.out.printf(Locale.ROOT, "pretraining lenet5 on classes 0-4: %d examples, %d epochs of batch %d%n",
                    preTrain.count(), epochs, batch);
            Trainer pre = Trainer.create(spec, backend, adam);
            long t0 = System.nanoTime();
            trainSteps(pre, preTrain, epochs * (preTrain.count() / batch), 1);
            Checkpoint pretrained = Checkpoint.capture(pre.network(), "", "adam", 7, Map.of("step", pre.step()));
            System.out.printf(Locale.ROOT, "pretrained: %d steps in %.1f s%n", pre.step(), (System.nanoTime() - t0) / 1e9);

            for (int steps : stepCounts) {
                double scratch = fineTune(spec, threads, adam, ftTrain, ftTest, steps, null, "from scratch");
                double tuned = fineTune(spec, threads, adam, ftTrain, ftTest, steps, pretrained,
                        "fine-tuned (conv1, conv2 frozen; new head fc3)");
                System.out.printf(Locale.ROOT, "classes 5-9 after %d steps of batch %d: from scratch %.2f%%, fine-tuned %.2f%%%n",
                        steps, batch, 100 * scratch, 100 * tuned);
            }
        }
    }

    private static double fineTune(NetworkSpec spec, int threads, TrainerConfig config, Subset train, Subset test,
                                   int steps, Checkpoint from, String what) {
        try (CpuBackend backend = new CpuBackend(threads)) {
            return fineTune(spec, backend, config, train, test, steps, from, what);
        }
    }

    private static double fineTune(NetworkSpec spec, CpuBackend backend, TrainerConfig config, Subset train, Subset test,
                                   int steps, Checkpoint from, String what) {
        Trainer t = Trainer.create(spec, backend, config.with("seed", 11L));
        if (from != null) {
            Network net = t.network();
            float[] p = net.params().clone(), b = net.buffers().clone();
            WeightTransfer.Report r = WeightTransfer.copy(from, "pretrained", spec, p, b, List.of("fc3"));
            net.setParams(p);
            net.setBuffers(b);
            System.out.println(r.summary());
            new LayerTraining(List.of("conv"), Map.of(), true).applyTo(t);
        }
        trainSteps(t, train, steps, 5);
        Evaluation e = t.evaluate(test.x(), 0, test.y(), 0, test.count());
        System.out.printf(Locale.ROOT, "%s: test accuracy on classes 5-9 %.2f%% (%d/%d)%n", what, 100 * e.accuracy(),
                e.correct(), e.count());
        return e.accuracy();
    }

    private static void trainSteps(Trainer t, Subset d, int steps, long seed) {
        int px = 28 * 28;
        ShuffledBatches batches = new ShuffledBatches(d.x(), d.y(), d.count(), px, 1, t.network().batch(), seed);
        int epoch = 0;
        batches.startEpoch(epoch);
        for (int s = 0, b = 0; s < steps; s++, b++) {
            if (b == batches.batchesPerEpoch()) {
                batches.startEpoch(++epoch);
                b = 0;
            }
            batches.fill(b);
            t.trainStep(batches.inputs(), 0, batches.targets(), 0);
        }
    }
}
