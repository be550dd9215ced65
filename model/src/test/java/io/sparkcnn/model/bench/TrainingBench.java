package io.sparkcnn.model.bench;

import io.sparkcnn.model.backend.Backend;
import io.sparkcnn.model.train.Trainer;
import io.sparkcnn.model.train.TrainerConfig;
import io.sparkcnn.model.zoo.ModelZoo;

import java.util.Random;

/**
 * A zoo model in the real {@link Trainer}, ready to time training steps: SGD with momentum
 * 0.9 (what the PyTorch script runs too) on one fixed random minibatch.
 */
final class TrainingBench implements AutoCloseable {
    private final Backend backend;
    private final Trainer trainer;
    private final float[] inputs, labels;

    TrainingBench(TrainCase c, Backend backend) {
        this.backend = backend;
        TrainerConfig config = TrainerConfig.defaults()
                .with("batchSize", c.batch())
                .with("optimizer", "sgd")
                .with("learningRate", 0.01)
                .with("momentum", 0.9);
        trainer = Trainer.create(ModelZoo.build(c.zooModel(), c.classes(), c.input()), backend, config);
        inputs = new float[c.batch() * c.input().size()];
        labels = new float[c.batch()];
        Random rnd = new Random(3);
        for (int i = 0; i < inputs.length; i++) inputs[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < labels.length; i++) labels[i] = rnd.nextInt(c.classes());
    }

    /** Seconds of each timed training step. */
    double[] seconds(Warmup warmup, int reps) {
        return Timer.seconds(warmup, reps, () -> {
            trainer.trainStep(inputs, 0, labels, 0);
            backend.finish();
        });
    }

    /** The ops that took the most time over steps steps, after warm-up ones, on a fresh profiled backend. */
    static String profile(TrainCase c, Backend plain, int warmup, int steps) {
        OpProfile profile = new OpProfile();
        try (TrainingBench bench = new TrainingBench(c, profile.wrap(plain))) {
            bench.seconds(Warmup.forRound(warmup, 0), 1);
            profile.reset();
            double median = Timer.median(bench.seconds(Warmup.calls(0), steps));
            return String.format("%s: median step %.1f ms (profiled)%n", c.name(), median * 1e3) + profile.top(Integer.getInteger("bench.profileTop", 15), steps);
        }
    }

    @Override
    public void close() { backend.close(); }
}
