package io.sparkcnn.model.explain;

import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.Activate;
import io.sparkcnn.model.layers.Conv;
import io.sparkcnn.model.layers.Dense;
import io.sparkcnn.model.layers.Dropout;
import io.sparkcnn.model.layers.Flatten;
import io.sparkcnn.model.layers.GlobalAvgPool;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
import io.sparkcnn.model.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On a network ending in global average pooling and a dense layer, Grad-CAM is CAM up to a
 * positive scale (Selvaraju et al., section 3.1): d y_c / d A_k(i, j) = W[c, k] / Z for the Z
 * positions, so Grad-CAM's weights are W[c, k] / Z and its map CAM's map / Z, before and after
 * the ReLU; normalised, the heatmaps are the same.
 */
class CamEquivalenceTest {
    private static final int BATCH = 3, CLASSES = 4, SIZE = 9;

    private static NetworkSpec gapNet() {
        return NetworkSpec.builder("gapnet", Shape.of(2, SIZE, SIZE))
                .add("conv1", Conv.conv2d(6, 3, 1, 0))
                .add("relu1", Activate.relu())
                .add("conv2", Conv.conv2d(5, 3, 1, 1))
                .add("relu2", Activate.relu())
                .add("gap", new GlobalAvgPool())
                .add("flatten", new Flatten())
                .add("drop", new Dropout(0.3f))
                .add("fc", new Dense(CLASSES))
                .loss(new SoftmaxCrossEntropy())
                .build();
    }

    @Test
    void gradCamIsCamOverTheNumberOfPositions() {
        SplittableRandom r = new SplittableRandom(3);
        try (CpuBackend backend = new CpuBackend(2)) {
            Network net = Network.build(gapNet(), BATCH, backend, 0);
            net.initParams(17);
            float[] p = net.params().clone();
            for (int i = 0; i < p.length; i++) p[i] += (float) (0.2 * (r.nextDouble() - 0.5));
            net.setParams(p);
            float[] x = new float[BATCH * net.inputSize()];
            for (int i = 0; i < x.length; i++) x[i] = (float) (2 * r.nextDouble() - 1);

            GradCam grad = new GradCam(net, null);
            Cam cam = new Cam(net, null);
            assertEquals("relu2", grad.layer());
            assertEquals("relu2", cam.layer());
            int z = grad.mapHeight() * grad.mapWidth();
            assertEquals(49, z);
            boolean positive = false, negative = false;
            for (int[] requested : new int[][] {null, {2, 0, 3}}) {
                grad.run(x, 0, BATCH, requested);
                cam.run(x, 0, BATCH, requested);
                for (int i = 0; i < BATCH; i++) {
                    assertEquals(cam.explainedClass(i), grad.explainedClass(i));
                    if (requested != null) assertEquals(requested[i], grad.explainedClass(i));
                    float[] g = new float[z], c = new float[z];
                    grad.rawMap(i, g, 0);
                    cam.rawMap(i, c, 0);
                    double scale = 0;
                    for (float v : c) scale = Math.max(scale, Math.abs(v));
                    assertTrue(scale > 1e-3, "a CAM of zeros would prove nothing");
                    for (int q = 0; q < z; q++) {
                        assertEquals(c[q], g[q] * z, 1e-5 * scale, "image " + i + " position " + q + ": Grad-CAM x Z vs CAM");
                        positive |= c[q] > 0;
                        negative |= c[q] < 0;
                    }
                    float[] hg = grad.heatmap(i, SIZE, SIZE), hc = cam.heatmap(i, SIZE, SIZE);
                    for (int q = 0; q < hg.length; q++) assertEquals(hc[q], hg[q], 1e-5, "normalised heatmaps at " + q);
                }
            }
            assertTrue(positive && negative, "the maps must have both signs, so the ReLU matters");
        }
    }

    @Test
    void aWarmBatchAllocatesNothingButTheHeatmapsAskedFor() {
        try (CpuBackend backend = new CpuBackend(2)) {
            Network net = Network.build(gapNet(), BATCH, backend, 0);
            net.initParams(5);
            float[] x = new float[BATCH * net.inputSize()];
            java.util.Arrays.fill(x, 0.3f);
            GradCam grad = new GradCam(net, null);
            Cam cam = new Cam(net, null);
            float[] map = new float[grad.mapHeight() * grad.mapWidth()];
            int[] requested = {1, -1, 3};
            long[] ids = io.sparkcnn.model.backend.cpu.SteadyStateAllocation.callerAnd(backend.workerThreadIds());
            io.sparkcnn.model.backend.cpu.SteadyStateAllocation.assertWarmWindowsAllocateNothing("Grad-CAM and CAM batches", ids,
                    () -> {
                        grad.run(x, 0, BATCH, requested);
                        grad.rawMap(2, map, 0);
                        cam.run(x, 0, 2, null);
                        cam.rawMap(1, map, 0);
                    });
        }
    }

    @Test
    void camRefusesANetworkWithoutGlobalPooling() {
        NetworkSpec flat = NetworkSpec.builder("flatnet", Shape.of(1, 6, 6))
                .add("conv1", Conv.conv2d(3, 3, 1, 1))
                .add("relu1", Activate.relu())
                .add("flatten", new Flatten())
                .add("fc", new Dense(2))
                .loss(new SoftmaxCrossEntropy())
                .build();
        try (CpuBackend backend = new CpuBackend(1)) {
            Network net = Network.build(flat, 1, backend, 0);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Cam(net, null));
            assertTrue(e.getMessage().contains("'relu1'") && e.getMessage().contains("global average pooling"), e.getMessage());
        }
    }
}
