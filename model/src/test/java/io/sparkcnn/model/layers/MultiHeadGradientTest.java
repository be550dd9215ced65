package io.sparkcnn.model.layers;

import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.losses.MeanSquaredError;
import io.sparkcnn.model.losses.SmoothL1;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
import io.sparkcnn.model.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

import static io.sparkcnn.model.layers.NetworkGradientCheck.check;
import static io.sparkcnn.model.layers.NetworkGradientCheck.labels;
import static io.sparkcnn.model.layers.NetworkGradientCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Whole graphs with several outputs and losses against the double reference: a per-pixel head
 * on an inner node that also feeds later layers (deep supervision), and two heads on the same
 * last node, with weights other than 1 so a missing or misplaced weight shows.
 */
class MultiHeadGradientTest {
    private static final int BATCH = 2;

    private static NetworkSpec twoOutputs() {
        return NetworkSpec.builder("two-outputs", Shape.of(2, 4, 4))
                .add("stem", Conv.conv2d(4, 3, 1, 1))
                .add("relu", Activate.tanh())
                .add("seg", Conv.conv2d(3, 1, 1, 0))          // per-pixel logits, head 0
                .add("pool", Pool.avg2d(2, 2, 0))
                .add("flat", new Flatten())
                .add("box", new Dense(2))                       // vector output, heads 1 and 2
                .head("seg", new SoftmaxCrossEntropy(new float[]{1f, 2f, 0.5f}, 255), 0.7f)
                .head("box", new SmoothL1(0.5f), 1f)
                .head("box", new MeanSquaredError(), 2.5f)
                .build();
    }

    /** Targets head after head: labels per pixel, then two blocks of box values. */
    private static Function<SplittableRandom, double[]> targets() {
        Function<SplittableRandom, double[]> seg = labels(BATCH * 16, 3, 255);
        Function<SplittableRandom, double[]> box = uniform(BATCH * 2, -1, 1);
        return rng -> {
            double[] a = seg.apply(rng), b = box.apply(rng), c = box.apply(rng);
            double[] t = new double[a.length + b.length + c.length];
            System.arraycopy(a, 0, t, 0, a.length);
            System.arraycopy(b, 0, t, a.length, b.length);
            System.arraycopy(c, 0, t, a.length + b.length, c.length);
            return t;
        };
    }

    @Test
    void weightedHeadsOnAnInnerNodeAndASharedNodeMatchTheReference() {
        check(twoOutputs(), BATCH, 11, targets(), n -> Map.of());
    }

    @Test
    void totalLossIsTheWeightedSumOfTheHeadLosses() {
        NetworkSpec spec = twoOutputs();
        try (Network net = Network.build(spec, BATCH, new CpuBackend(1), 0)) {
            net.initParams(5);
            assertEquals(3, net.heads().size());
            assertEquals(16, net.targetSize(0));
            assertEquals(2, net.targetSize(1));
            assertEquals(20, net.targetSize());
            SplittableRandom rng = new SplittableRandom(3);
            float[] x = new float[BATCH * 32];
            for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble();
            double[] t = targets().apply(rng);
            float[] tf = new float[t.length];
            for (int i = 0; i < t.length; i++) tf[i] = (float) t[i];
            net.setInput(x, 0);
            net.setTargets(tf, 0);
            float total = net.forwardBackward();
            double expected = 0.7 * net.headLoss(0) + net.headLoss(1) + 2.5 * net.headLoss(2);
            assertEquals(expected, total, 1e-6);

            // the same targets head by head give the same loss
            float[] box = new float[BATCH * 2];
            net.setTargets(new float[tf.length], 0);
            net.setTargets(0, tf, 0);
            System.arraycopy(tf, BATCH * 16, box, 0, box.length);
            net.setTargets(1, box, 0);
            System.arraycopy(tf, BATCH * 18, box, 0, box.length);
            net.setTargets(2, box, 0);
            assertEquals(total, net.forwardBackward());
        }
    }
}
