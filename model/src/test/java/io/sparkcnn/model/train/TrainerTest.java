package io.sparkcnn.model.train;

import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.graph.Network;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {
    private static final int BATCH = 8;

    private static TrainerConfig adamWithEverything() {
        return TrainerConfig.fromMap(Map.of("optimizer", "adamw", "learningRate", 0.01, "weightDecay", 0.01,
                "schedule", "cosine", "totalSteps", 40, "minLearningRate", 1e-4, "warmupSteps", 5,
                "clipNorm", 1.0, "batchSize", BATCH, "seed", 7));
    }

    /** Trains steps [from, to) over the data in order, returning the losses. */
    private static float[] train(Trainer t, SmallNets.Data d, int from, int to) {
        float[] losses = new float[to - from];
        for (int s = from; s < to; s++) {
            int e = (s * BATCH) % (d.count() - BATCH + 1);
            losses[s - from] = t.trainStep(d.inputs(), d.inputOffset(e), d.labels(), e);
        }
        return losses;
    }

    @Test
    void resumingFromParamsStateAndStepIsBitIdentical() {
        SmallNets.Data d = SmallNets.data(256, 1);
        int n = 10;
        TrainerConfig config = adamWithEverything();
        try (CpuBackend ba = new CpuBackend(2); CpuBackend bb = new CpuBackend(2); CpuBackend bc = new CpuBackend(2)) {
            Trainer whole = Trainer.create(SmallNets.cnn(), ba, config);
            float[] wholeLosses = train(whole, d, 0, 2 * n);

            Trainer first = Trainer.create(SmallNets.cnn(), bb, config);
            train(first, d, 0, n);
            float[] params = first.network().params().clone();
            float[] buffers = first.network().buffers().clone();
            float[] opt = first.optimizerState();
            long step = first.step();
            long dropoutSeed = first.network().dropoutSeed();

            // a fresh trainer from another seed: everything that matters must come from the restore
            Trainer resumed = Trainer.create(SmallNets.cnn(), bc, config.with("seed", 12345L));
            resumed.network().setParams(params);
            resumed.network().setBuffers(buffers);
            resumed.setOptimizerState(opt);
            resumed.setStep(step);
            resumed.network().setDropoutSeed(dropoutSeed);
            assertEquals(whole.step() - n, resumed.step());
            float[] resumedLosses = train(resumed, d, n, 2 * n);

            assertArrayEquals(java.util.Arrays.copyOfRange(wholeLosses, n, 2 * n), resumedLosses);
            assertArrayEquals(whole.network().params(), resumed.network().params(), "parameters");
            assertArrayEquals(whole.network().buffers(), resumed.network().buffers(), "batch-norm statistics");
            assertArrayEquals(whole.optimizerState(), resumed.optimizerState(), "optimizer state");
            assertEquals(whole.lastLearningRate(), resumed.lastLearningRate());
            assertEquals(2L * n, resumed.step());
            assertTrue(wholeLosses[2 * n - 1] < wholeLosses[0], "the small task is learnt: " + java.util.Arrays.toString(wholeLosses));
        }
    }

    @Test
    void resumingWithoutTheStepDiverges() {
        // the step carries the schedule, Adam's bias correction and the dropout masks: leaving it at 0 must show
        SmallNets.Data d = SmallNets.data(128, 2);
        TrainerConfig config = adamWithEverything();
        try (CpuBackend ba = new CpuBackend(2); CpuBackend bb = new CpuBackend(2)) {
            Trainer whole = Trainer.create(SmallNets.cnn(), ba, config);
            train(whole, d, 0, 10);
            float[] params = whole.network().params().clone();
            float[] buffers = whole.network().buffers().clone();
            float[] opt = whole.optimizerState();
            train(whole, d, 10, 12);

            Trainer reset = Trainer.create(SmallNets.cnn(), bb, config);
            reset.network().setParams(params);
            reset.network().setBuffers(buffers);
            reset.setOptimizerState(opt);
            train(reset, d, 10, 12);
            assertFalse(java.util.Arrays.equals(whole.network().params(), reset.network().params()));
        }
    }

    @Test
    void aNonFiniteLossStopsWithTheStepNumberAndKeepsTheLastGoodState() {
        SmallNets.Data d = SmallNets.data(64, 3);
        TrainerConfig config = TrainerConfig.fromMap(Map.of("optimizer", "sgd", "momentum", 0.9, "learningRate", 0.05,
                "batchSize", BATCH));
        try (CpuBackend b = new CpuBackend(2)) {
            Trainer t = Trainer.create(SmallNets.cnn(), b, config);
            train(t, d, 0, 3);
            Network net = t.network();
            float[] params = net.params().clone();
            float[] opt = t.optimizerState();

            float[] bad = d.inputs().clone();
            bad[5] = Float.NaN;
            NonFiniteLossException e = assertThrows(NonFiniteLossException.class,
                    () -> t.trainStep(bad, 0, d.labels(), 0));
            assertEquals(4, e.step());
            assertTrue(e.getMessage().contains("step 4"), e.getMessage());
            assertTrue(Float.isNaN(e.value()));
            assertEquals(3, t.step());
            assertEquals(3, net.step());
            assertArrayEquals(params, net.params(), "parameters are the last good ones");
            assertArrayEquals(opt, t.optimizerState(), "optimizer state is the last good one");

            float[] inf = d.inputs().clone();
            java.util.Arrays.fill(inf, 0, BATCH * 64, Float.POSITIVE_INFINITY);
            assertThrows(NonFiniteLossException.class, () -> t.trainStep(inf, 0, d.labels(), 0));

            float loss = t.trainStep(d.inputs(), 0, d.labels(), 0);
            assertTrue(Float.isFinite(loss));
            assertEquals(4, t.step());
        }
    }

    @Test
    void aNonFiniteGradientNormStopsBeforeTheUpdate() {
        SmallNets.Data d = SmallNets.data(64, 9);
        try (CpuBackend b = new CpuBackend(2)) {
            Trainer t = Trainer.create(SmallNets.cnn(), b, adamWithEverything());
            train(t, d, 0, 2);
            float[] params = t.network().params().clone();
            float[] opt = t.optimizerState();
            float[] grads = new float[t.network().paramCount()];
            grads[grads.length - 1] = Float.POSITIVE_INFINITY;
            t.writeGradients(grads);
            NonFiniteLossException e = assertThrows(NonFiniteLossException.class, t::applyGradients);
            assertTrue(e.getMessage().startsWith("gradient norm is Infinity at step 3"), e.getMessage());
            assertEquals(2, t.step());
            assertArrayEquals(params, t.network().params());
            assertArrayEquals(opt, t.optimizerState());
        }
    }

    @Test
    void theScheduleSetsEachUpdatesRateFromTheGlobalStep() {
        SmallNets.Data d = SmallNets.data(64, 4);
        TrainerConfig config = TrainerConfig.fromMap(Map.of("learningRate", 0.1, "schedule", "step", "decaySteps", 2,
                "decayRate", 0.5, "batchSize", BATCH));
        try (CpuBackend b = new CpuBackend(1)) {
            Trainer t = Trainer.create(SmallNets.cnn(), b, config);
            assertTrue(Float.isNaN(t.lastLearningRate()));
            float[] expected = {0.1f, 0.1f, 0.05f, 0.05f, 0.025f};
            for (int s = 0; s < expected.length; s++) {
                assertEquals(expected[s], t.nextLearningRate());
                t.trainStep(d.inputs(), 0, d.labels(), 0);
                assertEquals(expected[s], t.lastLearningRate(), "rate of update " + (s + 1));
            }
            t.setStep(100);
            assertEquals(0.1f * (float) Math.pow(0.5, 50), t.nextLearningRate());
            assertEquals(100, t.network().step());
        }
    }

    @Test
    void clippingBoundsTheAppliedGradientAndReportsTheNorm() {
        SmallNets.Data d = SmallNets.data(64, 5);
        TrainerConfig config = TrainerConfig.fromMap(Map.of("learningRate", 1.0, "clipNorm", 1e-3, "batchSize", BATCH));
        try (CpuBackend b = new CpuBackend(2)) {
            Trainer t = Trainer.create(SmallNets.cnn(), b, config);
            float[] before = t.network().params().clone();
            t.trainStep(d.inputs(), 0, d.labels(), 0);
            assertTrue(t.lastGradNorm() > 1e-3f, "the raw norm is reported: " + t.lastGradNorm());
            float[] after = t.network().params();
            double moved = 0;
            for (int i = 0; i < after.length; i++) moved += (double) (after[i] - before[i]) * (after[i] - before[i]);
            // plain SGD at lr 1: the step is the clipped gradient itself
            assertEquals(1e-3, Math.sqrt(moved), 1e-5);
        }
    }

    @Test
    void computingAndApplyingGradientsSeparatelyEqualsATrainStep() {
        SmallNets.Data d = SmallNets.data(64, 6);
        TrainerConfig config = adamWithEverything();
        try (CpuBackend ba = new CpuBackend(2); CpuBackend bb = new CpuBackend(2)) {
            Trainer whole = Trainer.create(SmallNets.cnn(), ba, config);
            Trainer halves = Trainer.create(SmallNets.cnn(), bb, config);
            float[] grads = new float[halves.network().paramCount()];
            for (int s = 0; s < 4; s++) {
                int e = s * BATCH;
                float lw = whole.trainStep(d.inputs(), d.inputOffset(e), d.labels(), e);
                float lh = halves.computeGradients(d.inputs(), d.inputOffset(e), d.labels(), e);
                halves.readGradients(grads);
                java.util.Arrays.fill(halves.network().arenas().grads(), 0f);
                halves.writeGradients(grads);
                halves.applyGradients();
                assertEquals(lw, lh);
            }
            assertArrayEquals(whole.network().params(), halves.network().params());
            assertEquals(4, halves.step());
        }
    }

    @Test
    void evaluationPadsTheLastPartialBatchWithoutChangingTheScores() {
        SmallNets.Data d = SmallNets.data(200, 7);
        TrainerConfig config = TrainerConfig.fromMap(Map.of("optimizer", "adam", "learningRate", 0.01, "batchSize", BATCH));
        try (CpuBackend b = new CpuBackend(2); CpuBackend b1 = new CpuBackend(1)) {
            Trainer t = Trainer.create(SmallNets.cnn(), b, config);
            train(t, d, 0, 30);
            int count = 3 * BATCH + 5; // three full batches and a partial one
            Evaluation padded = t.evaluate(d.inputs(), 0, d.labels(), 0, count);

            Network single = Network.build(SmallNets.cnn(), 1, b1, 0);
            single.setParams(t.network().params());
            single.setBuffers(t.network().buffers());
            Evaluation oneByOne = new Evaluator(single).evaluate(d.inputs(), 0, d.labels(), 0, count);

            assertEquals(count, padded.count());
            assertEquals(oneByOne.correct(), padded.correct());
            assertEquals(oneByOne.top5Correct(), padded.top5Correct());
            assertEquals(oneByOne.meanLoss(), padded.meanLoss(), 1e-5);
            assertArrayEquals(oneByOne.confusion(), padded.confusion());
            assertEquals(count, padded.top5Correct(), "with 3 classes every label is in the top 5");
            long diagonal = 0;
            for (int c = 0; c < SmallNets.CLASSES; c++) diagonal += padded.confusion()[c][c];
            assertEquals(padded.correct(), diagonal);
            assertTrue(padded.accuracy() > 0.8, "trained on an easy task: " + padded.accuracy());

            Evaluation tail = t.evaluate(d.inputs(), d.inputOffset(count), d.labels(), count, 7);
            Evaluation merged = padded.merge(tail);
            assertEquals(count + 7, merged.count());
            assertEquals(padded.correct() + tail.correct(), merged.correct());
        }
    }

    @Test
    void evaluationRefusesLabelsThatAreNotClasses() {
        SmallNets.Data d = SmallNets.data(16, 8);
        try (CpuBackend b = new CpuBackend(1)) {
            Trainer t = Trainer.create(SmallNets.cnn(), b, TrainerConfig.fromMap(Map.of("batchSize", BATCH)));
            float[] labels = d.labels().clone();
            labels[3] = 7;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> t.evaluate(d.inputs(), 0, labels, 0, 16));
            assertTrue(e.getMessage().contains("label 7.0"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> t.evaluate(d.inputs(), 0, d.labels(), 0, 17));
        }
    }

    @Test
    void aNetworkWithoutRoomForTheOptimizerStateIsRefused() {
        try (CpuBackend b = new CpuBackend(1)) {
            Network net = Network.build(SmallNets.cnn(), BATCH, b, 1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Trainer(net, io.sparkcnn.model.optim.Adam.adam(), new io.sparkcnn.model.optim.Constant(), 0.01, null));
            assertTrue(e.getMessage().contains("optSlots = 2"), e.getMessage());
        }
    }

    @Test
    void differentSeedsGiveDifferentStarts() {
        try (CpuBackend ba = new CpuBackend(1); CpuBackend bb = new CpuBackend(1)) {
            TrainerConfig c = TrainerConfig.fromMap(Map.of("batchSize", BATCH));
            assertNotEquals(java.util.Arrays.hashCode(Trainer.create(SmallNets.cnn(), ba, c).network().params()),
                    java.util.Arrays.hashCode(Trainer.create(SmallNets.cnn(), bb, c.with("seed", 1L)).network().params()));
        }
    }
}
