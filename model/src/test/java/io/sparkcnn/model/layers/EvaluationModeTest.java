package io.sparkcnn.model.layers;

import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.losses.MeanSquaredError;
import io.sparkcnn.model.reference.NaiveBatchNorm;
import io.sparkcnn.model.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Evaluation: batch norm uses its running statistics, dropout is the identity, both are deterministic. */
class EvaluationModeTest {

    @Test
    void batchNormUsesRunningStatisticsAndDropoutPassesThrough() {
        NetworkSpec spec = NetworkSpec.builder("eval", Shape.of(3, 4, 4))
                .add("bn", new BatchNorm())
                .add("drop", new Dropout(0.5f))
                .loss(new MeanSquaredError())
                .build();
        int batch = 2, size = 48;
        SplittableRandom rng = new SplittableRandom(1);
        float[] x = new float[batch * size];
        for (int i = 0; i < x.length; i++) x[i] = (float) (3 + 2 * rng.nextDouble());
        try (Network net = Network.build(spec, batch, new CpuBackend(2), 0)) {
            net.initParams(1);
            net.setInput(x, 0);
            net.setTargets(new float[batch * size], 0);
            for (int step = 0; step < 3; step++) net.forwardBackward(); // moves the running statistics
            float[] params = net.params().clone(), buffers = net.buffers().clone();
            net.forward(false);
            float[] out = new float[batch * size];
            net.readOutput(out);
            double[] expected = NaiveBatchNorm.forwardEval(batch, 3, 16, toDouble(x), toDouble(params, 0, 3),
                    toDouble(params, 3, 3), toDouble(buffers, 0, 3), toDouble(buffers, 3, 3), 1e-5);
            assertArrayEquals(expected, toDouble(out), 1e-5);
            float[] again = new float[out.length];
            net.forward(false);
            net.readOutput(again);
            assertArrayEquals(out, again, "evaluation is deterministic");
            // the gradient of an evaluation forward: CpuBatchNormOpTest, FineTuningTest
        }
    }

    private static double[] toDouble(float[] a) { return toDouble(a, 0, a.length); }

    private static double[] toDouble(float[] a, int off, int n) {
        double[] r = new double[n];
        for (int i = 0; i < n; i++) r[i] = a[off + i];
        return r;
    }
}
