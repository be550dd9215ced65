package io.sparkcnn.model.export.onnx;

import com.google.protobuf.ByteString;
import io.sparkcnn.model.export.onnx.proto.Onnx.AttributeProto;
import io.sparkcnn.model.export.onnx.proto.Onnx.GraphProto;
import io.sparkcnn.model.export.onnx.proto.Onnx.NodeProto;
import io.sparkcnn.model.export.onnx.proto.Onnx.TensorProto;
import io.sparkcnn.model.export.onnx.proto.Onnx.TensorShapeProto;
import io.sparkcnn.model.export.onnx.proto.Onnx.TypeProto;
import io.sparkcnn.model.export.onnx.proto.Onnx.ValueInfoProto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;

/**
 * A GraphProto under construction: nodes with their attributes, float and int64 initializers
 * (raw little-endian data, as ONNX stores them), and inputs and outputs whose first axis is the
 * symbolic batch dimension.
 */
final class OnnxGraph {
    /** The dim_param of every input's and output's first axis. */
    static final String BATCH = "batch";

    private final GraphProto.Builder graph;
    private final Set<String> names = new HashSet<>();

    /** reserved: the tensor names the network's nodes take (their own names, and "input"). */
    OnnxGraph(String name, Set<String> reserved) {
        graph = GraphProto.newBuilder().setName(name);
        names.addAll(reserved);
    }

    /** A tensor name no node or earlier helper tensor has: base, else base_2, base_3, ... */
    String fresh(String base) {
        String n = base;
        for (int i = 2; !names.add(n); i++) n = base + "_" + i;
        return n;
    }

    /** One node: an op with its inputs and one output, both named as tensors of the graph. */
    NodeProto.Builder node(String opType, String name, String output, String... inputs) {
        NodeProto.Builder n = graph.addNodeBuilder().setOpType(opType).setName(name).addOutput(output);
        for (String in : inputs) n.addInput(in);
        return n;
    }

    static AttributeProto ints(String name, int... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (int v : values) a.addInts(v);
        return a.build();
    }

    static AttributeProto integer(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static AttributeProto real(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    static AttributeProto string(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }

    /** A float initializer of the given dims holding values[offset, offset + product(dims)). */
    void floats(String name, float[] values, int offset, int... dims) {
        int count = 1;
        for (int d : dims) count = Math.multiplyExact(count, d);
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(count, Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values, offset, count);
        graph.addInitializer(tensor(name, TensorProto.DataType.FLOAT, dims).setRawData(ByteString.copyFrom(b.array())));
    }

    /** A float initializer from literal values (Resize's scales). */
    void floats(String name, float... values) { floats(name, values, 0, values.length); }

    private static TensorProto.Builder tensor(String name, TensorProto.DataType type, int... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
        for (int d : dims) t.addDims(d);
        return t;
    }

    void input(String name, int[] exampleDims) { graph.addInput(value(name, exampleDims)); }

    void output(String name, int[] exampleDims) { graph.addOutput(value(name, exampleDims)); }

    /** A float tensor (batch, exampleDims...). */
    private static ValueInfoProto value(String name, int[] exampleDims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        shape.addDimBuilder().setDimParam(BATCH);
        for (int d : exampleDims) shape.addDimBuilder().setDimValue(d);
        TypeProto type = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(shape)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(type).build();
    }

    GraphProto build() { return graph.build(); }
}
