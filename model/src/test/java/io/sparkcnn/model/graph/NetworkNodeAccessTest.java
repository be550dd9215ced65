package io.sparkcnn.model.graph;

import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.layers.Activate;
import io.sparkcnn.model.layers.Conv;
import io.sparkcnn.model.layers.Dense;
import io.sparkcnn.model.layers.Flatten;
import io.sparkcnn.model.losses.MeanSquaredError;
import io.sparkcnn.model.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetworkNodeAccessTest {
    private static final int BATCH = 3;

    private static NetworkSpec spec() {
        return NetworkSpec.builder("probe", Shape.of(2, 5, 5))
                .add("conv", Conv.conv2d(4, 3, 1, 1))
                .add("relu", Activate.relu())
                .add("flat", new Flatten())
                .add("fc", new Dense(3))
                .loss(new MeanSquaredError())
                .build();
    }

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (2 * r.nextDouble() - 1);
        return a;
    }

    @Test
    void readsEveryNodeByNameWithItsShape() {
        try (Network net = Network.build(spec(), BATCH, new CpuBackend(1), 0)) {
            net.initParams(7);
            float[] x = random(BATCH * 50, 1);
            net.setInput(x, 0);
            net.forward(false);
            assertEquals(Shape.of(4, 5, 5), net.shape("conv"));
            assertEquals(Shape.of(2, 5, 5), net.shape(NetworkSpec.INPUT));
            assertEquals(BATCH * 100, net.nodeLength("relu"));
            float[] in = new float[BATCH * 50];
            net.readActivation(NetworkSpec.INPUT, in);
            assertArrayEquals(x, in);
            float[] conv = new float[net.nodeLength("conv")];
            float[] relu = new float[net.nodeLength("relu")];
            net.readActivation("conv", conv);
            net.readActivation("relu", relu);
            boolean negative = false;
            for (int i = 0; i < conv.length; i++) {
                assertEquals(Math.max(0f, conv[i]), relu[i], "relu of conv at " + i);
                negative |= conv[i] < 0;
            }
            assertTrue(negative, "some conv outputs must be negative, or relu proves nothing");
            float[] fc = new float[net.nodeLength("fc")];
            float[] out = new float[BATCH * net.outputSize()];
            net.readActivation("fc", fc);
            net.readOutput(out);
            assertArrayEquals(out, fc);
        }
    }

    @Test
    void gradientWrittenByNameBackpropagatesLikeTheLoss() {
        try (Network net = Network.build(spec(), BATCH, new CpuBackend(1), 0)) {
            net.initParams(3);
            net.setInput(random(BATCH * 50, 2), 0);
            net.setTargets(random(BATCH * 3, 4), 0);
            net.forwardBackward();
            float[] lossGrads = net.arenas().grads().clone();
            float[] dy = new float[net.nodeLength("fc")];
            net.readGradient("fc", dy);
            float[] dRelu = new float[net.nodeLength("relu")];
            net.readGradient("relu", dRelu);

            net.zeroGrads();
            net.forward(true);
            net.writeGradient("fc", dy, 0);
            net.backward();
            assertArrayEquals(lossGrads, net.arenas().grads(), "same output gradient, same parameter gradients");
            float[] again = new float[dRelu.length];
            net.readGradient("relu", again);
            assertArrayEquals(dRelu, again);

            // a written activation is what the next layer would read: overwrite relu, read it back
            float[] ones = new float[net.nodeLength("relu")];
            java.util.Arrays.fill(ones, 1f);
            net.writeActivation("relu", ones, 0);
            float[] back = new float[ones.length];
            net.readActivation("relu", back);
            assertArrayEquals(ones, back);
        }
    }

    @Test
    void unknownNodesAndShortArraysAreNamed() {
        try (Network net = Network.build(spec(), BATCH, new CpuBackend(1), 0)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.readActivation("conv9", new float[10]));
            assertTrue(e.getMessage().contains("'conv9'") && e.getMessage().contains("probe"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> net.readGradient(NetworkSpec.INPUT, new float[BATCH * 50]));
            assertTrue(e.getMessage().contains("no gradient"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> net.writeGradient("fc", new float[5], 0));
            assertTrue(e.getMessage().contains("'fc'") && e.getMessage().contains("9 floats"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> net.shape("nope"));
        }
    }
}
