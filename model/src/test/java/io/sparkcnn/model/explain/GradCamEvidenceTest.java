package io.sparkcnn.model.explain;

import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.Activate;
import io.sparkcnn.model.layers.Conv;
import io.sparkcnn.model.layers.Dense;
import io.sparkcnn.model.layers.Flatten;
import io.sparkcnn.model.layers.Pool;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
import io.sparkcnn.model.tensor.Shape;
import io.sparkcnn.model.train.Trainer;
import io.sparkcnn.model.train.TrainerConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Grad-CAM points at the evidence: a small CNN (flatten and dense after its convolutions, so
 * nothing forces the map to be local) learns whether a bright 4x4 blob lies somewhere on a
 * noisy 16x16 image; for every image with a blob it finds, the heatmap of the predicted class
 * holds most of its mass in the evidence box: the blob grown by 2 pixels, the reach of the
 * explained layer's 5x5 receptive field (at most a quarter of the image).
 */
class GradCamEvidenceTest {
    private static final int SIZE = 16, HALF = SIZE / 2, BLOB = 4, BATCH = 16;

    /** An image (noise in [0, 0.4)) and, when quadrant >= 0, a blob of +1 at a random place inside that quadrant (its corner into box). */
    private static void image(SplittableRandom r, int quadrant, float[] dst, int off, int[] box) {
        for (int i = 0; i < SIZE * SIZE; i++) dst[off + i] = (float) (0.4 * r.nextDouble());
        if (quadrant < 0) return;
        int y0 = (quadrant / 2) * HALF + r.nextInt(HALF - BLOB + 1), x0 = (quadrant % 2) * HALF + r.nextInt(HALF - BLOB + 1);
        for (int y = y0; y < y0 + BLOB; y++) for (int x = x0; x < x0 + BLOB; x++) dst[off + y * SIZE + x] += 1f;
        if (box != null) {
            box[0] = y0;
            box[1] = x0;
        }
    }

    private static NetworkSpec net() {
        return NetworkSpec.builder("blobnet", Shape.of(1, SIZE, SIZE))
                .add("conv1", Conv.conv2d(8, 3, 1, 1))
                .add("relu1", Activate.relu())
                .add("conv2", Conv.conv2d(8, 3, 1, 1))
                .add("relu2", Activate.relu())
                .add("pool", Pool.max2d(2))
                .add("flatten", new Flatten())
                .add("fc", new Dense(2))
                .loss(new SoftmaxCrossEntropy())
                .build();
    }

    @Test
    void theHeatmapOfTheBlobClassLiesOnTheBlob() {
        NetworkSpec spec = net();
        assertEquals("relu2", ExplainLayers.defaultLayer(spec));
        SplittableRandom r = new SplittableRandom(5);
        float[] x = new float[BATCH * SIZE * SIZE], y = new float[BATCH];
        try (CpuBackend trainBackend = new CpuBackend(2); CpuBackend backend = new CpuBackend(2)) {
            Trainer trainer = Trainer.create(spec, trainBackend, TrainerConfig.fromMap(Map.of("optimizer", "adam",
                    "learningRate", 0.01, "batchSize", BATCH, "seed", 11)));
            for (int step = 0; step < 300; step++) {
                for (int i = 0; i < BATCH; i++) {
                    int label = r.nextInt(2);
                    image(r, label == 1 ? r.nextInt(4) : -1, x, i * SIZE * SIZE, null);
                    y[i] = label;
                }
                trainer.trainStep(x, 0, y, 0);
            }
            Network net = Network.build(spec, BATCH, backend, 0);
            net.setParams(trainer.network().params().clone());
            net.setBuffers(trainer.network().buffers().clone());
            GradCam cam = new GradCam(net, null);

            int[][] boxes = new int[BATCH][2];
            for (int i = 0; i < BATCH; i++) image(r, i % 4, x, i * SIZE * SIZE, boxes[i]);
            cam.run(x, 0, BATCH, null);
            int found = 0;
            double worst = 1, worstOverArea = Double.POSITIVE_INFINITY;
            for (int i = 0; i < BATCH; i++) {
                if (cam.predictedClass(i) != 1) continue;
                found++;
                float[] heat = cam.heatmap(i, SIZE, SIZE);
                double inside = 0, total = 0;
                int area = 0;
                for (int py = 0; py < SIZE; py++) {
                    for (int px = 0; px < SIZE; px++) {
                        double v = heat[py * SIZE + px];
                        total += v;
                        if (py >= boxes[i][0] - 2 && py < boxes[i][0] + BLOB + 2 && px >= boxes[i][1] - 2 && px < boxes[i][1] + BLOB + 2) {
                            inside += v;
                            area++;
                        }
                    }
                }
                assertTrue(total > 0, "image " + i + ": an empty heatmap");
                worst = Math.min(worst, inside / total);
                worstOverArea = Math.min(worstOverArea, (inside / total) / ((double) area / (SIZE * SIZE)));
            }
            int seen = found;
            double share = worst, ratio = worstOverArea;
            assertTrue(seen >= BATCH - 2, "the net finds the blob in only " + seen + " of " + BATCH + " images");
            // the box is at most a quarter of the image: a map blind to the blob would put about its area share there
            assertTrue(share > 0.7, "worst share of the heatmap's mass in the blob's box: " + share);
            assertTrue(ratio > 2.5, "worst share of the mass over the box's share of the area: " + ratio);
        }
    }
}
