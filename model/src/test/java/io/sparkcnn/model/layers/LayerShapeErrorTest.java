package io.sparkcnn.model.layers;

import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
import io.sparkcnn.model.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shapes that do not fit fail while the spec is built, before any arena exists, with a
 * message naming the layer, its type and the shapes involved.
 */
class LayerShapeErrorTest {

    /** The spec's constructor checks every shape; a failure there means nothing was allocated. */
    private static String specError(NetworkSpec.Builder b) {
        ShapeException e = assertThrows(ShapeException.class, b::build);
        return e.getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String p : parts) assertTrue(message.contains(p), () -> "'" + message + "' lacks '" + p + "'");
    }

    @Test
    void addWithMismatchedShapes() {
        String m = specError(NetworkSpec.builder("net", Shape.of(3, 8, 8))
                .add("a", Conv.conv2d(4, 3, 1, 1))
                .add("b", Conv.conv2d(3, 3, 1, 1), "input")
                .add("sum", new Add(), "a", "b"));
        assertContains(m, "layer 'sum' (add)", "(4,8,8)", "(3,8,8)");
    }

    @Test
    void addWithOneInputIsRefused() {
        String m = specError(NetworkSpec.builder("net", Shape.of(3, 8, 8)).add("sum", new Add(), "input"));
        assertContains(m, "layer 'sum' (add)", "two or more inputs");
    }

    @Test
    void concatWithDifferentSpatialSizes() {
        String m = specError(NetworkSpec.builder("net", Shape.of(3, 8, 8))
                .add("down", Pool.max2d(2))
                .add("cat", new Concat(), "input", "down"));
        assertContains(m, "layer 'cat' (concat)", "(3,8,8)", "(3,4,4)", "same spatial size");
        String rank = specError(NetworkSpec.builder("net", Shape.of(3, 8, 8))
                .add("flat", new Flatten())
                .add("cat", new Concat(), "input", "flat"));
        assertContains(rank, "layer 'cat' (concat)", "(3,8,8)", "(192)");
    }

    @Test
    void poolKernelLargerThanThePaddedInput() {
        String m = specError(NetworkSpec.builder("net", Shape.of(2, 3, 3)).add("pool", Pool.max2d(6, 1, 1)));
        assertContains(m, "layer 'pool' (maxpool2d)", "kernel [6, 6]", "larger than the padded input (2,3,3)", "padding [1, 1]");
        String m3 = specError(NetworkSpec.builder("net", Shape.of(2, 2, 6, 6)).add("pool3", Pool.avg3d(3, 1, 0)));
        assertContains(m3, "layer 'pool3' (avgpool3d)", "kernel [3, 3, 3]", "(2,2,6,6)");
    }

    @Test
    void wrongRankIsNamed() {
        assertContains(specError(NetworkSpec.builder("net", Shape.of(16)).add("pool", Pool.max2d(2))),
                "layer 'pool' (maxpool2d)", "needs input (C,H,W), got (16)");
        assertContains(specError(NetworkSpec.builder("net", Shape.of(16)).add("up", Upsample.nearest(2))),
                "layer 'up' (upsample)", "(C,H,W), got (16)");
        assertContains(specError(NetworkSpec.builder("net", Shape.of(16)).add("gap", new GlobalAvgPool())),
                "layer 'gap' (global_avgpool)", "got (16)");
        assertContains(specError(NetworkSpec.builder("net", Shape.of(3, 8, 8)).add("t",
                        new ConvTranspose(3, 4, new int[]{2}, new int[]{2}, new int[]{0}, new int[]{0}, new int[]{1}, 1, true))),
                "layer 't' (conv_transpose3d)", "(C,D,H,W), got (3,8,8)");
    }

    @Test
    void channelMismatchInGroupedTransposedConvolution() {
        String m = specError(NetworkSpec.builder("net", Shape.of(3, 4, 4))
                .add("t", ConvTranspose.convTranspose2d(4, 3, 2, 1, 1).withGroups(2)));
        assertContains(m, "layer 't' (conv_transpose2d)", "groups=2", "in channels 3", "(3,4,4)");
    }

    @Test
    void transposedConvolutionWhosePaddingLeavesNoOutput() {
        String m = specError(NetworkSpec.builder("net", Shape.of(3, 1, 1))
                .add("t", ConvTranspose.convTranspose2d(4, 1, 1, 1, 0)));
        assertContains(m, "layer 't' (conv_transpose2d)", "leaves no output", "(3,1,1)");
    }

    @Test
    void zeroAndNegativeSettingsAreRefusedWhenTheSpecIsMade() {
        List<Executable> bad = List.of(
                () -> Pool.max2d(0),
                () -> Pool.avg2d(2, -1, 0),
                () -> Pool.max2d(3, 1, 2),              // padding above half the kernel
                () -> new Pool(true, 2, new int[]{2}, new int[]{2}, new int[]{-1}, true),
                () -> Upsample.nearest(0),
                () -> new Upsample(Upsample.Mode.BILINEAR, 2, -2),
                () -> new Dropout(1f),
                () -> new Dropout(-0.1f),
                () -> new BatchNorm(0f, 0.1f),
                () -> new BatchNorm(1e-5f, 1.5f),
                () -> ConvTranspose.convTranspose2d(0, 3, 2, 1, 1),
                () -> ConvTranspose.convTranspose2d(4, 3, 2, 1, 2), // output padding not below the stride
                () -> ConvTranspose.convTranspose2d(4, -3, 2, 1, 0),
                () -> Shape.of(3, 0, 4));
        for (int i = 0; i < bad.size(); i++) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad.get(i), "case " + i);
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "case " + i + " explains itself");
        }
        IllegalArgumentException op = assertThrows(IllegalArgumentException.class, () -> ConvTranspose.convTranspose2d(4, 3, 2, 1, 2));
        assertContains(op.getMessage(), "output padding [2, 2]", "stride [2, 2]");
    }

    @Test
    void aHugeNetworkFailsOnItsShapesWithoutAllocating() {
        // 64 x 4096 x 4096 floats per example would need 4 GiB: the error must come from the shape check, not an allocation
        long before = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        String m = specError(NetworkSpec.builder("huge", Shape.of(64, 4096, 4096))
                .add("conv", Conv.conv2d(64, 3, 1, 1))
                .add("pool", Pool.max2d(2))
                .add("sum", new Add(), "conv", "pool")
                .loss(new SoftmaxCrossEntropy()));
        assertContains(m, "layer 'sum' (add)", "(64,4096,4096)", "(64,2048,2048)");
        long after = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        assertTrue(after - before < 256L << 20, "the failed spec allocated " + (after - before) + " bytes");
    }

    @Test
    void toConfigUsesTheConfigReaderKeys() {
        assertEquals(List.of("kernel", "stride", "padding"), List.copyOf(Pool.max2d(3, 2, 1).toConfig().keySet()));
        assertEquals(List.of("kernel", "stride", "padding", "count_include_pad"), List.copyOf(Pool.avg2d(3).toConfig().keySet()));
        assertEquals(List.of("filters", "kernel", "stride", "padding", "output_padding", "dilation", "groups", "bias"),
                List.copyOf(ConvTranspose.convTranspose2d(4, 3, 2, 1, 1).toConfig().keySet()));
        assertEquals(List.of("eps", "momentum"), List.copyOf(new BatchNorm().toConfig().keySet()));
        assertEquals(List.of("p"), List.copyOf(new Dropout(0.5f).toConfig().keySet()));
        assertEquals(List.of("mode", "scale"), List.copyOf(Upsample.bilinear(2).toConfig().keySet()));
        assertEquals("bilinear", Upsample.bilinear(2).toConfig().get("mode"));
        assertEquals(Upsample.Mode.NEAREST, Upsample.mode("nearest"));
        List.of(new Add(), new Concat(), new GlobalAvgPool()).forEach(l -> assertTrue(l.toConfig().isEmpty(), l.type()));
        assertEquals(List.of("conv_transpose2d", "maxpool2d", "avgpool2d", "maxpool3d", "avgpool3d", "global_avgpool",
                        "batchnorm", "dropout", "add", "concat", "upsample"),
                List.of(ConvTranspose.convTranspose2d(1, 1, 1, 0, 0).type(), Pool.max2d(2).type(), Pool.avg2d(2).type(),
                        Pool.max3d(2, 2, 0).type(), Pool.avg3d(2, 2, 0).type(), new GlobalAvgPool().type(),
                        new BatchNorm().type(), new Dropout(0.1f).type(), new Add().type(), new Concat().type(),
                        Upsample.nearest(2).type()));
    }
}
