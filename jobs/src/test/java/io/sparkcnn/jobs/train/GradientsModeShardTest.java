package io.sparkcnn.jobs.train;

import io.sparkcnn.jobs.JobPlan;
import io.sparkcnn.jobs.SharedSpark;
import io.sparkcnn.jobs.TinyShards;
import io.sparkcnn.jobs.config.JobConfig;
import io.sparkcnn.model.train.Trainer;
import io.sparkcnn.model.train.TrainerConfig;
import org.apache.spark.util.SerializableConfiguration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gradients mode is synchronous SGD: W workers at batch b take the same steps as one replica
 * at batch W*b on the union of their minibatches. Shown with plain SGD (no momentum), whose
 * step is proportional to the gradient, so a wrong scale (a sum instead of the mean over
 * workers) moves the parameters W times too far and fails; the minibatches come from
 * Parquet shards through the real reader, augmentation included.
 */
class GradientsModeShardTest extends SharedSpark {
    private static final int WORKERS = 4, BATCH = 5, STEPS = 4;
    private static final long SEED = 11;

    @TempDir
    static Path tmp;
    private JobPlan plan;

    @BeforeAll
    void writeShards() throws IOException {
        String data = TinyShards.write(spark, tmp.resolve("shards").toUri().toString(), 200, 8);
        Path network = tmp.resolve("tinycnn.conf");
        Files.writeString(network, TinyShards.networkConfig());
        JobConfig cfg = JobConfig.load(null, List.of("run.dir=" + tmp.resolve("run").toUri(), "data.path=" + data,
                "model.file=" + network, "model.input=[1, 12, 12]", "model.classes=4", "data.shuffleBlockRows=16",
                "augment.padCrop=1", "augment.brightness=0.2"));
        plan = JobPlan.prepare(cfg, sc.hadoopConfiguration());
    }

    private ModelRecipe recipe(int batch) {
        TrainerConfig t = TrainerConfig.defaults().with("optimizer", "sgd").with("learningRate", 0.2)
                .with("momentum", 0.0).with("seed", SEED);
        return ModelRecipe.of(plan.network(), t, batch, new BackendChoice("cpu", false, 1));
    }

    private ShardSource shards() {
        return new ShardSource(plan.split("train", "data.trainSplit"), plan.trainTransform(), 16, TinyShards.CLASSES,
                new SerializableConfiguration(sc.hadoopConfiguration()));
    }

    @Test
    void fourWorkersAtBatch5TakeTheStepsOfOneReplicaAtBatch20OnTheirShardRows() {
        ShardSource source = shards();
        DriverSettings settings = new DriverSettings(WORKERS, 1, Aggregation.GRADIENTS, true, 2, 1, STEPS, SEED);
        ParameterAveraging four = new ParameterAveraging(sc, source, recipe(BATCH), settings, "gradients");
        TrainingState distributed = four.run(four.initialState(), (state, m) -> true);
        assertEquals(STEPS, distributed.step());

        // one replica at batch W*b, fed worker 0's rows, then worker 1's, ... of each step, read by the same feeds
        Trainer one = recipe(WORKERS * BATCH).build(1, -1);
        assertArrayEquals(four.initialState().params(), one.network().params(), "both start from the seed's parameters");
        int in = one.network().inputSize();
        float[] x = new float[WORKERS * BATCH * in], y = new float[WORKERS * BATCH];
        float[] xw = new float[BATCH * in], yw = new float[BATCH];
        BatchFeed[] feeds = new BatchFeed[WORKERS];
        for (int w = 0; w < WORKERS; w++) feeds[w] = source.open(w, WORKERS, BATCH, SEED);
        for (int s = 0; s < STEPS; s++) {
            for (int w = 0; w < WORKERS; w++) {
                feeds[w].fill(0, s, xw, yw);
                System.arraycopy(xw, 0, x, w * BATCH * in, BATCH * in);
                System.arraycopy(yw, 0, y, w * BATCH, BATCH);
            }
            one.trainStep(x, 0, y, 0);
        }
        float[] init = four.initialState().params(), expected = one.network().params();
        double moved = 0, diff = 0;
        for (int i = 0; i < init.length; i++) {
            moved = Math.max(moved, Math.abs(expected[i] - init[i]));
            diff = Math.max(diff, Math.abs(distributed.params()[i] - expected[i]));
        }
        assertTrue(moved > 1e-2, "training moved the parameters by " + moved);
        assertTrue(diff < 1e-5 * Math.max(1, moved), "4 workers x 5 vs 1 worker x 20 differ by " + diff
                + " (the parameters moved by " + moved + ")");
        one.network().close();
    }
}
