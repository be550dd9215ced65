package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.Arenas;
import io.sparkcnn.model.backend.ConvGeom;
import io.sparkcnn.model.backend.ConvOp;
import io.sparkcnn.model.reference.FiniteDifference;
import io.sparkcnn.model.reference.NaiveConv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The float CPU convolution against the double reference {@link NaiveConv}: forward (with and
 * without bias, overwriting and accumulating), backwardData and backwardWeights (both adding
 * into non-zero gradients), on named geometries that reach every code path and on randomized
 * ones. Arena offsets are deliberately non-zero.
 */
class CpuConvOpTest {
    private static final double TOLERANCE = 1e-4;

    static Stream<Arguments> namedGeometries() {
        return Stream.of(
                // (n, c, id, ih, iw, k, kd, kh, kw, sd, sh, sw, pd, ph, pw, dd, dh, dw, groups)
                Arguments.of("3x3 pad 1, one example per SGEMM", ConvGeom.conv2d(2, 3, 33, 34, 4, 3, 1, 1, 1, 1)),
                Arguments.of("3x3 small maps, examples batched into one SGEMM", ConvGeom.conv2d(5, 6, 7, 7, 5, 3, 1, 1, 1, 1)),
                Arguments.of("batched with a short last chunk", ConvGeom.conv2d(5, 2, 17, 18, 3, 3, 1, 1, 1, 1)),
                Arguments.of("1x1 stride 1 reads the input as columns", ConvGeom.conv2d(2, 5, 32, 33, 4, 1, 1, 0, 1, 1)),
                Arguments.of("1x1 stride 1 batched", ConvGeom.conv2d(3, 5, 6, 6, 4, 1, 1, 0, 1, 1)),
                Arguments.of("1x1 stride 2 (ResNet shortcut)", ConvGeom.conv2d(3, 4, 9, 9, 6, 1, 2, 0, 1, 1)),
                Arguments.of("7x7 stride 2 pad 3 stem", ConvGeom.conv2d(2, 3, 23, 21, 4, 7, 2, 3, 1, 1)),
                Arguments.of("5x5 single input channel (LeNet)", ConvGeom.conv2d(3, 1, 12, 12, 4, 5, 1, 0, 1, 1)),
                Arguments.of("groups 2 dilation 2", ConvGeom.conv2d(2, 4, 9, 8, 6, 3, 1, 2, 2, 2)),
                Arguments.of("depthwise stride 2", ConvGeom.conv2d(2, 6, 9, 10, 6, 3, 2, 1, 1, 6)),
                Arguments.of("depthwise multiplier 2 dilation 2", ConvGeom.conv2d(2, 3, 9, 9, 6, 3, 1, 2, 2, 3)),
                Arguments.of("depthwise stride 3 wider than the input", ConvGeom.conv2d(1, 2, 4, 5, 2, 5, 3, 2, 1, 2)),
                Arguments.of("1d stride 2 dilation 2", new ConvGeom(3, 3, 1, 1, 40, 4, 1, 1, 5, 1, 1, 2, 0, 0, 2, 1, 1, 2, 1)),
                Arguments.of("3d (vol2col)", new ConvGeom(2, 3, 5, 6, 7, 4, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)),
                Arguments.of("3d stride 2 groups 3", new ConvGeom(2, 6, 5, 7, 6, 3, 2, 3, 3, 2, 2, 1, 0, 1, 1, 1, 1, 2, 3)),
                Arguments.of("3d depthwise", new ConvGeom(2, 4, 4, 5, 6, 4, 3, 3, 3, 1, 2, 1, 1, 1, 1, 1, 1, 1, 4)),
                Arguments.of("3d temporal (3,1,1) stride 2 dilation 2", new ConvGeom(2, 3, 9, 4, 3, 4, 3, 1, 1, 2, 1, 1, 2, 0, 0, 2, 1, 1, 1)),
                Arguments.of("3d spatial (1,3,3) stride (1,2,2)", new ConvGeom(2, 3, 4, 7, 6, 5, 1, 3, 3, 1, 2, 2, 0, 1, 1, 1, 1, 1, 1)),
                Arguments.of("3d stride 2 everywhere, temporal dilation 2", new ConvGeom(1, 3, 7, 5, 5, 2, 3, 3, 3, 2, 2, 2, 2, 1, 1, 2, 1, 1, 1)),
                Arguments.of("kernel hits padding only on some rows", new ConvGeom(2, 2, 1, 3, 3, 3, 1, 3, 3, 1, 3, 3, 0, 2, 2, 1, 1, 1, 1)));
    }

    /** Randomized geometries over every feature; the seed makes a failure reproducible. */
    static Stream<Arguments> randomGeometries() {
        Random rnd = new Random(20261122);
        List<Arguments> out = new ArrayList<>();
        while (out.size() < 40) {
            int dims = 1 + rnd.nextInt(3);
            int groups = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(3) : 1;
            boolean depthwise = rnd.nextInt(5) == 0;
            int c = depthwise ? 1 + rnd.nextInt(5) : groups * (1 + rnd.nextInt(4));
            if (depthwise) groups = c;
            int k = groups * (1 + rnd.nextInt(depthwise ? 2 : 4));
            int[] in = {1, 1, 1}, ker = {1, 1, 1}, st = {1, 1, 1}, pad = {0, 0, 0}, dil = {1, 1, 1};
            for (int a = 3 - dims; a < 3; a++) {
                in[a] = 2 + rnd.nextInt(dims == 3 ? 6 : 14);
                ker[a] = 1 + rnd.nextInt(4);
                st[a] = 1 + rnd.nextInt(3);
                pad[a] = rnd.nextInt(3);
                dil[a] = 1 + rnd.nextInt(2);
            }
            ConvGeom g = new ConvGeom(1 + rnd.nextInt(4), c, in[0], in[1], in[2], k, ker[0], ker[1], ker[2],
                    st[0], st[1], st[2], pad[0], pad[1], pad[2], dil[0], dil[1], dil[2], groups);
            if (g.od() <= 0 || g.oh() <= 0 || g.ow() <= 0) continue;
            out.add(Arguments.of("random #" + out.size() + " " + g, g));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("namedGeometries")
    void matchesNaiveReference(String name, ConvGeom g) {
        checkAgainstReference(g, 2, name.hashCode());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("randomGeometries")
    void matchesNaiveReferenceOnRandomGeometries(String name, ConvGeom g) {
        checkAgainstReference(g, 3, name.hashCode());
    }

    /** Large examples are split into tiles of output lines; force small tiles on small shapes. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("tiledGeometries")
    void lineTilesOfOneExampleMatchNaiveReference(String name, ConvGeom g, int linesPerTile) {
        int maxColumnFloats = g.kernelVolume() * g.ow() * linesPerTile;
        checkAgainstReference(g, 2, name.hashCode(), ctx -> new GemmConv(ctx, g, 1, maxColumnFloats));
    }

    static Stream<Arguments> tiledGeometries() {
        return Stream.of(
                Arguments.of("2d 3x3 pad 1, 3 lines per tile", ConvGeom.conv2d(2, 3, 20, 17, 4, 3, 1, 1, 1, 1), 3),
                Arguments.of("2d stride 2 groups 2, 1 line per tile", ConvGeom.conv2d(2, 4, 15, 16, 6, 3, 2, 1, 1, 2), 1),
                Arguments.of("3d, tiles across depth slices", new ConvGeom(2, 2, 5, 6, 7, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), 4),
                Arguments.of("1x1 stride 2, 2 lines per tile", ConvGeom.conv2d(1, 3, 9, 9, 4, 1, 2, 0, 1, 1), 2));
    }

    /** The direct loops also serve one input channel without groups; tested here though CpuConvOp picks SGEMM for it. */
    @Test
    void channelwiseLoopsServeASingleInputChannel() {
        ConvGeom g = ConvGeom.conv2d(3, 1, 11, 10, 4, 3, 2, 1, 1, 1);
        checkAgainstReference(g, 2, 9, ctx -> new ChannelwiseConv(ctx, g));
    }

    @Test
    void singleThreadMatchesToo() {
        checkAgainstReference(ConvGeom.conv2d(4, 8, 10, 10, 8, 3, 1, 1, 1, 1), 1, 1);
        checkAgainstReference(ConvGeom.conv2d(2, 4, 10, 10, 4, 3, 1, 1, 1, 4), 1, 2);
    }

    /** Transposed convolution (ConvTranspose2d 3->2, kernel 4, stride 2, padding 1: 7x7 -> 14x14) is backwardData. */
    @Test
    void backwardDataServesAsTransposedConvolution() {
        ConvGeom g = ConvGeom.conv2d(2, 2, 14, 14, 3, 4, 2, 1, 1, 1);
        assertEquals(7, g.oh());
        try (ConvFixture f = new ConvFixture(g, 2, 5)) {
            double[] expected = NaiveConv.backwardData(g, f.dy(), f.w());
            f.zeroDx();
            f.op.backwardData(f.dyOff, f.wOff, f.dxOff);
            assertClose("transposed forward", expected, f.dxResult());
        }
    }

    @Test
    void inGemmModeChoosesDirectLoopsForDepthwiseAndSgemmOtherwise() {
        try (CpuBackend backend = new CpuBackend(1, CpuConvChoice.GEMM)) {
            backend.bind(new Arenas(1, 0, 1, 0));
            assertEquals("ChannelwiseConv", ((CpuConvOp) backend.conv(ConvGeom.conv2d(1, 8, 8, 8, 8, 3, 1, 1, 1, 8))).strategy());
            assertEquals("GemmConv", ((CpuConvOp) backend.conv(ConvGeom.conv2d(1, 8, 8, 8, 8, 3, 1, 1, 1, 2))).strategy());
            assertEquals("GemmConv", ((CpuConvOp) backend.conv(ConvGeom.conv2d(1, 1, 8, 8, 8, 3, 1, 1, 1, 1))).strategy());
        }
    }

    /** Warm forward and backward calls allocate nothing on the caller or the workers (see SteadyStateAllocation). */
    @Test
    void callsAllocateNothingOnTheHeap() {
        for (ConvGeom g : new ConvGeom[]{ConvGeom.conv2d(4, 8, 12, 12, 8, 3, 1, 1, 1, 1),
                ConvGeom.conv2d(2, 8, 40, 40, 8, 3, 1, 1, 1, 1), ConvGeom.conv2d(4, 8, 12, 12, 8, 3, 1, 1, 1, 8)}) {
            try (ConvFixture f = new ConvFixture(g, 2, 3)) {
                for (int i = 0; i < 20; i++) f.runAll();
                SteadyStateAllocation.assertWarmWindowsAllocateNothing("20 forward+backward calls of " + g, f.stepThreadIds(), () -> {
                    for (int i = 0; i < 20; i++) f.runAll();
                });
            }
        }
    }

    private static void checkAgainstReference(ConvGeom g, int threads, long seed) {
        checkAgainstReference(g, threads, seed, ctx -> new CpuConvOp(ctx, g, CpuConvChoice.GEMM));
    }

    static void checkAgainstReference(ConvGeom g, int threads, long seed, Function<CpuContext, ConvOp> ops) {
        try (ConvFixture f = new ConvFixture(g, threads, seed, ops)) {
            Random rnd = new Random(seed ^ 0x5DEECE66DL);
            for (boolean bias : new boolean[]{true, false}) {
                double[] expected = NaiveConv.forward(g, f.x(), f.w(), bias ? f.b() : null);
                f.op.forward(f.xOff, f.wOff, bias ? f.bOff : -1, f.yOff, false);
                assertClose("forward, bias " + bias, expected, f.yResult());

                double[] before = f.fillY(rnd);
                f.op.forward(f.xOff, f.wOff, bias ? f.bOff : -1, f.yOff, true);
                for (int i = 0; i < expected.length; i++) expected[i] += before[i];
                assertClose("forward accumulating, bias " + bias, expected, f.yResult());
            }

            double[] dxBefore = f.fillDx(rnd);
            double[] dx = NaiveConv.backwardData(g, f.dy(), f.w());
            for (int i = 0; i < dx.length; i++) dx[i] += dxBefore[i];
            f.op.backwardData(f.dyOff, f.wOff, f.dxOff);
            assertClose("backwardData", dx, f.dxResult());

            double[][] gradsBefore = f.fillGrads(rnd);
            double[] dw = NaiveConv.backwardWeights(g, f.x(), f.dy());
            double[] db = NaiveConv.biasGrad(g, f.dy());
            for (int i = 0; i < dw.length; i++) dw[i] += gradsBefore[0][i];
            for (int i = 0; i < db.length; i++) db[i] += gradsBefore[1][i];
            f.op.backwardWeights(f.xOff, f.dyOff, f.wOff, f.bOff);
            assertClose("backwardWeights dw", dw, f.dwResult());
            assertClose("backwardWeights db", db, f.dbResult());

            // without a bias the bias gradient is left alone
            double[] dbBefore = f.dbResult();
            f.op.backwardWeights(f.xOff, f.dyOff, f.wOff, -1);
            assertClose("db untouched when b < 0", dbBefore, f.dbResult());
        }
    }

    static void assertClose(String what, double[] expected, double[] actual) {
        double err = FiniteDifference.maxRelativeError(expected, actual);
        assertTrue(err <= TOLERANCE, what + ": max relative error " + err);
    }
}
