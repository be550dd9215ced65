package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.Arenas;
import io.sparkcnn.model.backend.ConvGeom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Vector API's direct convolution of one input channel against the double reference, every pass with
 * the accumulate-into contract (CpuConvOpTest's check): shapes where the padded row stride, the flattened
 * plane and the tap count are and are not whole vectors and tap blocks, one and two threads, more threads
 * than output channels; against oneDNN on LeNet's layer; calls that allocate nothing; and which geometries
 * auto gives it.
 */
class SingleChannelConvTest {

    @BeforeAll
    static void theTestJvmsRunTheVectorApi() {
        // the POM adds the module to every test JVM as the launchers do: without it these kernels would go untested
        assertTrue(VectorApi.available(), VectorApi.description());
    }

    static Stream<Arguments> geometries() {
        List<Arguments> out = new ArrayList<>(List.of(
                Arguments.of("LeNet-5 5x5 pad 2 (row stride 32)", ConvGeom.conv2d(3, 1, 28, 28, 6, 5, 1, 2, 1, 1)),
                Arguments.of("5x5 no padding", ConvGeom.conv2d(2, 1, 12, 13, 4, 5, 1, 0, 1, 1)),
                Arguments.of("3x3 pad 1, 2 taps past the last block", ConvGeom.conv2d(2, 1, 9, 11, 3, 3, 1, 1, 1, 1)),
                Arguments.of("1x1", ConvGeom.conv2d(2, 1, 5, 7, 3, 1, 1, 0, 1, 1)),
                Arguments.of("7x7 pad 3 on a map smaller than a vector row", ConvGeom.conv2d(2, 1, 6, 5, 2, 7, 1, 3, 1, 1)),
                Arguments.of("one output channel", ConvGeom.conv2d(3, 1, 10, 10, 1, 3, 1, 1, 1, 1)),
                Arguments.of("1-D (height 1)", new ConvGeom(2, 1, 1, 1, 40, 3, 1, 1, 5, 1, 1, 1, 0, 0, 2, 1, 1, 1, 1)),
                Arguments.of("rectangular kernel 2x4 pad (1,3)", new ConvGeom(2, 1, 1, 9, 10, 3, 1, 2, 4, 1, 1, 1, 0, 1, 3, 1, 1, 1, 1))));
        Random rnd = new Random(20261203);
        while (out.size() < 20) {
            int kh = 1 + rnd.nextInt(5), kw = 1 + rnd.nextInt(5);
            ConvGeom g = new ConvGeom(1 + rnd.nextInt(4), 1, 1, kh + rnd.nextInt(20), kw + rnd.nextInt(20), 1 + rnd.nextInt(9),
                    1, kh, kw, 1, 1, 1, 0, rnd.nextInt(kh), rnd.nextInt(kw), 1, 1, 1, 1);
            out.add(Arguments.of("random #" + out.size() + " " + g, g));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void matchesNaiveReference(String name, ConvGeom g) {
        for (int threads : new int[]{1, 2, 3}) {
            CpuConvOpTest.checkAgainstReference(g, threads, name.hashCode() + threads, ctx -> new SingleChannelConv(ctx, g));
        }
    }

    @Test
    void agreesWithOneDnnOnLeNetsFirstLayer() {
        ConvGeom g = ConvGeom.conv2d(8, 1, 28, 28, 6, 5, 1, 2, 1, 1);
        try (ConvFixture direct = new ConvFixture(g, 2, 21, ctx -> new SingleChannelConv(ctx, g));
             ConvFixture dnnl = new ConvFixture(g, 2, 21, ctx -> new DnnlConv(ctx, g))) {
            for (ConvFixture f : new ConvFixture[]{direct, dnnl}) f.runAll();
            CpuConvOpTest.assertClose("y", dnnl.yResult(), direct.yResult());
            CpuConvOpTest.assertClose("dx", dnnl.dxResult(), direct.dxResult());
            CpuConvOpTest.assertClose("dw", dnnl.dwResult(), direct.dwResult());
            CpuConvOpTest.assertClose("db", dnnl.dbResult(), direct.dbResult());
        }
    }

    @Test
    void callsAllocateNothingOnTheHeap() {
        for (ConvGeom g : new ConvGeom[]{ConvGeom.conv2d(4, 1, 28, 28, 6, 5, 1, 2, 1, 1), ConvGeom.conv2d(3, 1, 9, 11, 3, 3, 1, 1, 1, 1)}) {
            try (ConvFixture f = new ConvFixture(g, 2, 3, ctx -> new SingleChannelConv(ctx, g))) {
                for (int i = 0; i < 2000; i++) f.runAll();
                SteadyStateAllocation.assertWarmWindowsAllocateNothing("20 forward+backward calls of " + g, f.stepThreadIds(), () -> {
                    for (int i = 0; i < 20; i++) f.runAll();
                });
            }
        }
    }

    @Test
    void autoGivesItOneChannelAtStrideOneOnlyAndEveryPassUnderEightOutputChannels() {
        try (CpuBackend auto = new CpuBackend(1); CpuBackend gemm = new CpuBackend(1, CpuConvChoice.GEMM)) {
            auto.bind(new Arenas(1, 0, 1, 0));
            gemm.bind(new Arenas(1, 0, 1, 0));
            assertEquals("SingleChannelConv", ((CpuConvOp) auto.conv(ConvGeom.conv2d(1, 1, 28, 28, 6, 5, 1, 2, 1, 1))).strategy(),
                    "under 8 output channels: every pass");
            String wide = ((CpuConvOp) auto.conv(ConvGeom.conv2d(1, 1, 28, 28, 32, 5, 1, 0, 1, 1))).strategy();
            assertTrue(wide.matches("DnnlConv \\(.*\\) / GemmConv / SingleChannelConv"), "32 output channels: backward-weights only, " + wide);
            assertEquals("GemmConv", ((CpuConvOp) gemm.conv(ConvGeom.conv2d(1, 1, 28, 28, 6, 5, 1, 2, 1, 1))).strategy(),
                    "gemm stays im2col + SGEMM");
            for (ConvGeom other : new ConvGeom[]{ConvGeom.conv2d(1, 1, 28, 28, 6, 5, 2, 2, 1, 1), ConvGeom.conv2d(1, 1, 28, 28, 6, 3, 1, 2, 2, 1),
                    ConvGeom.conv2d(1, 2, 28, 28, 6, 5, 1, 2, 1, 1), ConvGeom.conv2d(1, 1, 8, 8, 4, 3, 1, 3, 1, 1)}) {
                assertFalse(SingleChannelConv.fits(other), other.toString());
                assertFalse(((CpuConvOp) auto.conv(other)).strategy().contains("SingleChannel"), other.toString());
            }
        }
    }

    @Test
    void aGeometryItDoesNotComputeIsRefusedByName() {
        ConvGeom strided = ConvGeom.conv2d(1, 1, 28, 28, 6, 5, 2, 2, 1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SingleChannelConv(new CpuContext(1), strided));
        assertTrue(e.getMessage().contains("stride 1") && e.getMessage().contains(strided.toString()), e.getMessage());
    }
}
