package io.sparkcnn.model.layers;

import io.sparkcnn.model.backend.ConvGeom;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.losses.MeanSquaredError;
import io.sparkcnn.model.reference.FiniteDifference;
import io.sparkcnn.model.reference.NaiveConv;
import io.sparkcnn.model.reference.NaiveConvTranspose;
import io.sparkcnn.model.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Transposed convolution: the scatter-form reference against finite differences and against
 * the convolution reference's adjoint (two independent definitions), then the layer on the
 * CPU backend, which runs on the convolution op, against the reference in a network.
 */
class ConvTransposeTest {

    /** Random 2-D layers over stride, padding, output padding (&lt; stride), dilation and groups. */
    private static ConvTranspose randomLayer(SplittableRandom rng, int inChannels) {
        int groups = inChannels % 2 == 0 && rng.nextBoolean() ? 2 : 1;
        int filters = groups * (1 + rng.nextInt(3));
        int kernel = 1 + rng.nextInt(3), stride = 1 + rng.nextInt(3), dilation = 1 + rng.nextInt(2);
        int pad = rng.nextInt(kernel), outPad = rng.nextInt(stride);
        return new ConvTranspose(2, filters, new int[]{kernel}, new int[]{stride}, new int[]{pad}, new int[]{outPad},
                new int[]{dilation}, groups, rng.nextBoolean());
    }

    private static double[] random(SplittableRandom rng, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = 2 * rng.nextDouble() - 1;
        return v;
    }

    @Test
    void referenceGradientsMatchFiniteDifferencesAndTheConvolutionAdjoint() {
        SplittableRandom rng = new SplittableRandom(1);
        int checked = 0;
        while (checked < 20) {
            int c = 1 + rng.nextInt(4);
            ConvTranspose layer = randomLayer(rng, c);
            Shape in = Shape.of(c, 1 + rng.nextInt(4), 1 + rng.nextInt(5));
            if (!fits(layer, in)) continue;
            checked++;
            int n = 1 + rng.nextInt(2);
            NaiveConvTranspose.Geom g = ReferenceNetwork.transposeGeom(layer, n, in);
            double[] x = random(rng, n * g.inSize()), w = random(rng, g.weightCount());
            double[] b = layer.bias() ? random(rng, layer.filters()) : null;
            double[] proj = random(rng, n * g.outSize());
            NaiveConvTranspose.Grads grads = NaiveConvTranspose.backward(g, x, w, proj);
            String what = layer.toConfig() + " on " + in;
            assertTrue(FiniteDifference.maxRelativeError(grads.dx(), FiniteDifference.gradient(x.clone(), 1e-6,
                    v -> FiniteDifference.dot(proj, NaiveConvTranspose.forward(g, v, w, b)))) < 1e-8, "dx " + what);
            assertTrue(FiniteDifference.maxRelativeError(grads.dw(), FiniteDifference.gradient(w.clone(), 1e-6,
                    v -> FiniteDifference.dot(proj, NaiveConvTranspose.forward(g, x, v, b)))) < 1e-8, "dw " + what);
            if (b != null) {
                assertTrue(FiniteDifference.maxRelativeError(grads.db(), FiniteDifference.gradient(b.clone(), 1e-6,
                        v -> FiniteDifference.dot(proj, NaiveConvTranspose.forward(g, x, w, v)))) < 1e-8, "db " + what);
            }
            // the layer's convolution maps its output back onto its input; its adjoint is this forward
            ConvGeom conv = layer.geom(n, in);
            double[] viaConv = NaiveConv.backwardData(conv, x, w);
            assertTrue(FiniteDifference.maxRelativeError(NaiveConvTranspose.forward(g, x, w, null), viaConv) < 1e-12,
                    "scatter form vs convolution adjoint " + what);
        }
    }

    private static boolean fits(ConvTranspose layer, Shape in) {
        try {
            layer.outputShape(List.of(in));
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Test
    void outputSizeFollowsPyTorch() {
        // torch.nn.ConvTranspose2d(3, 5, 3, stride=2, padding=1, output_padding=1): 7x9 -> 14x18
        ConvTranspose t = ConvTranspose.convTranspose2d(5, 3, 2, 1, 1);
        assertEquals(Shape.of(5, 14, 18), t.outputShape(List.of(Shape.of(3, 7, 9))));
        assertEquals(3L * 5 * 9 + 5, t.paramCount(List.of(Shape.of(3, 7, 9))));
        // dilation 2, kernel 3, stride 1, padding 0: O = I + 4
        assertEquals(Shape.of(2, 8, 5), ConvTranspose.convTranspose2d(2, 3, 1, 0, 0).withDilation(2)
                .outputShape(List.of(Shape.of(4, 4, 1))));
    }

    @Test
    void cpuLayerMatchesReferenceInANetwork() {
        SplittableRandom rng = new SplittableRandom(2);
        int checked = 0;
        while (checked < 12) {
            int c = 2 + rng.nextInt(3);
            ConvTranspose layer = randomLayer(rng, c);
            Shape in = Shape.of(c, 1 + rng.nextInt(4), 1 + rng.nextInt(5));
            if (!fits(layer, in)) continue;
            checked++;
            // a 1x1 convolution in front, so the transposed layer's input gradient is checked through its weights
            NetworkSpec spec = NetworkSpec.builder("transposed_" + checked, Shape.of(1, in.dim(1), in.dim(2)))
                    .add("front", Conv.conv2d(c, 1, 1, 0))
                    .add("t", layer)
                    .loss(new MeanSquaredError())
                    .build();
            int outSize = layer.outputShape(List.of(in)).size();
            int batch = 1 + rng.nextInt(2);
            NetworkGradientCheck.check(spec, batch, checked, NetworkGradientCheck.uniform(batch * outSize, -1, 1),
                    n -> java.util.Map.of());
        }
    }
}
