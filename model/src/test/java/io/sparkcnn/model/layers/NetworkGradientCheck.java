package io.sparkcnn.model.layers;

import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.reference.FiniteDifference;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks a whole network on the CPU backend: its float loss and parameter gradients against
 * the double {@link ReferenceNetwork}, whose own gradient is checked against central finite
 * differences of its loss. Every layer but the first sees its input gradient tested too,
 * because that gradient flows into the parameters of the layers before it.
 *
 * <p>Tolerance: float ops round at ~6e-8 relative per operation; a few dozen operations per
 * path and sums over a few hundred terms leave ~1e-5 of the gradient's scale, so float
 * gradients must match within 1e-3 of the largest reference gradient (a wrong formula is off
 * by order 1), and the double reference must match finite differences within 1e-6.
 */
final class NetworkGradientCheck {
    private NetworkGradientCheck() {}

    /** What the float network held after its step, for tests that look further (running statistics). */
    record Outcome(double[] params, double[] buffers, double[] input) {}

    static Outcome check(NetworkSpec spec, int batch, long seed, Function<SplittableRandom, double[]> targets,
                         Function<Network, Map<String, double[]>> dropoutMasks) {
        SplittableRandom rng = new SplittableRandom(seed);
        try (Network net = Network.build(spec, batch, new CpuBackend(2), 0)) {
            return check(net, spec, batch, seed, rng, targets, dropoutMasks);
        }
    }

    private static Outcome check(Network net, NetworkSpec spec, int batch, long seed, SplittableRandom rng,
                                 Function<SplittableRandom, double[]> targets,
                                 Function<Network, Map<String, double[]>> dropoutMasks) {
        net.initParams(seed);
        float[] p = net.params().clone();
        // nonzero biases and betas, so every parameter's gradient path is exercised
        for (int i = 0; i < p.length; i++) p[i] += (float) (0.2 * (rng.nextDouble() - 0.5));
        net.setParams(p);
        double[] input = new double[batch * net.inputSize()];
        for (int i = 0; i < input.length; i++) input[i] = (float) (2 * rng.nextDouble() - 1);
        double[] target = targets.apply(rng);
        net.setInput(toFloat(input), 0);
        net.setTargets(toFloat(target), 0);
        float loss = net.forwardBackward();
        double[] floatGrad = toDouble(net.arenas().grads());

        double[] params = toDouble(p);
        ReferenceNetwork ref = new ReferenceNetwork(spec, batch, dropoutMasks.apply(net));
        double refLoss = ref.loss(params, input, target);
        double[] refGrad = ref.gradient(params, input, target);
        double[] numeric = FiniteDifference.gradient(params.clone(), 1e-6, v -> ref.loss(v, input, target));

        String name = spec.name();
        assertTrue(Math.abs(loss - refLoss) <= 1e-5 * Math.max(1, Math.abs(refLoss)),
                () -> name + ": loss " + loss + " vs reference " + refLoss);
        double refErr = scaledError(refGrad, numeric);
        assertTrue(refErr < 1e-6, () -> name + ": reference gradient vs finite differences, scaled error " + refErr);
        double floatErr = scaledError(refGrad, floatGrad);
        assertTrue(floatErr < 1e-3, () -> name + ": CPU gradient vs reference, scaled error " + floatErr);
        assertTrue(maxAbs(refGrad) > 1e-4, () -> name + ": gradients vanish, the check would prove nothing");
        return new Outcome(params, toDouble(net.buffers()), input);
    }

    /** max |a - b| over the largest |a|: an error relative to the gradient's own scale. */
    static double scaledError(double[] expected, double[] actual) {
        double worst = 0;
        for (int i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        return worst / Math.max(1e-12, maxAbs(expected));
    }

    static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    static float[] toFloat(double[] a) {
        float[] r = new float[a.length];
        for (int i = 0; i < a.length; i++) r[i] = (float) a[i];
        return r;
    }

    static double[] toDouble(float[] a) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[i];
        return r;
    }

    /** Class labels in [0, classes) per position, a quarter of them the ignore index when given. */
    static Function<SplittableRandom, double[]> labels(int count, int classes, Integer ignore) {
        return rng -> {
            double[] t = new double[count];
            for (int i = 0; i < count; i++) t[i] = ignore != null && rng.nextInt(4) == 0 ? ignore : rng.nextInt(classes);
            return t;
        };
    }

    static Function<SplittableRandom, double[]> uniform(int count, double lo, double hi) {
        return rng -> {
            double[] t = new double[count];
            for (int i = 0; i < count; i++) t[i] = (float) (lo + (hi - lo) * rng.nextDouble());
            return t;
        };
    }
}
