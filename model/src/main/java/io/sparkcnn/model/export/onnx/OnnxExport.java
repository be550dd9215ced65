package io.sparkcnn.model.export.onnx;

import io.sparkcnn.model.checkpoint.CodeVersion;
import io.sparkcnn.model.export.onnx.proto.Onnx.ModelProto;
import io.sparkcnn.model.export.onnx.proto.Onnx.OperatorSetIdProto;
import io.sparkcnn.model.export.onnx.proto.Onnx.StringStringEntryProto;
import io.sparkcnn.model.graph.Head;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.graph.NetworkSummary;
import io.sparkcnn.model.graph.Node;
import io.sparkcnn.model.graph.ParameterLayout;
import io.sparkcnn.model.losses.SigmoidBinaryCrossEntropy;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
import io.sparkcnn.model.tensor.Shape;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A network's inference graph as an ONNX model (opset {@value #OPSET}, IR version
 * {@value #IR_VERSION}): the input "input" of shape (batch, C, [D,] H, W) with a symbolic
 * batch axis, every layer in eval form (batch norm on its running statistics, dropout the
 * identity), and one output per loss head named as its node (logits), plus
 * "&lt;node&gt;.probabilities" (softmax over the channel axis, or the sigmoid) for
 * classification-style losses. Metadata (the input normalisation, class names, provenance)
 * goes into metadata_props. Fails with {@link UnexportableLayerException} naming the first
 * layer it cannot write, before anything is written.
 */
public final class OnnxExport {
    /** The ONNX operator set the graph is written against. */
    public static final int OPSET = 17;
    /** The IR version that goes with opset 17 (ONNX 1.12). */
    public static final int IR_VERSION = 8;
    /** ModelProto's own bound: protobuf messages are at most 2 GiB. */
    private static final long MAX_BYTES = Integer.MAX_VALUE - (64L << 20);

    private OnnxExport() {}

    /**
     * The model of spec with these parameters and batch-norm buffers (the arenas' layouts, as a
     * checkpoint holds them). metadata: extra metadata_props, after the exporter's own keys
     * (network, input_shape, outputs), which it may not replace.
     */
    public static ModelProto export(NetworkSpec spec, float[] params, float[] buffers, Map<String, String> metadata) {
        if (params.length != spec.paramCount() || buffers.length != NetworkSummary.of(spec).totalBuffers()) {
            throw new IllegalArgumentException("network '" + spec.name() + "' has " + spec.paramCount() + " parameters and "
                    + NetworkSummary.of(spec).totalBuffers() + " buffer values, got " + params.length + " and " + buffers.length);
        }
        if (4L * (params.length + buffers.length) > MAX_BYTES) {
            throw new IllegalArgumentException("network '" + spec.name() + "' has " + params.length + " parameters: more than"
                    + " one ONNX file of at most 2 GiB holds (external tensor data is not written)");
        }
        for (Node n : spec.nodes()) LayerMapping.requireMapped(n);
        Map<String, Shape> shapes = spec.shapes();
        OnnxGraph g = new OnnxGraph(spec.name(), shapes.keySet());
        g.input(NetworkSpec.INPUT, spec.input().dims());
        LayerMapping layers = new LayerMapping(g, ParameterLayout.of(spec), params, buffers);
        for (Node n : spec.nodes()) {
            List<Shape> in = new ArrayList<>();
            for (String i : n.inputs()) in.add(shapes.get(i));
            layers.export(n, in, shapes.get(n.name()));
        }
        List<String> outputs = new ArrayList<>();
        Set<String> done = new HashSet<>();
        for (Head h : spec.heads()) {
            if (!done.add(h.node())) continue;
            int[] dims = shapes.get(h.node()).dims();
            g.output(h.node(), dims);
            outputs.add(h.node() + ": logits (" + h.loss().type() + ")");
            String op = h.loss() instanceof SoftmaxCrossEntropy ? "Softmax"
                    : h.loss() instanceof SigmoidBinaryCrossEntropy ? "Sigmoid" : null;
            if (op != null) {
                String p = g.fresh(h.node() + ".probabilities");
                var node = g.node(op, p, p, h.node());
                if (op.equals("Softmax")) node.addAttribute(OnnxGraph.integer("axis", 1)); // the class axis, as the loss
                g.output(p, dims);
                outputs.add(p + ": " + (op.equals("Softmax") ? "softmax over axis 1" : "sigmoid") + " of " + h.node());
            }
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put("network", spec.name());
        props.put("input_shape", "(batch, " + String.join(", ", Arrays.stream(spec.input().dims()).mapToObj(Integer::toString)
                .toList()) + ")");
        props.put("outputs", String.join("; ", outputs));
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (props.containsKey(e.getKey())) throw new IllegalArgumentException("metadata key '" + e.getKey() + "' is the exporter's own");
            props.put(e.getKey(), e.getValue());
        }
        ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("sparkcnn")
                .setProducerVersion(CodeVersion.current()).setGraph(g.build())
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET));
        for (Map.Entry<String, String> e : props.entrySet()) {
            m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
        }
        return m.build();
    }

    /** Exports and writes the model's bytes to out (not closed). */
    public static void write(NetworkSpec spec, float[] params, float[] buffers, Map<String, String> metadata, OutputStream out)
            throws IOException {
        export(spec, params, buffers, metadata).writeTo(out);
    }
}
