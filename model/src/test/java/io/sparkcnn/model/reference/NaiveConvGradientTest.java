package io.sparkcnn.model.reference;

import io.sparkcnn.model.backend.ConvGeom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The naive convolution's backward passes against central finite differences in double
 * precision, through the scalar L = sum(r .* conv(x, w, b)) with a random projection r:
 * dL/dx = backwardData(r), dL/dw = backwardWeights(x, r), dL/db = biasGrad(r).
 */
class NaiveConvGradientTest {

    static Stream<Arguments> geometries() {
        return Stream.of(
                // name, geometry: (n, c, id, ih, iw, k, kd, kh, kw, sd, sh, sw, pd, ph, pw, dd, dh, dw, groups)
                Arguments.of("2d 3x3 stride 1 pad 1", ConvGeom.conv2d(2, 3, 5, 4, 2, 3, 1, 1, 1, 1)),
                Arguments.of("2d 3x2 stride 2 pad 0, odd 7x5", new ConvGeom(2, 2, 1, 7, 5, 3, 1, 3, 2, 1, 2, 2, 0, 0, 0, 1, 1, 1, 1)),
                Arguments.of("2d pad 2 dilation 2", ConvGeom.conv2d(1, 2, 6, 5, 2, 3, 1, 2, 2, 1)),
                Arguments.of("2d stride 2 pad 1 rectangular 6x9", new ConvGeom(2, 2, 1, 6, 9, 2, 1, 3, 3, 1, 2, 2, 0, 1, 1, 1, 1, 1, 1)),
                Arguments.of("2d groups 2", ConvGeom.conv2d(2, 4, 5, 5, 6, 3, 1, 1, 1, 2)),
                Arguments.of("2d depthwise stride 2", ConvGeom.conv2d(2, 3, 6, 5, 3, 3, 2, 1, 1, 3)),
                Arguments.of("2d depthwise multiplier 2 dilation 2", ConvGeom.conv2d(1, 2, 7, 7, 4, 3, 1, 2, 2, 2)),
                Arguments.of("2d 1x1 stride 2", ConvGeom.conv2d(2, 3, 5, 5, 4, 1, 2, 0, 1, 1)),
                Arguments.of("1d stride 2 pad 2 dilation 2", new ConvGeom(2, 2, 1, 1, 9, 3, 1, 1, 3, 1, 1, 2, 0, 0, 2, 1, 1, 2, 1)),
                Arguments.of("1d groups 2 odd", new ConvGeom(1, 4, 1, 1, 11, 2, 1, 1, 4, 1, 1, 3, 0, 0, 1, 1, 1, 1, 2)),
                Arguments.of("3d mixed stride pad dilation", new ConvGeom(1, 2, 3, 4, 5, 2, 2, 3, 2, 1, 2, 1, 1, 1, 0, 1, 1, 2, 1)),
                Arguments.of("3d depthwise stride 2", new ConvGeom(2, 2, 4, 3, 5, 2, 3, 1, 3, 2, 1, 2, 1, 0, 1, 1, 1, 1, 2)),
                Arguments.of("3d temporal (3,1,1) stride 2 dilation 2", new ConvGeom(2, 2, 9, 3, 3, 3, 3, 1, 1, 2, 1, 1, 2, 0, 0, 2, 1, 1, 1)),
                Arguments.of("3d stride 2 everywhere, temporal dilation 2", new ConvGeom(1, 3, 6, 5, 5, 2, 3, 3, 3, 2, 2, 2, 1, 1, 1, 2, 1, 1, 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void analyticGradientsMatchFiniteDifferences(String name, ConvGeom g) {
        Random rnd = new Random(name.hashCode());
        double[] x = random(rnd, g.n() * g.inSize());
        double[] w = random(rnd, g.weightCount());
        double[] b = random(rnd, g.k());
        double[] r = random(rnd, g.n() * g.outSize());
        double h = 1e-4;

        double[] dx = NaiveConv.backwardData(g, r, w);
        double[] fdx = FiniteDifference.gradient(x, h, v -> FiniteDifference.dot(r, NaiveConv.forward(g, v, w, b)));
        assertClose("dx", fdx, dx);

        double[] dw = NaiveConv.backwardWeights(g, x, r);
        double[] fdw = FiniteDifference.gradient(w, h, v -> FiniteDifference.dot(r, NaiveConv.forward(g, x, v, b)));
        assertClose("dw", fdw, dw);

        double[] db = NaiveConv.biasGrad(g, r);
        double[] fdb = FiniteDifference.gradient(b, h, v -> FiniteDifference.dot(r, NaiveConv.forward(g, x, w, v)));
        assertClose("db", fdb, db);
    }

    private static void assertClose(String what, double[] expected, double[] actual) {
        double err = FiniteDifference.maxRelativeError(expected, actual);
        assertTrue(err < 1e-8, what + ": max relative error " + err);
        double norm = 0;
        for (double v : actual) norm += v * v;
        assertTrue(norm > 0, what + " is all zero: the check would be vacuous");
    }

    private static double[] random(Random rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rnd.nextDouble() * 2 - 1;
        return v;
    }
}
