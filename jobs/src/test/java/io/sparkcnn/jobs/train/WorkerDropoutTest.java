package io.sparkcnn.jobs.train;

import io.sparkcnn.jobs.SharedSpark;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.Activate;
import io.sparkcnn.model.layers.Dense;
import io.sparkcnn.model.layers.Dropout;
import io.sparkcnn.model.layers.Flatten;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
import io.sparkcnn.model.tensor.Shape;
import io.sparkcnn.model.train.Trainer;
import io.sparkcnn.model.train.TrainerConfig;
import org.apache.spark.broadcast.Broadcast;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Each worker of a round draws its own dropout masks (from the run seed and its index), and
 * a run with dropout is still bit-identical when repeated.
 */
class WorkerDropoutTest extends SharedSpark {
    private static final long SEED = 7;

    private static NetworkSpec net(boolean dropout) {
        NetworkSpec.Builder b = NetworkSpec.builder("dropnet", Shape.of(1, 4, 4)).add(new Flatten()).add(new Dense(24))
                .add(Activate.relu());
        if (dropout) b.add(new Dropout(0.5f));
        return b.add(new Dense(TinyNet.CLASSES)).loss(new SoftmaxCrossEntropy()).build();
    }

    private static ModelRecipe recipe(boolean dropout) {
        TrainerConfig t = TrainerConfig.defaults().with("optimizer", "sgd").with("learningRate", 0.05).with("seed", SEED);
        return ModelRecipe.of(net(dropout), t, 6, new BackendChoice("cpu", false, 1));
    }

    /** Every worker reads worker 0's minibatches: only dropout can make their gradients differ. */
    private static final class SameDataForAll implements TrainingSource {
        private final SyntheticSource data = new SyntheticSource(240, TinyNet.INPUT, TinyNet.CLASSES);

        @Override
        public long stepsPerEpoch(int workers, int batch) { return data.stepsPerEpoch(workers, batch); }

        @Override
        public BatchFeed open(int worker, int workers, int batch, long seed) { return data.open(0, workers, batch, seed); }

        @Override
        public String id() { return "same-for-all:" + data.id(); }
    }

    private float[][] gradientsOfWorkers(boolean dropout) {
        ModelRecipe recipe = recipe(dropout);
        Trainer init = recipe.build(1, -1);
        RoundInput in = new RoundInput(0, Aggregation.GRADIENTS, init.network().params().clone(),
                init.network().buffers().clone(), null, 3, 0, 3, 1);
        init.network().close();
        Broadcast<RoundInput> bc = sc.broadcast(in);
        try {
            RoundWorker worker = new RoundWorker("dropout-test", new SameDataForAll(), recipe, 2, SEED, false);
            return new float[][] {worker.run(0, bc).next().vector(), worker.run(1, bc).next().vector(),
                    worker.run(0, bc).next().vector()};
        } finally {
            bc.destroy();
        }
    }

    @Test
    void twoWorkersOnTheSameMinibatchDropDifferentUnits() {
        float[][] g = gradientsOfWorkers(true);
        assertFalse(Arrays.equals(g[0], g[1]), "workers 0 and 1 drew the same dropout mask");
        assertArrayEquals(g[0], g[2], "worker 0's step repeated draws the same mask");
    }

    @Test
    void withoutDropoutTheSameMinibatchGivesTheSameGradient() {
        // the control: the two workers really saw the same data and the same model
        float[][] g = gradientsOfWorkers(false);
        assertArrayEquals(g[0], g[1]);
    }

    @Test
    void aRunWithDropoutRepeatsBitForBit() {
        float[][] finals = new float[2][];
        for (int run = 0; run < 2; run++) {
            DriverSettings s = new DriverSettings(3, 4, Aggregation.PARAMETERS, true, 2, 1, 0, SEED);
            ParameterAveraging d = new ParameterAveraging(sc, new SyntheticSource(240, TinyNet.INPUT, TinyNet.CLASSES),
                    recipe(true), s, "dropout");
            finals[run] = d.run(d.initialState(), (state, m) -> true).params();
        }
        assertArrayEquals(finals[0], finals[1]);
    }
}
