package io.sparkcnn.model.losses;

import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.Dense;
import io.sparkcnn.model.layers.ShapeException;
import io.sparkcnn.model.reference.NaiveLosses;
import io.sparkcnn.model.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The element-wise loss specs: target sizes, config keys, and the loss a network reports. */
class RegressionLossSpecTest {

    @Test
    void targetsHaveTheOutputsSizeAndConfigsTheReaderKeys() {
        Shape out = Shape.of(3, 4, 5);
        assertEquals(60, new SigmoidBinaryCrossEntropy().targetSize(out));
        assertEquals(60, new MeanSquaredError().targetSize(out));
        assertEquals(60, new SmoothL1().targetSize(out));
        assertEquals(List.of("sigmoid_binary_cross_entropy", "mean_squared_error", "smooth_l1"),
                List.of(new SigmoidBinaryCrossEntropy().type(), new MeanSquaredError().type(), new SmoothL1().type()));
        assertEquals(Map.of("beta", 1.0), new SmoothL1().toConfig());
        assertTrue(new MeanSquaredError().toConfig().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new SmoothL1(-1f));
        assertThrows(IllegalArgumentException.class, () -> new SmoothL1(Float.NaN));
    }

    @Test
    void crossEntropyOnAnOutputWithOneClassFailsWhileTheSpecIsBuilt() {
        ShapeException e = assertThrows(ShapeException.class, () -> NetworkSpec.builder("one_class", Shape.of(4))
                .add("fc", new Dense(1)).loss(new SoftmaxCrossEntropy()).build());
        assertTrue(e.getMessage().contains("'fc' (1)"), e.getMessage());
    }

    @Test
    void aNetworkReportsTheMeanLossOfItsOutput() {
        // Dense with zero weights and bias b outputs b for every example: the loss is that of b against the targets
        float[] targets = {0.5f, -1f, 2f, 0f, 1f, 3f};
        double[] outputs = {0.25, -0.5, 0.25, -0.5, 0.25, -0.5};
        for (var loss : List.of(new MeanSquaredError(), new SmoothL1(0.5f), new SigmoidBinaryCrossEntropy())) {
            NetworkSpec spec = NetworkSpec.builder("regress", Shape.of(3)).add("fc", new Dense(2)).loss(loss).build();
            try (Network net = Network.build(spec, 3, new CpuBackend(1), 0)) {
                float[] p = new float[net.paramCount()];
                p[6] = 0.25f;
                p[7] = -0.5f;
                net.setParams(p);
                net.setInput(new float[9], 0);
                float[] t = targets.clone();
                if (loss instanceof SigmoidBinaryCrossEntropy) for (int i = 0; i < t.length; i++) t[i] = i % 2;
                net.setTargets(t, 0);
                double[] td = new double[t.length];
                for (int i = 0; i < t.length; i++) td[i] = t[i];
                double expected = loss instanceof MeanSquaredError ? NaiveLosses.meanSquaredError(outputs, td).loss()
                        : loss instanceof SmoothL1 ? NaiveLosses.smoothL1(outputs, td, 0.5).loss()
                        : NaiveLosses.sigmoidBinaryCrossEntropy(outputs, td).loss();
                assertEquals(expected, net.forwardBackward(), 1e-6, loss.type());
            }
        }
    }
}
