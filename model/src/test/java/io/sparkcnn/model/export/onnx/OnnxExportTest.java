package io.sparkcnn.model.export.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sparkcnn.model.export.onnx.proto.Onnx.ModelProto;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.Activate;
import io.sparkcnn.model.layers.Add;
import io.sparkcnn.model.layers.BatchNorm;
import io.sparkcnn.model.layers.Concat;
import io.sparkcnn.model.layers.Conv;
import io.sparkcnn.model.layers.ConvTranspose;
import io.sparkcnn.model.layers.Dense;
import io.sparkcnn.model.layers.Dropout;
import io.sparkcnn.model.layers.Flatten;
import io.sparkcnn.model.layers.GlobalAvgPool;
import io.sparkcnn.model.layers.LayerPlan;
import io.sparkcnn.model.layers.LayerRuntime;
import io.sparkcnn.model.layers.LayerSpec;
import io.sparkcnn.model.layers.Pool;
import io.sparkcnn.model.layers.Upsample;
import io.sparkcnn.model.losses.MeanSquaredError;
import io.sparkcnn.model.losses.SigmoidBinaryCrossEntropy;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
import io.sparkcnn.model.tensor.Shape;
import io.sparkcnn.model.zoo.ModelZoo;
import io.sparkcnn.model.zoo.ZooOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exported model run in ONNX Runtime (Java API) gives the engine's eval-mode outputs within
 * 1e-4, for zoo networks and for hand-built networks that hold every layer type and setting.
 */
class OnnxExportTest {

    /** name, classes, input dims, zoo width, depth (0: the model's default). */
    @ParameterizedTest(name = "{0} {2}")
    @CsvSource(delimiter = ';', value = {
            "lenet5; 10; 1 28 28; 0; 0",
            "resnet18; 10; 3 64 64; 0; 0",
            "mobilenet_v1; 10; 3 64 64; 0; 0",
            "unet; 4; 3 32 32; 8; 2",
            "deeplab; 4; 3 32 32; 4; 2",
            "fcn8s; 4; 3 32 32; 4; 1",
            "r2plus1d; 5; 3 4 16 16; 4; 1",
            "ssd; 3; 3 48 48; 8; 3",
    })
    void zooNetworksGiveTheEnginesOutputsInOnnxRuntime(String name, int classes, String input, int width, int depth)
            throws OrtException {
        int[] dims = java.util.Arrays.stream(input.split(" ")).mapToInt(Integer::parseInt).toArray();
        ZooOptions o = width == 0 ? ZooOptions.DEFAULTS : new ZooOptions(width, depth, null);
        OnnxRuntimeCheck.assertSame(ModelZoo.build(name, classes, Shape.of(dims), o), 2, 11);
    }

    @Test
    void everyTwoDimensionalLayerAndSettingMatches() throws OrtException {
        NetworkSpec.Builder b = NetworkSpec.builder("layers2d", Shape.of(3, 12, 12));
        b.add("dilated", new Conv(2, 8, new int[]{3}, new int[]{1}, new int[]{2}, new int[]{2}, 1, true));
        b.add("bn", new BatchNorm(1e-3f, 0.1f));
        b.add("leaky", Activate.leakyRelu(0.1f));
        b.add("grouped", new Conv(2, 8, new int[]{3, 5}, new int[]{2, 1}, new int[]{1, 2}, new int[]{1}, 4, false));
        b.add("sigmoid", Activate.sigmoid());
        b.add("avg_exclude_pad", new Pool(false, 2, new int[]{3}, new int[]{2}, new int[]{1}, false));
        b.add("nearest", new Upsample(Upsample.Mode.NEAREST, 2, 3));
        b.add("up", new ConvTranspose(2, 6, new int[]{3}, new int[]{2}, new int[]{1}, new int[]{1}, new int[]{1}, 2, true));
        b.add("tanh", Activate.tanh(), "up");
        b.add("relu", Activate.relu(), "up");
        b.add("sum3", new Add(), "up", "tanh", "relu");
        b.add("cat", new Concat(), "tanh", "sum3");
        b.add("max_pad", Pool.max2d(3, 2, 1));
        b.add("avg_include_pad", Pool.avg2d(3, 1, 1));
        b.add("bilinear", Upsample.bilinear(2));
        b.add("up_dilated", new ConvTranspose(2, 4, new int[]{2, 3}, new int[]{1, 2}, new int[]{0, 1}, new int[]{0, 1},
                new int[]{2, 1}, 1, false));
        b.add("gap", new GlobalAvgPool());
        b.add("fc", new Dense(6));
        b.add("fc_bn", new BatchNorm());
        b.add("drop", new Dropout(0.5f));
        b.add("logits", new Dense(5));
        b.add("flat", new Flatten(), "max_pad");
        b.add("regression", new Dense(3, false));
        b.add("binary", new Dense(2), "flat");
        NetworkSpec spec = b.head("logits", new SoftmaxCrossEntropy(), 1f).head("regression", new MeanSquaredError(), 1f)
                .head("binary", new SigmoidBinaryCrossEntropy(), 1f).build();
        OnnxRuntimeCheck.assertSame(spec, 3, 5);
    }

    @Test
    void everyThreeAndOneDimensionalLayerMatches() throws OrtException {
        NetworkSpec video = NetworkSpec.builder("layers3d", Shape.of(2, 6, 8, 8))
                .add("conv", new Conv(3, 4, new int[]{3}, new int[]{1, 2, 2}, new int[]{1}, new int[]{2, 1, 1}, 1, true))
                .add("grouped", new Conv(3, 6, new int[]{1, 3, 3}, new int[]{1}, new int[]{0, 1, 1}, new int[]{1}, 2, true))
                .add("bn", new BatchNorm())
                .add("relu", Activate.relu())
                .add("max", new Pool(true, 3, new int[]{2, 3, 3}, new int[]{1, 2, 2}, new int[]{0, 1, 1}, true))
                .add("up", new ConvTranspose(3, 3, new int[]{2, 3, 3}, new int[]{1, 2, 2}, new int[]{0, 1, 1},
                        new int[]{0, 1, 1}, new int[]{1}, 1, true))
                .add("avg", new Pool(false, 3, new int[]{2}, new int[]{2}, new int[]{1}, false))
                .add("gap", new GlobalAvgPool())
                .add("fc", new Dense(4))
                .loss(new SoftmaxCrossEntropy()).build();
        OnnxRuntimeCheck.assertSame(video, 2, 3);
        NetworkSpec signal = NetworkSpec.builder("layers1d", Shape.of(3, 20))
                .add("conv", new Conv(1, 6, new int[]{5}, new int[]{2}, new int[]{2}, new int[]{1}, 3, true))
                .add("bn", new BatchNorm())
                .add("tanh", Activate.tanh())
                .add("up", new ConvTranspose(1, 4, new int[]{4}, new int[]{2}, new int[]{1}, new int[]{0}, new int[]{2}, 2, true))
                .add("gap", new GlobalAvgPool())
                .add("fc", new Dense(3))
                .loss(new SoftmaxCrossEntropy()).build();
        OnnxRuntimeCheck.assertSame(signal, 2, 4);
    }

    @Test
    void theBatchAxisIsSymbolic() throws Exception {
        NetworkSpec spec = ModelZoo.build("lenet5_bn", 10, Shape.of(1, 28, 28));
        OnnxRuntimeCheck.Run run = OnnxRuntimeCheck.engine(spec, 3, 2);
        for (int batch = 1; batch <= 3; batch += 2) {
            Map<String, float[]> ort = OnnxRuntimeCheck.onnxRuntime(run, spec.input(), batch);
            for (String out : run.expected().keySet()) {
                OnnxRuntimeCheck.assertPrefix(run.expected().get(out), ort.get(out), out + " at batch " + batch);
            }
        }
        ModelProto m = ModelProto.parseFrom(run.model());
        assertEquals(OnnxGraph.BATCH, m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
        assertEquals(OnnxGraph.BATCH, m.getGraph().getOutput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
    }

    @Test
    void opsetProducerAndMetadataAreRecorded() throws Exception {
        NetworkSpec spec = ModelZoo.build("lenet5", 3, Shape.of(1, 28, 28));
        byte[] bytes = OnnxExport.export(spec, new float[(int) spec.paramCount()], new float[0],
                Map.of("input_mean", "[0.286]", "class_names", "[\"a\",\"b\",\"c\"]")).toByteArray();
        try (OrtSession s = OrtEnvironment.getEnvironment().createSession(bytes)) {
            Map<String, String> meta = s.getMetadata().getCustomMetadata();
            assertEquals("[0.286]", meta.get("input_mean"));
            assertEquals("[\"a\",\"b\",\"c\"]", meta.get("class_names"));
            assertEquals("lenet5", meta.get("network"));
            assertEquals("(batch, 1, 28, 28)", meta.get("input_shape"));
            assertEquals("sparkcnn", s.getMetadata().getProducerName());
            assertEquals(List.of("input"), List.copyOf(s.getInputNames()));
            assertEquals(List.of("fc3", "fc3.probabilities"), List.copyOf(s.getOutputNames()));
        }
        ModelProto m = ModelProto.parseFrom(bytes);
        assertEquals(OnnxExport.OPSET, m.getOpsetImport(0).getVersion());
        assertEquals(OnnxExport.IR_VERSION, m.getIrVersion());
        assertThrows(IllegalArgumentException.class,
                () -> OnnxExport.export(spec, new float[(int) spec.paramCount()], new float[0], Map.of("network", "x")));
    }

    /** A layer type registered outside the engine (LayerRegistry.withLayer) has no ONNX operator. */
    @Test
    void aLayerWithNoOnnxMappingIsRefusedByNameAndType() {
        NetworkSpec spec = NetworkSpec.builder("custom", Shape.of(4))
                .add("fc", new Dense(4))
                .add("my_swish", new Swish())
                .add("out", new Dense(2))
                .loss(new SoftmaxCrossEntropy()).build();
        UnexportableLayerException e = assertThrows(UnexportableLayerException.class,
                () -> OnnxExport.export(spec, new float[(int) spec.paramCount()], new float[0], Map.of()));
        assertEquals("my_swish", e.layer());
        assertEquals("swish", e.type());
        assertTrue(e.getMessage().startsWith("layer 'my_swish' (swish) cannot be exported to ONNX: "), e.getMessage());
    }

    /** A custom layer as a plugin would add it; the export fails before any runtime is needed. */
    private record Swish() implements LayerSpec {
        @Override public String type() { return "swish"; }

        @Override public Shape outputShape(List<Shape> inputs) { return inputs.get(0); }

        @Override public LayerRuntime plan(LayerPlan plan) { throw new UnsupportedOperationException("not run here"); }

        @Override public Map<String, Object> toConfig() { return Map.of(); }
    }
}
