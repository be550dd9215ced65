package io.sparkcnn.model.explain;

import io.sparkcnn.model.backend.Activation;
import io.sparkcnn.model.backend.ConvGeom;
import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.graph.ParameterLayout;
import io.sparkcnn.model.layers.Activate;
import io.sparkcnn.model.layers.BatchNorm;
import io.sparkcnn.model.layers.Conv;
import io.sparkcnn.model.layers.Dense;
import io.sparkcnn.model.layers.Flatten;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
import io.sparkcnn.model.reference.FiniteDifference;
import io.sparkcnn.model.reference.NaiveActivation;
import io.sparkcnn.model.reference.NaiveBatchNorm;
import io.sparkcnn.model.reference.NaiveConv;
import io.sparkcnn.model.reference.NaiveDense;
import io.sparkcnn.model.tensor.Shape;
import io.sparkcnn.model.zoo.ModelZoo;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What Grad-CAM back-propagates is the gradient of the class score (the logit), not of the
 * loss: the engine's gradient at the explained layer and its channel weights (the gradient's
 * spatial mean) against central finite differences of the logit, computed in double precision
 * by the naive references on the layers after the explained one (conv, ReLU, flatten, dense), with
 * and without a batch norm in evaluation mode right after the explained layer.
 */
class GradCamGradientTest {
    private static final int BATCH = 2, CLASSES = 3;
    private static final Shape INPUT = Shape.of(1, 6, 6);

    private static NetworkSpec net() { return net(false); }

    private static NetworkSpec net(boolean batchNorm) {
        NetworkSpec.Builder b = NetworkSpec.builder("fdnet", INPUT)
                .add("conv1", Conv.conv2d(4, 3, 1, 1))
                .add("relu1", Activate.relu());
        if (batchNorm) b.add("bn", new BatchNorm());
        return b.add("conv2", Conv.conv2d(3, 3, 1, 0))
                .add("relu2", Activate.tanh())
                .add("flatten", new Flatten())
                .add("fc", new Dense(CLASSES))
                .loss(new SoftmaxCrossEntropy())
                .build();
    }

    @Test
    void theWeightsAreTheMeanFiniteDifferenceOfTheClassLogit() {
        checkAgainstFiniteDifferences(false);
    }

    @Test
    void throughABatchNormInEvaluationModeToo() {
        checkAgainstFiniteDifferences(true);
    }

    private static void checkAgainstFiniteDifferences(boolean batchNorm) {
        NetworkSpec spec = net(batchNorm);
        SplittableRandom r = new SplittableRandom(21);
        try (CpuBackend backend = new CpuBackend(2)) {
            Network net = Network.build(spec, BATCH, backend, 0);
            net.initParams(5);
            float[] p = net.params().clone();
            for (int i = 0; i < p.length; i++) p[i] += (float) (0.2 * (r.nextDouble() - 0.5));
            net.setParams(p);
            float[] buffers = net.buffers().clone(); // running mean, then variance: far from 0 and 1
            for (int i = 0; i < buffers.length; i++) buffers[i] = i < buffers.length / 2 ? 0.3f * i - 0.2f : 0.4f + 0.5f * i;
            net.setBuffers(buffers);
            float[] x = new float[BATCH * net.inputSize()];
            for (int i = 0; i < x.length; i++) x[i] = (float) (2 * r.nextDouble() - 1);

            GradCam cam = new GradCam(net, "relu1");
            Shape map = net.shape("relu1");
            int n = map.size();
            float[] acts = new float[BATCH * n];
            // the predicted class of image 0 and a class other than the predicted one of image 1
            cam.run(x, 0, BATCH, null);
            int other = (cam.predictedClass(1) + 1) % CLASSES;
            cam.run(x, 0, BATCH, new int[] {-1, other});
            assertEquals(other, cam.explainedClass(1));
            net.readActivation("relu1", acts);

            Tail tail = new Tail(spec, net.parameterLayout(), p, buffers, map);
            for (int i = 0; i < BATCH; i++) {
                int c = cam.explainedClass(i);
                double[] a = new double[n];
                for (int q = 0; q < n; q++) a[q] = acts[i * n + q];
                assertEquals(tail.logit(a, c), cam.logit(i, c), 1e-5 * Math.max(1, Math.abs(cam.logit(i, c))), "the tail's logit");
                double[] numeric = FiniteDifference.gradient(a, 1e-6, v -> tail.logit(v, c));
                float[] g = new float[n];
                cam.gradient(i, g, 0);
                double scale = Arrays.stream(numeric).map(Math::abs).max().orElse(0);
                assertTrue(scale > 1e-3, "a vanishing gradient would prove nothing");
                for (int q = 0; q < n; q++) assertEquals(numeric[q], g[q], 1e-3 * scale, "image " + i + ", d logit / d A at " + q);

                float[] w = new float[map.channels()];
                cam.channelWeights(i, w, 0);
                int plane = map.dim(1) * map.dim(2);
                for (int k = 0; k < map.channels(); k++) {
                    double mean = 0;
                    for (int q = 0; q < plane; q++) mean += numeric[k * plane + q] / plane;
                    assertEquals(mean, w[k], 1e-3 * scale, "image " + i + ", weight of channel " + k);
                }
            }
        }
    }

    /** [bn,] conv2, tanh, flatten, fc of {@link #net(boolean)} in double, from relu1's output to one class's logit. */
    private record Tail(double[][] bn, ConvGeom conv, double[] convW, double[] convB, double[] fcW, double[] fcB,
                        int features, Shape in) {
        Tail(NetworkSpec spec, ParameterLayout layout, float[] params, float[] buffers, Shape in) {
            this(layout.layer("bn") == null ? null : new double[][] {slice(params, layout.layer("bn").params().get(0)),
                            slice(params, layout.layer("bn").params().get(1)), slice(buffers, layout.layer("bn").buffers().get(0)),
                            slice(buffers, layout.layer("bn").buffers().get(1))},
                    ((Conv) spec.nodes().stream().filter(n -> n.name().equals("conv2")).findFirst().orElseThrow().spec())
                            .geom(1, in, true),
                    slice(params, layout.layer("conv2").params().get(0)), slice(params, layout.layer("conv2").params().get(1)),
                    slice(params, layout.layer("fc").params().get(0)), slice(params, layout.layer("fc").params().get(1)),
                    layout.layer("fc").params().get(0).length() / CLASSES, in);
        }

        double logit(double[] a, int c) {
            double[] x = bn == null ? a : NaiveBatchNorm.forwardEval(1, in.channels(), in.dim(1) * in.dim(2), a, bn[0], bn[1],
                    bn[2], bn[3], BatchNorm.DEFAULT_EPS);
            double[] y = NaiveActivation.forward(Activation.TANH, 0, NaiveConv.forward(conv, x, convW, convB));
            return NaiveDense.forward(1, features, CLASSES, y, fcW, fcB)[c];
        }

        private static double[] slice(float[] p, ParameterLayout.Region r) {
            double[] d = new double[r.length()];
            for (int i = 0; i < d.length; i++) d[i] = p[r.offset() + i];
            return d;
        }
    }

    @Test
    void theDefaultLayerIsTheLastConvBlocksOutput() {
        assertEquals("relu2", ExplainLayers.defaultLayer(net()));
        assertEquals("relu2", ExplainLayers.defaultLayer(ModelZoo.build("lenet5", 10, Shape.of(1, 28, 28))));
        assertEquals("relu2", ExplainLayers.defaultLayer(ModelZoo.build("lenet5_bn", 10, Shape.of(1, 28, 28))));
        NetworkSpec resnet = ModelZoo.build("resnet18", 10, Shape.of(3, 64, 64));
        String last = ExplainLayers.defaultLayer(resnet);
        // the rectified output of the last residual block: what the global average pooling reads
        String pooled = resnet.nodes().stream().filter(nd -> nd.spec() instanceof io.sparkcnn.model.layers.GlobalAvgPool)
                .findFirst().orElseThrow().inputs().get(0);
        assertEquals(pooled, last);
        assertEquals(pooled, ExplainLayers.resolve(resnet, ""));
    }

    @Test
    void aLayerWithoutAFeatureMapIsRefusedByName() {
        NetworkSpec bn = ModelZoo.build("lenet5_bn", 10, Shape.of(1, 28, 28));
        // a batch norm after the layer passes the gradient on in evaluation mode (CpuBatchNormOpTest checks it)
        assertEquals("relu1", ExplainLayers.resolve(bn, "relu1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExplainLayers.resolve(bn, "fc1"));
        assertTrue(e.getMessage().contains("'fc1'") && e.getMessage().contains("(C, H, W)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ExplainLayers.resolve(bn, "conv9"));
        assertTrue(e.getMessage().contains("no layer 'conv9'") && e.getMessage().contains("relu2"), e.getMessage());
        NetworkSpec dense = NetworkSpec.builder("mlp", Shape.of(4)).add("fc", new Dense(2)).build();
        assertThrows(IllegalArgumentException.class, () -> ExplainLayers.defaultLayer(dense));
    }
}
