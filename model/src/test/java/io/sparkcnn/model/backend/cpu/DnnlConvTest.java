package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.Arenas;
import io.sparkcnn.model.backend.ConvGeom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The oneDNN convolution against the double reference, on every geometry the im2col one is
 * checked on (CpuConvOpTest's named and randomized ones, 1-D to 3-D, groups, dilation, strides
 * wider than the input), with the same accumulate-into contract, plus: against GemmConv on the
 * benchmark's shapes, calls that allocate nothing, and a rebind after the shared off-heap
 * scratch grows.
 */
class DnnlConvTest {

    @BeforeAll
    static void oneDnnLoadsHere() {
        // The build's natives are linux-x86_64; CI and the dev machines are that. Fail, not skip: a missing native is a defect here.
        assertTrue(Dnnl.available(), Dnnl.description());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.sparkcnn.model.backend.cpu.CpuConvOpTest#namedGeometries")
    void matchesNaiveReference(String name, ConvGeom g) {
        CpuConvOpTest.checkAgainstReference(g, 2, name.hashCode(), ctx -> new DnnlConv(ctx, g));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.sparkcnn.model.backend.cpu.CpuConvOpTest#randomGeometries")
    void matchesNaiveReferenceOnRandomGeometries(String name, ConvGeom g) {
        CpuConvOpTest.checkAgainstReference(g, 3, name.hashCode(), ctx -> new DnnlConv(ctx, g));
    }

    /** backend.cpuConv=auto, where one layer's passes may run on oneDNN and on SGEMM, against the reference too. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.sparkcnn.model.backend.cpu.CpuConvOpTest#namedGeometries")
    void autoMatchesNaiveReference(String name, ConvGeom g) {
        CpuConvOpTest.checkAgainstReference(g, 2, name.hashCode(), ctx -> new CpuConvOp(ctx, g, CpuConvChoice.AUTO));
    }

    /**
     * Operands over two threads' grain (DnnlOperand.PARALLEL_GRAIN) copy in and add back on the team,
     * in slices that end inside an add block: at 2 and 3 threads, every pass against the reference.
     */
    @Test
    void copiesSplitOverTheThreadTeamMatchTheReference() {
        ConvGeom g = ConvGeom.conv2d(2, 96, 20, 20, 96, 3, 1, 1, 1, 1);
        assertTrue(g.n() * g.inSize() > 2 * (1 << 15) && g.weightCount() > 2 * (1 << 15), "every operand splits");
        for (int threads : new int[]{2, 3}) CpuConvOpTest.checkAgainstReference(g, threads, 17 + threads, ctx -> new DnnlConv(ctx, g));
    }

    /**
     * A 1x1 layer over a 28x28 plane: where oneDNN runs it as its AVX-512 matmul, forward and
     * backward-data work on the arenas' layout and backward-weights stays blocked; elsewhere all
     * three stay blocked. Either way every pass against the reference.
     */
    @Test
    void pointwiseLayersOnLargePlanesTakeThePlainMatmulOnlyOnAvx512() {
        ConvGeom g = ConvGeom.conv2d(2, 16, 28, 28, 24, 1, 1, 0, 1, 1);
        assertTrue(DnnlConv.plainPointwiseCandidate(g));
        CpuConvOpTest.checkAgainstReference(g, 2, 23, ctx -> new DnnlConv(ctx, g));
        try (CpuContext ctx = new CpuContext(1)) {
            String[] passes = new DnnlConv(ctx, g).implementations().split(" / ");
            boolean avx512 = Dnnl.description().contains("avx512");
            assertEquals(avx512, passes[0].contains("matmul"), "forward " + passes[0] + " on " + Dnnl.description());
            assertEquals(avx512, passes[1].contains("matmul"), "backward-data " + passes[1] + " on " + Dnnl.description());
            assertTrue(!passes[2].contains("ncsp"), "backward-weights stays blocked: " + passes[2]);
        }
    }

    @Test
    void onlyStrideOneOneByOneLayersOnPlanesFrom28x28AreCandidates() {
        assertTrue(DnnlConv.plainPointwiseCandidate(ConvGeom.conv2d(8, 64, 56, 56, 256, 1, 1, 0, 1, 1)));
        assertTrue(DnnlConv.plainPointwiseCandidate(ConvGeom.conv2d(1, 3, 28, 28, 5, 1, 1, 0, 1, 1)));
        assertTrue(!DnnlConv.plainPointwiseCandidate(ConvGeom.conv2d(8, 512, 14, 14, 512, 1, 1, 0, 1, 1)), "14x14");
        assertTrue(!DnnlConv.plainPointwiseCandidate(ConvGeom.conv2d(8, 64, 56, 56, 64, 3, 1, 1, 1, 1)), "3x3");
        assertTrue(!DnnlConv.plainPointwiseCandidate(ConvGeom.conv2d(8, 256, 56, 56, 512, 1, 2, 0, 1, 1)), "stride 2");
        assertTrue(!DnnlConv.plainPointwiseCandidate(ConvGeom.conv2d(8, 64, 56, 56, 64, 1, 1, 0, 1, 2)), "groups");
        assertTrue(DnnlConv.plainMatmulKernel("jit_uni_ncsp:matmul+brg_matmul:avx512_core"));
        assertTrue(!DnnlConv.plainMatmulKernel("jit_uni_ncsp:matmul+brg_matmul:avx2"), "unmeasured on AVX2");
        assertTrue(!DnnlConv.plainMatmulKernel("jit_uni_ncsp:conv+jit_1x1:avx512_core"), "a conv wrapper, not the matmul");
    }

    /** The benchmark's ResNet/LeNet shapes at a small batch: oneDNN and im2col + SGEMM agree to float rounding. */
    @Test
    void agreesWithGemmOnNetworkShapes() {
        for (ConvGeom g : new ConvGeom[]{ConvGeom.conv2d(2, 64, 14, 14, 64, 3, 1, 1, 1, 1),
                ConvGeom.conv2d(2, 3, 32, 32, 16, 7, 2, 3, 1, 1), ConvGeom.conv2d(4, 1, 28, 28, 32, 5, 1, 0, 1, 1),
                ConvGeom.conv2d(2, 32, 16, 16, 64, 1, 2, 0, 1, 1), ConvGeom.conv2d(2, 32, 16, 16, 32, 3, 1, 1, 1, 32)}) {
            try (ConvFixture gemm = new ConvFixture(g, 2, 11, ctx -> new GemmConv(ctx, g));
                 ConvFixture dnnl = new ConvFixture(g, 2, 11, ctx -> new DnnlConv(ctx, g))) {
                for (ConvFixture f : new ConvFixture[]{gemm, dnnl}) f.runAll();
                CpuConvOpTest.assertClose(g + " y", gemm.yResult(), dnnl.yResult());
                CpuConvOpTest.assertClose(g + " dx", gemm.dxResult(), dnnl.dxResult());
                CpuConvOpTest.assertClose(g + " dw", gemm.dwResult(), dnnl.dwResult());
                CpuConvOpTest.assertClose(g + " db", gemm.dbResult(), dnnl.dbResult());
            }
        }
    }

    /** The test JVMs run one OpenMP thread (the root POM says why); a two-thread team is checked in a child JVM. */
    @Test
    void aTwoThreadOpenMpTeamMatchesTheReferenceToo() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TwoThreadDnnlCheck.class.getName()).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", "2");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("checked 5 geometries with OMP_NUM_THREADS=2"), out);
    }

    @Test
    void callsAllocateNothingOnTheHeap() {
        for (ConvGeom g : new ConvGeom[]{ConvGeom.conv2d(4, 8, 12, 12, 8, 3, 1, 1, 1, 1),
                ConvGeom.conv2d(2, 8, 40, 40, 16, 3, 2, 1, 1, 2), ConvGeom.conv2d(4, 8, 12, 12, 8, 3, 1, 1, 1, 8),
                ConvGeom.conv2d(2, 96, 20, 20, 96, 3, 1, 1, 1, 1)}) {
            try (ConvFixture f = new ConvFixture(g, 2, 3, ctx -> new DnnlConv(ctx, g))) {
                for (int i = 0; i < 20; i++) f.runAll();
                SteadyStateAllocation.assertWarmWindowsAllocateNothing("20 oneDNN forward+backward calls of " + g, f.stepThreadIds(), () -> {
                    for (int i = 0; i < 20; i++) f.runAll();
                });
            }
        }
    }

    /** A layer made after the first call grows the shared off-heap scratch; the earlier layer must follow it, not keep the freed block. */
    @Test
    void anEarlierLayerFollowsTheScratchWhenALaterOneGrowsIt() {
        ConvGeom small = ConvGeom.conv2d(1, 2, 6, 6, 3, 3, 1, 1, 1, 1);
        try (ConvFixture f = new ConvFixture(small, 1, 5, ctx -> new DnnlConv(ctx, small))) {
            f.runAll();
            int before = f.context().nativeScratch().generation();
            new DnnlConv(f.context(), ConvGeom.conv2d(8, 16, 30, 30, 16, 3, 1, 1, 1, 1));
            assertTrue(f.context().nativeScratch().generation() > before, "the scratch was made anew");
            double[] expected = io.sparkcnn.model.reference.NaiveConv.forward(small, f.x(), f.w(), f.b());
            f.op.forward(f.xOff, f.wOff, f.bOff, f.yOff, false);
            CpuConvOpTest.assertClose("forward after the scratch grew", expected, f.yResult());
        }
    }

    @Test
    void autoPicksOneDnnAndGemmStaysSelectable() {
        try (CpuBackend auto = new CpuBackend(1); CpuBackend gemm = new CpuBackend(1, CpuConvChoice.GEMM)) {
            auto.bind(new Arenas(1, 0, 1, 0));
            gemm.bind(new Arenas(1, 0, 1, 0));
            ConvGeom wide = ConvGeom.conv2d(1, 32, 8, 8, 32, 3, 1, 1, 1, 1), stem = ConvGeom.conv2d(1, 3, 16, 16, 8, 7, 2, 3, 1, 1);
            String all = ((CpuConvOp) auto.conv(wide)).strategy(), mixed = ((CpuConvOp) auto.conv(stem)).strategy();
            assertTrue(all.startsWith("DnnlConv (") && !all.contains("Gemm"), all);
            assertTrue(mixed.matches("DnnlConv \\(.*\\) / GemmConv / DnnlConv \\(.*\\)"), "3 input channels: backward-data by SGEMM, " + mixed);
            // (at stride 1 one input channel goes to SingleChannelConv: SingleChannelConvTest)
            String single = ((CpuConvOp) auto.conv(ConvGeom.conv2d(1, 1, 28, 28, 6, 5, 2, 2, 1, 1))).strategy();
            assertTrue(single.matches("DnnlConv \\(.*\\) / GemmConv / GemmConv"), "1 input channel, stride 2: both backward passes by SGEMM, " + single);
            String six = ((CpuConvOp) auto.conv(ConvGeom.conv2d(1, 6, 14, 14, 16, 5, 1, 0, 1, 1))).strategy();
            assertTrue(six.startsWith("DnnlConv (") && !six.contains("Gemm"), "6 input channels: oneDNN, " + six);
            assertEquals("GemmConv", ((CpuConvOp) gemm.conv(wide)).strategy());
            for (ConvGeom g : new ConvGeom[]{ConvGeom.conv2d(1, 32, 8, 8, 64, 1, 1, 0, 1, 1), ConvGeom.conv2d(1, 32, 8, 8, 64, 1, 2, 0, 1, 1)}) {
                String s = ((CpuConvOp) auto.conv(g)).strategy();
                assertTrue(s.startsWith("DnnlConv (") && !s.contains("Gemm"), "1x1: oneDNN, " + s);
            }
            assertEquals("ChannelwiseConv", ((CpuConvOp) gemm.conv(ConvGeom.conv2d(1, 32, 8, 8, 32, 3, 2, 1, 1, 32))).strategy(),
                    "gemm keeps the direct loops for depthwise layers");
            for (int stride : new int[]{1, 2}) {
                String s = ((CpuConvOp) auto.conv(ConvGeom.conv2d(1, 32, 8, 8, 32, 3, stride, 1, 1, 32))).strategy();
                assertTrue(s.startsWith("DnnlConv (jit_dw"), "depthwise stride " + stride + ": " + s);
            }
            // the version and the ISA its kernels use: both change the arithmetic, so a worker's description names them
            assertTrue(auto.deviceDescription().matches(".*oneDNN \\d+\\.\\d+\\.\\d+ \\(\\w+:\\w+\\), OMP_NUM_THREADS=.*"),
                    auto.deviceDescription());
        }
    }

    @Test
    void anUnknownSettingIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CpuConvChoice.parse("winograd"));
        assertTrue(e.getMessage().contains("backend.cpuConv") && e.getMessage().contains("winograd"), e.getMessage());
    }
}
