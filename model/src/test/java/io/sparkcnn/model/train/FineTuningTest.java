package io.sparkcnn.model.train;

import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.graph.ParameterLayout;
import io.sparkcnn.model.layers.Activate;
import io.sparkcnn.model.layers.BatchNorm;
import io.sparkcnn.model.layers.Conv;
import io.sparkcnn.model.layers.Dense;
import io.sparkcnn.model.layers.Flatten;
import io.sparkcnn.model.layers.Pool;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
import io.sparkcnn.model.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fine-tuning in the engine: frozen layers, learning-rate multipliers, frozen batch norm, copying weights by name. */
class FineTuningTest {
    private static final int BATCH = 8;

    // conv -> bn -> relu -> conv2 -> relu -> pool -> flat -> fc1 -> relu -> fc2 (classes)
    static NetworkSpec net(int classes) {
        return NetworkSpec.builder("ft", Shape.of(1, SmallNets.SIDE, SmallNets.SIDE))
                .add("conv", Conv.conv2d(4, 3, 1, 1))
                .add("bn", new BatchNorm())
                .add("relu1", Activate.relu())
                .add("conv2", Conv.conv2d(6, 3, 1, 1))
                .add("relu1b", Activate.relu())
                .add("pool", Pool.max2d(2))
                .add("flat", new Flatten())
                .add("fc1", new Dense(16))
                .add("relu2", Activate.relu())
                .add("fc2", new Dense(classes))
                .loss(new SoftmaxCrossEntropy())
                .build();
    }

    private static Trainer trainer(TrainerConfig config, LayerTraining layers) {
        Trainer t = Trainer.create(net(SmallNets.CLASSES), new CpuBackend(2), config.with("batchSize", BATCH));
        layers.applyTo(t);
        return t;
    }

    private static void train(Trainer t, int steps) {
        SmallNets.Data d = SmallNets.data(BATCH * steps, 7);
        for (int s = 0; s < steps; s++) t.trainStep(d.inputs(), d.inputOffset(s * BATCH), d.labels(), s * BATCH);
    }

    private static float[] slice(float[] a, ParameterLayout.Region r) { return Arrays.copyOfRange(a, r.offset(), r.offset() + r.length()); }

    @Test
    void frozenLayersStayBitIdenticalWithTheirOptimizerStateUnderEveryUpdateRule() {
        List<TrainerConfig> rules = List.of(
                TrainerConfig.defaults().with("momentum", 0.9).with("weightDecay", 0.01),
                TrainerConfig.defaults().with("optimizer", "adam").with("weightDecay", 0.01),
                TrainerConfig.defaults().with("optimizer", "adamw").with("weightDecay", 0.1));
        for (TrainerConfig rule : rules) {
            // "conv" is a prefix: it freezes conv and conv2
            try (Closing c = new Closing(trainer(rule, new LayerTraining(List.of("conv", "bn"), Map.of(), true)))) {
                Trainer t = c.t();
                Network net = t.network();
                ParameterLayout layout = net.parameterLayout();
                float[] p0 = net.params().clone(), b0 = net.buffers().clone(), o0 = t.optimizerState();
                train(t, 3);
                float[] p1 = net.params(), b1 = net.buffers(), o1 = t.optimizerState();
                int n = net.paramCount();
                for (String frozen : List.of("conv", "bn", "conv2")) {
                    for (ParameterLayout.Region r : layout.layer(frozen).params()) {
                        assertArrayEquals(slice(p0, r), slice(p1, r), rule.optimizer() + ": frozen " + frozen + " moved");
                        for (int k = 0; k < o0.length / n; k++) {
                            ParameterLayout.Region s = new ParameterLayout.Region(k * n + r.offset(), r.length(), 0);
                            assertArrayEquals(slice(o0, s), slice(o1, s), rule.optimizer() + ": optimizer state of " + frozen);
                        }
                    }
                }
                assertArrayEquals(b0, b1, rule.optimizer() + ": the frozen batch norm's running statistics changed");
                for (String trains : List.of("fc1", "fc2")) {
                    ParameterLayout.Region w = layout.layer(trains).params().get(0);
                    assertFalse(Arrays.equals(slice(p0, w), slice(p1, w)), rule.optimizer() + ": " + trains + " did not train");
                }
            }
        }
    }

    @Test
    void aFrozenBatchNormInTrainingModeKeepsItsParametersButUpdatesItsStatistics() {
        try (Closing c = new Closing(trainer(TrainerConfig.defaults().with("momentum", 0.9),
                new LayerTraining(List.of("conv", "bn"), Map.of(), false)))) {
            Trainer t = c.t();
            Network net = t.network();
            ParameterLayout.Layer bn = net.parameterLayout().layer("bn");
            float[] p0 = net.params().clone(), b0 = net.buffers().clone();
            train(t, 2);
            for (ParameterLayout.Region r : bn.params()) assertArrayEquals(slice(p0, r), slice(net.params(), r));
            assertFalse(Arrays.equals(b0, net.buffers()), "batch norm in training mode updates its running statistics");
        }
    }

    @Test
    void aFrozenBatchNormNormalisesWithItsRunningStatisticsInTraining() {
        SmallNets.Data d = SmallNets.data(BATCH, 3);
        for (boolean frozen : new boolean[] {true, false}) {
            try (Closing c = new Closing(trainer(TrainerConfig.defaults(), frozen
                    ? new LayerTraining(List.of("conv", "bn"), Map.of(), true) : LayerTraining.ALL))) {
                Trainer t = c.t();
                Network net = t.network();
                net.buffers()[0] = 0.3f; // running statistics other than the batch's
                net.buffers()[5] = 2.5f;
                net.setBuffers(net.buffers().clone());
                net.setInput(d.inputs(), 0);
                float[] eval = new float[net.nodeLength("bn")], train = new float[eval.length];
                net.forward(false);
                net.readActivation("bn", eval);
                net.forward(true);
                net.readActivation("bn", train);
                assertEquals(frozen, Arrays.equals(eval, train), frozen ? "a frozen batch norm normalises as in evaluation"
                        : "a training batch norm normalises with the batch's statistics");
            }
        }
    }

    @Test
    void aFrozenBatchNormInEvaluationModePassesTheGradientToTheLayersBeforeIt() {
        // conv trains, bn is frozen in evaluation mode: conv's gradient runs through bn's evaluation backward
        try (Closing c = new Closing(trainer(TrainerConfig.defaults(), new LayerTraining(List.of("bn"), Map.of(), true)))) {
            Trainer t = c.t();
            Network net = t.network();
            float[] buffers = net.buffers().clone();
            for (int i = 0; i < buffers.length; i++) buffers[i] = i < buffers.length / 2 ? 0.2f * (i - 1) : 0.5f + 0.3f * i;
            net.setBuffers(buffers); // running statistics far from any batch's
            SmallNets.Data d = SmallNets.data(BATCH, 5);
            t.computeGradients(d.inputs(), 0, d.labels(), 0);
            float[] g = new float[net.params().length];
            t.readGradients(g);
            ParameterLayout.Region w = net.parameterLayout().layer("conv").params().get(0);
            Integer[] order = new Integer[w.length()];
            for (int i = 0; i < order.length; i++) order[i] = w.offset() + i;
            Arrays.sort(order, (a, b) -> Float.compare(Math.abs(g[b]), Math.abs(g[a])));
            float[] p0 = net.params().clone();
            for (int k = 0; k < 6; k++) {
                int i = order[k];
                double h = 2e-3;
                float[] p = p0.clone();
                p[i] = (float) (p0[i] + h);
                net.setParams(p);
                double up = t.computeGradients(d.inputs(), 0, d.labels(), 0);
                p[i] = (float) (p0[i] - h);
                net.setParams(p);
                double down = t.computeGradients(d.inputs(), 0, d.labels(), 0);
                double fd = (up - down) / (2 * h);
                assertEquals(fd, g[i], 2e-3 + 0.03 * Math.abs(fd), "conv weight " + (i - w.offset()) + " through the frozen batch norm");
            }
            net.setParams(p0);
            assertArrayEquals(buffers, net.buffers(), "a frozen batch norm in evaluation mode keeps its running statistics");
        }
    }

    @Test
    void aMultiplierScalesTheUpdateOfItsLayersExactly() {
        TrainerConfig plainSgd = TrainerConfig.defaults().with("learningRate", 0.1);
        SmallNets.Data d = SmallNets.data(BATCH, 11);
        try (Closing a = new Closing(trainer(plainSgd, LayerTraining.ALL));
             Closing b = new Closing(trainer(plainSgd, new LayerTraining(List.of(), Map.of("fc2", 0.25, "conv2", 0.1), true)))) {
            Trainer plain = a.t(), scaled = b.t();
            float[] p0 = plain.network().params().clone();
            assertArrayEquals(p0, scaled.network().params());
            plain.computeGradients(d.inputs(), 0, d.labels(), 0);
            scaled.computeGradients(d.inputs(), 0, d.labels(), 0);
            float[] g = new float[p0.length];
            plain.readGradients(g);
            plain.applyGradients();
            scaled.applyGradients();
            float[] pp = plain.network().params(), ps = scaled.network().params();
            ParameterLayout layout = plain.network().parameterLayout();
            for (ParameterLayout.Layer l : layout.layers()) {
                float m = l.name().equals("fc2") ? 0.25f : l.name().equals("conv2") ? 0.1f : 1f;
                for (ParameterLayout.Region r : l.params()) {
                    for (int i = r.offset(); i < r.offset() + r.length(); i++) {
                        assertEquals(p0[i] - (0.1f * m) * g[i], ps[i], 0f, l.name() + " parameter " + i);
                        if (m == 1f) assertEquals(pp[i], ps[i], 0f, l.name() + " trains as without multipliers");
                    }
                }
            }
            ParameterLayout.Region fc2 = layout.layer("fc2").params().get(0);
            assertFalse(Arrays.equals(slice(pp, fc2), slice(ps, fc2)));
        }
    }

    @Test
    void entriesThatMatchNothingAreRefusedByName() {
        NetworkSpec spec = net(3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LayerTraining(List.of("backbone"), Map.of(), true).resolve(spec));
        assertTrue(e.getMessage().contains("'backbone' matches no layer"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new LayerTraining(List.of(), Map.of("relu", 0.1), true).resolve(spec));
        assertTrue(e.getMessage().contains("'relu' matches no layer with parameters"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LayerTraining(List.of(), Map.of("fc", 0.0), true));
    }

    @Test
    void weightsAreCopiedByNameWhereTheShapesMatchAndANewHeadKeepsItsInitialisation() {
        NetworkSpec pretrained = net(3), target = net(5);
        float[] srcParams = new float[(int) pretrained.paramCount()];
        ParameterLayout src = ParameterLayout.of(pretrained), dst = ParameterLayout.of(target);
        float[] srcBuffers = new float[src.layer("bn").buffers().stream().mapToInt(ParameterLayout.Region::length).sum()];
        for (int i = 0; i < srcParams.length; i++) srcParams[i] = i + 1;
        for (int i = 0; i < srcBuffers.length; i++) srcBuffers[i] = -i - 1;
        float[] params = new float[(int) target.paramCount()], buffers = new float[srcBuffers.length];
        Arrays.fill(params, 0.5f);
        WeightTransfer.Report r = WeightTransfer.copy(pretrained, srcParams, srcBuffers, "pre", target, params, buffers);
        assertEquals(List.of("conv", "bn", "conv2", "fc1"), r.copied());
        assertEquals(1, r.skipped().size());
        assertEquals(new WeightTransfer.Skipped("fc2", "dense params [3x16, 3]", "dense params [5x16, 5]"), r.skipped().get(0));
        assertEquals(List.of(), r.fresh());
        for (String copied : r.copied()) {
            for (int k = 0; k < dst.layer(copied).params().size(); k++) {
                assertArrayEquals(slice(srcParams, src.layer(copied).params().get(k)), slice(params, dst.layer(copied).params().get(k)));
            }
        }
        assertArrayEquals(srcBuffers, buffers);
        for (ParameterLayout.Region h : dst.layer("fc2").params()) {
            for (float v : slice(params, h)) assertEquals(0.5f, v, "the new head keeps its initialisation");
        }
        assertTrue(r.summary().contains("skipped [fc2 (checkpoint dense params [3x16, 3], network dense params [5x16, 5])]"), r.summary());
        assertTrue(r.toJson().contains("\"networkShape\" : \"dense params [5x16, 5]\""), r.toJson());
    }

    /** Trainer is not AutoCloseable: this closes its network's backend at the end of a try. */
    private record Closing(Trainer t) implements AutoCloseable {
        @Override
        public void close() { t.network().close(); }
    }
}
