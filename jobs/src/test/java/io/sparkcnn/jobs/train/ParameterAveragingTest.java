package io.sparkcnn.jobs.train;

import io.sparkcnn.jobs.SharedSpark;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.graph.ParameterLayout;
import io.sparkcnn.model.train.LayerTraining;
import io.sparkcnn.model.train.Trainer;
import io.sparkcnn.model.train.TrainerConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParameterAveragingTest extends SharedSpark {
    private static final long ROWS = 240;

    private ParameterAveraging driver(int workers, int batch, int k, Aggregation mode, String optimizer, int epochs,
                                      long maxRounds, TrainingSource source) {
        DriverSettings s = new DriverSettings(workers, k, mode, true, 2, epochs, maxRounds, 7);
        return new ParameterAveraging(sc, source, TinyNet.recipe(batch, optimizer), s, "test");
    }

    private static TrainingSource data() { return new SyntheticSource(ROWS, TinyNet.INPUT, TinyNet.CLASSES); }

    private static TrainingState runAll(ParameterAveraging d, TrainingState from, List<RoundMetrics> sink) {
        return d.run(from, (state, m) -> {
            sink.add(m);
            return true;
        });
    }

    @Test
    void gradientsModeWithWWorkersMatchesOneWorkerAtWTimesTheBatch() {
        // plain SGD: Adam's step is blind to the gradient's scale, so a missing division by W would pass
        ParameterAveraging four = new ParameterAveraging(sc, data(), TinyNet.plainSgd(5),
                new DriverSettings(4, 1, Aggregation.GRADIENTS, true, 2, 1, 4, 7), "test");
        ParameterAveraging one = new ParameterAveraging(sc, data(), TinyNet.plainSgd(20),
                new DriverSettings(1, 1, Aggregation.GRADIENTS, true, 2, 1, 4, 7), "test");
        TrainingState a = runAll(four, four.initialState(), new ArrayList<>());
        TrainingState b = runAll(one, one.initialState(), new ArrayList<>());
        assertEquals(4, a.step());
        assertEquals(4, b.step());
        float[] init = four.initialState().params();
        double moved = 0, diff = 0;
        for (int i = 0; i < init.length; i++) {
            moved = Math.max(moved, Math.abs(a.params()[i] - init[i]));
            diff = Math.max(diff, Math.abs(a.params()[i] - b.params()[i]));
        }
        assertTrue(moved > 1e-3, "training moved the parameters by " + moved);
        assertTrue(diff < 1e-5, "4 workers x 5 vs 1 worker x 20 differ by " + diff);
    }

    @Test
    void sameSeedAndWorkersGiveBitIdenticalParameters() {
        ParameterAveraging first = driver(3, 4, 5, Aggregation.PARAMETERS, "sgd", 2, 0, data());
        TrainingState a = runAll(first, first.initialState(), new ArrayList<>());
        ParameterAveraging d = driver(3, 4, 5, Aggregation.PARAMETERS, "sgd", 2, 0, data());
        TrainingState b = runAll(d, d.initialState(), new ArrayList<>());
        assertArrayEquals(a.params(), b.params());
        assertArrayEquals(a.optimizerState(), b.optimizerState());
        assertEquals(2, b.epoch());
        assertEquals(2 * d.stepsPerEpoch(), b.step());
    }

    @Test
    void stoppingAfterRoundRAndResumingEqualsAnUninterruptedRun() {
        ParameterAveraging full = driver(2, 6, 3, Aggregation.PARAMETERS, "adam", 2, 0, data());
        // 240 rows / (2 x 6) = 20 minibatches per epoch, 7 rounds per epoch: round 5 stops mid-epoch
        TrainingState uninterrupted = runAll(full, full.initialState(), new ArrayList<>());

        ParameterAveraging firstPart = driver(2, 6, 3, Aggregation.PARAMETERS, "adam", 2, 5, data());
        TrainingState stopped = runAll(firstPart, firstPart.initialState(), new ArrayList<>());
        assertEquals(5, stopped.round());
        ParameterAveraging rest = driver(2, 6, 3, Aggregation.PARAMETERS, "adam", 2, 0, data());
        TrainingState resumed = runAll(rest, stopped, new ArrayList<>());

        assertEquals(uninterrupted.step(), resumed.step());
        assertEquals(uninterrupted.round(), resumed.round());
        assertArrayEquals(uninterrupted.params(), resumed.params());
        assertArrayEquals(uninterrupted.optimizerState(), resumed.optimizerState());
    }

    @Test
    void oneWorkerRoundEqualsTheEngineTrainingAlone() {
        int k = 4, batch = 8;
        ParameterAveraging d = driver(1, batch, k, Aggregation.PARAMETERS, "sgd", 1, 1, data());
        TrainingState s = runAll(d, d.initialState(), new ArrayList<>());

        Trainer local = TinyNet.recipe(batch, "sgd").build(1, -1);
        BatchFeed feed = data().open(0, 1, batch, 7);
        float[] x = new float[batch * TinyNet.INPUT], y = new float[batch];
        for (int i = 0; i < k; i++) {
            feed.fill(0, i, x, y);
            local.trainStep(x, 0, y, 0);
        }
        assertArrayEquals(local.network().params(), s.params());
        assertEquals(k, s.step());
    }

    @Test
    void epochTailRoundRunsFewerMinibatchesAndCountersCarryOver() {
        // 240 rows, 2 workers x batch 7: 17 minibatches per epoch, k = 5 -> 3 rounds of 5 and one of 2
        ParameterAveraging d = driver(2, 7, 5, Aggregation.PARAMETERS, "sgd", 2, 0, data());
        List<RoundMetrics> rounds = new ArrayList<>();
        TrainingState s = runAll(d, d.initialState(), rounds);
        assertEquals(17, d.stepsPerEpoch());
        assertEquals(8, rounds.size());
        assertEquals(2, rounds.get(3).steps());
        assertEquals(1, rounds.get(4).epoch());
        assertEquals(0, rounds.get(4).stepInEpoch());
        assertEquals(34, s.step());
        for (RoundMetrics m : rounds) {
            assertEquals(2, m.perWorker().size());
            assertFalse(Double.isNaN(m.loss()));
        }
    }

    @Test
    void nonFiniteLossStopsWithTheRoundAndWorkerNamed() {
        ParameterAveraging d = driver(2, 4, 3, Aggregation.PARAMETERS, "sgd", 1, 0,
                new SyntheticSource(ROWS, TinyNet.INPUT, TinyNet.CLASSES, 4));
        TrainingStoppedException e = assertThrows(TrainingStoppedException.class,
                () -> runAll(d, d.initialState(), new ArrayList<>()));
        assertEquals(2, e.round());
        assertTrue(e.getMessage().contains("round 2"), e.getMessage());
        assertTrue(e.getMessage().contains("worker 0"), e.getMessage());
    }

    @Test
    void frozenLayersStayBitIdenticalThroughTheAveragingOfThreeWorkersInBothModes() {
        // three workers: the mean of three equal floats is not always that float, so the driver must put them back
        NetworkSpec spec = TinyNet.spec();
        String frozen = spec.nodes().get(1).name(), trains = spec.nodes().get(3).name();
        ParameterLayout layout = ParameterLayout.of(spec);
        TrainerConfig adagrad = TrainerConfig.defaults().with("optimizer", "adagrad").with("adagradInitialAccumulator", 0.1)
                .with("learningRate", 0.05).with("seed", 7L);
        OuterOptimizer nesterov = new OuterOptimizer(OuterOptimizer.Kind.NESTEROV, 0.7f, 0.9f);
        for (DriverSettings settings : List.of(new DriverSettings(3, 2, Aggregation.PARAMETERS, true, 2, 1, 3, 7),
                new DriverSettings(3, 2, Aggregation.GRADIENTS, true, 2, 1, 3, 7),
                new DriverSettings(3, 2, Aggregation.PARAMETERS, true, 2, 1, 3, 7, nesterov))) {
            String mode = settings.mode() + (settings.outer().enabled() ? " with the outer optimizer" : "");
            ModelRecipe recipe = ModelRecipe.of(spec, adagrad, 4, new BackendChoice("cpu", false, 1),
                    new LayerTraining(List.of(frozen), Map.of(), true));
            ParameterAveraging d = new ParameterAveraging(sc, data(), recipe, settings, "test");
            TrainingState start = d.initialState(), end = runAll(d, start, new ArrayList<>());
            int n = start.params().length;
            for (ParameterLayout.Region r : layout.layer(frozen).params()) {
                for (int i = r.offset(); i < r.offset() + r.length(); i++) {
                    assertEquals(start.params()[i], end.params()[i], 0f, mode + ": frozen parameter " + i);
                    assertEquals(start.optimizerState()[i], end.optimizerState()[i], 0f, mode + ": its optimizer state");
                    if (settings.outer().enabled()) assertEquals(0f, end.outerMomentum()[i], 0f, mode + ": its outer momentum");
                }
            }
            ParameterLayout.Region w = layout.layer(trains).params().get(0);
            assertFalse(java.util.Arrays.equals(java.util.Arrays.copyOfRange(start.params(), w.offset(), w.offset() + w.length()),
                    java.util.Arrays.copyOfRange(end.params(), w.offset(), w.offset() + w.length())), mode + ": " + trains + " trains");
            assertEquals(n, end.params().length);
        }
    }

    @Test
    void outerNesterovStepsFromTheBroadcastModelOverThePlainMeanAndCarriesItsMomentum() {
        OuterOptimizer outer = new OuterOptimizer(OuterOptimizer.Kind.NESTEROV, 0.7f, 0.9f);
        ParameterAveraging plain = new ParameterAveraging(sc, data(), TinyNet.recipe(4, "adam"),
                new DriverSettings(3, 2, Aggregation.PARAMETERS, true, 2, 1, 0, 7), "test");
        ParameterAveraging slow = new ParameterAveraging(sc, data(), TinyNet.recipe(4, "adam"),
                new DriverSettings(3, 2, Aggregation.PARAMETERS, true, 2, 1, 0, 7, outer), "test");
        TrainingState s = slow.initialState();
        int p = s.params().length;
        assertArrayEquals(new float[p], s.outerMomentum());
        assertEquals(0, plain.initialState().outerMomentum().length, "plain averaging keeps no outer momentum");
        float[] u = new float[p];
        for (int r = 0; r < 3; r++) {
            TrainingState mean = plain.round(s).state(), next = slow.round(s).state();
            double offMean = 0;
            for (int i = 0; i < p; i++) {
                float delta = s.params()[i] - mean.params()[i];
                u[i] = 0.9f * u[i] + delta;
                float expected = s.params()[i] - 0.7f * (0.9f * u[i] + delta);
                assertEquals(expected, next.params()[i], 0f, "round " + (r + 1) + ", parameter " + i);
                offMean = Math.max(offMean, Math.abs(next.params()[i] - mean.params()[i]));
            }
            assertTrue(offMean > 1e-4, "round " + (r + 1) + ": the outer step moved the model off the mean by " + offMean);
            assertArrayEquals(u, next.outerMomentum(), 0f, "round " + (r + 1) + "'s momentum");
            // buffers (batch-norm statistics) and the inner optimizer state are averaged as in plain averaging
            assertArrayEquals(mean.buffers(), next.buffers(), 0f);
            assertArrayEquals(mean.optimizerState(), next.optimizerState(), 0f);
            assertEquals(mean.step(), next.step());
            assertEquals(mean.round(), next.round());
            s = next;
        }
    }

    /** Counts how often the worker's data source is deserialized: a round's closure used to carry it into every task. */
    private static final class DeserializationCountingSource implements TrainingSource {
        static final java.util.concurrent.atomic.AtomicInteger READS = new java.util.concurrent.atomic.AtomicInteger();
        private final SyntheticSource data = new SyntheticSource(ROWS, TinyNet.INPUT, TinyNet.CLASSES);

        private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
            in.defaultReadObject();
            READS.incrementAndGet();
        }

        @Override
        public long stepsPerEpoch(int workers, int batch) { return data.stepsPerEpoch(workers, batch); }

        @Override
        public BatchFeed open(int worker, int workers, int batch, long seed) { return data.open(worker, workers, batch, seed); }

        @Override
        public String id() { return "deserialization-counting"; }
    }

    @Test
    void theWorkersSourceTravelsOncePerRunNotWithEveryTask() {
        // a shard source carries the shard index and the whole Hadoop configuration: sent with each
        // round's tasks it was serialized on the driver and deserialized in every task, every round
        DeserializationCountingSource.READS.set(0);
        ParameterAveraging d = driver(2, 4, 2, Aggregation.PARAMETERS, "sgd", 1, 6, new DeserializationCountingSource());
        List<RoundMetrics> rounds = new ArrayList<>();
        runAll(d, d.initialState(), rounds);
        assertEquals(6, rounds.size());
        // one JVM (local[2]) is one executor: at most one copy, however many rounds and tasks (12 here)
        assertTrue(DeserializationCountingSource.READS.get() <= 1,
                "the source was deserialized " + DeserializationCountingSource.READS.get() + " times in 6 rounds x 2 workers");
    }
}
