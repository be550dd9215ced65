package io.sparkcnn.model.export.onnx;

import io.sparkcnn.model.backend.Activation;
import io.sparkcnn.model.graph.Node;
import io.sparkcnn.model.graph.ParameterLayout;
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
import io.sparkcnn.model.layers.LayerSpec;
import io.sparkcnn.model.layers.Pool;
import io.sparkcnn.model.layers.Upsample;
import io.sparkcnn.model.tensor.Shape;

import java.util.List;
import java.util.Set;

import static io.sparkcnn.model.export.onnx.OnnxGraph.integer;
import static io.sparkcnn.model.export.onnx.OnnxGraph.ints;
import static io.sparkcnn.model.export.onnx.OnnxGraph.real;
import static io.sparkcnn.model.export.onnx.OnnxGraph.string;

/**
 * Each engine layer as ONNX operators (opset {@link OnnxExport#OPSET}) with its parameters as
 * initializers. A node's output tensor takes the node's name; helper tensors get fresh names.
 * Weights keep the engine's layouts, which are ONNX's: conv (K, C/groups, kernel...),
 * transposed conv (C, K/groups, kernel...), dense (units, F) for Gemm with transB.
 */
final class LayerMapping {
    private final OnnxGraph g;
    private final ParameterLayout layout;
    private final float[] params, buffers;

    LayerMapping(OnnxGraph g, ParameterLayout layout, float[] params, float[] buffers) {
        this.g = g;
        this.layout = layout;
        this.params = params;
        this.buffers = buffers;
    }

    /** Writes the operators of one node reading tensors named as its inputs. */
    void export(Node node, List<Shape> in, Shape out) {
        LayerSpec s = node.spec();
        String y = node.name();
        String[] x = node.inputs().toArray(String[]::new);
        if (s instanceof Conv c) conv(node, c, x[0], in.get(0));
        else if (s instanceof ConvTranspose t) convTranspose(node, t, x[0], in.get(0));
        else if (s instanceof Dense d) dense(node, d, x[0], in.get(0));
        else if (s instanceof BatchNorm b) batchNorm(node, b, x[0], in.get(0));
        else if (s instanceof Activate a) activation(y, a, x[0]);
        else if (s instanceof Pool p) pool(y, p, x[0]);
        else if (s instanceof GlobalAvgPool) {
            String pooled = g.fresh(y + "/pooled");
            g.node("GlobalAveragePool", pooled, pooled, x[0]);
            g.node("Flatten", y, y, pooled).addAttribute(integer("axis", 1));
        } else if (s instanceof Flatten) g.node("Flatten", y, y, x[0]).addAttribute(integer("axis", 1));
        else if (s instanceof Dropout) g.node("Identity", y, y, x[0]); // dropout is the identity at inference
        else if (s instanceof Add) g.node(x.length == 2 ? "Add" : "Sum", y, y, x);
        else if (s instanceof Concat) g.node("Concat", y, y, x).addAttribute(integer("axis", 1));
        else if (s instanceof Upsample u) upsample(y, u, x[0]);
        else throw unmapped(node);
    }

    /** Fails for a node this class cannot write: run over every node before planning anything. */
    static void requireMapped(Node node) {
        if (!MAPPED.contains(node.spec().getClass())) throw unmapped(node);
    }

    private static final Set<Class<? extends LayerSpec>> MAPPED = Set.of(Conv.class, ConvTranspose.class, Dense.class,
            BatchNorm.class, Activate.class, Pool.class, GlobalAvgPool.class, Flatten.class, Dropout.class, Add.class,
            Concat.class, Upsample.class);

    private static UnexportableLayerException unmapped(Node node) {
        LayerSpec s = node.spec();
        return new UnexportableLayerException(node.name(), s.type(), "the exporter has no ONNX mapping for layer type '"
                + s.type() + "' (" + s.getClass().getName() + "); it maps the engine's layers: conv1d-3d,"
                + " conv_transpose1d-3d, dense, batchnorm, relu, leaky_relu, sigmoid, tanh, maxpool2d/3d, avgpool2d/3d,"
                + " global_avgpool, flatten, dropout, add, concat, upsample");
    }

    private void conv(Node node, Conv c, String x, Shape in) {
        int[] w = concat(c.filters(), in.channels() / c.groups(), c.kernel());
        String y = node.name();
        String[] inputs = weights(node, w, c.bias() ? c.filters() : 0, x);
        g.node("Conv", y, y, inputs).addAttribute(ints("kernel_shape", c.kernel())).addAttribute(ints("strides", c.stride()))
                .addAttribute(ints("pads", pads(c.padding()))).addAttribute(ints("dilations", c.dilation()))
                .addAttribute(integer("group", c.groups()));
    }

    private void convTranspose(Node node, ConvTranspose t, String x, Shape in) {
        int[] w = concat(in.channels(), t.filters() / t.groups(), t.kernel());
        String y = node.name();
        String[] inputs = weights(node, w, t.bias() ? t.filters() : 0, x);
        g.node("ConvTranspose", y, y, inputs).addAttribute(ints("kernel_shape", t.kernel()))
                .addAttribute(ints("strides", t.stride())).addAttribute(ints("pads", pads(t.padding())))
                .addAttribute(ints("output_padding", t.outputPadding())).addAttribute(ints("dilations", t.dilation()))
                .addAttribute(integer("group", t.groups()));
    }

    private void dense(Node node, Dense d, String x, Shape in) {
        String flat = x;
        if (in.rank() > 1) { // the engine reads a (C,H,W) input flat, in NCHW order: ONNX's Flatten(axis=1)
            flat = g.fresh(node.name() + "/flat");
            g.node("Flatten", flat, flat, x).addAttribute(integer("axis", 1));
        }
        String y = node.name();
        String[] inputs = weights(node, new int[]{d.units(), in.size()}, d.bias() ? d.units() : 0, flat);
        g.node("Gemm", y, y, inputs).addAttribute(integer("transB", 1));
    }

    /** Eval form: ONNX BatchNormalization (training_mode 0) with the running mean and variance. */
    private void batchNorm(Node node, BatchNorm b, String x, Shape in) {
        List<ParameterLayout.Region> p = regions(node, 2, 2);
        List<ParameterLayout.Region> r = layout.layer(node.name()).buffers();
        int c = in.channels();
        String y = node.name();
        String scale = put(y, ".weight", p.get(0), params, c), bias = put(y, ".bias", p.get(1), params, c);
        String mean = put(y, ".running_mean", r.get(0), buffers, c), var = put(y, ".running_var", r.get(1), buffers, c);
        g.node("BatchNormalization", y, y, x, scale, bias, mean, var).addAttribute(real("epsilon", b.eps()));
    }

    private void activation(String y, Activate a, String x) {
        Activation k = a.kind();
        switch (k) {
            case RELU -> g.node("Relu", y, y, x);
            case LEAKY_RELU -> g.node("LeakyRelu", y, y, x).addAttribute(real("alpha", a.alpha()));
            case SIGMOID -> g.node("Sigmoid", y, y, x);
            case TANH -> g.node("Tanh", y, y, x);
            default -> throw new UnexportableLayerException(y, a.type(), "no ONNX operator for activation " + k);
        }
    }

    /** Floor-mode windows (ceil_mode 0), as the engine's; max pooling pads with -inf in both. */
    private void pool(String y, Pool p, String x) {
        var n = g.node(p.max() ? "MaxPool" : "AveragePool", y, y, x).addAttribute(ints("kernel_shape", p.kernel()))
                .addAttribute(ints("strides", p.stride())).addAttribute(ints("pads", pads(p.padding())));
        if (!p.max()) n.addAttribute(integer("count_include_pad", p.countIncludePad() ? 1 : 0));
    }

    /**
     * Resize by the integer factors: nearest reads input floor(o / scale) (asymmetric, floor);
     * bilinear uses PyTorch's align_corners=false coordinates (pytorch_half_pixel), as the engine.
     */
    private void upsample(String y, Upsample u, String x) {
        String scales = g.fresh(y + ".scales");
        g.floats(scales, 1f, 1f, u.scaleH(), u.scaleW());
        var n = g.node("Resize", y, y, x, "", scales);
        if (u.mode() == Upsample.Mode.NEAREST) {
            n.addAttribute(string("mode", "nearest")).addAttribute(string("coordinate_transformation_mode", "asymmetric"))
                    .addAttribute(string("nearest_mode", "floor"));
        } else {
            n.addAttribute(string("mode", "linear"))
                    .addAttribute(string("coordinate_transformation_mode", "pytorch_half_pixel"));
        }
    }

    /** The weight (and bias, when biasLength > 0) initializers of a conv or dense node; returns x, w[, b]. */
    private String[] weights(Node node, int[] weightDims, int biasLength, String x) {
        List<ParameterLayout.Region> p = regions(node, biasLength > 0 ? 2 : 1, 0);
        String w = put(node.name(), ".weight", p.get(0), params, weightDims);
        if (biasLength == 0) return new String[]{x, w};
        return new String[]{x, w, put(node.name(), ".bias", p.get(1), params, biasLength)};
    }

    /** An initializer named layer + suffix from one region of an arena, whose length must be the dims' product. */
    private String put(String layer, String suffix, ParameterLayout.Region r, float[] arena, int... dims) {
        long count = 1;
        for (int d : dims) count *= d;
        if (r.length() != count) {
            throw new IllegalStateException("layer '" + layer + "': region " + suffix.substring(1) + " holds " + r.length()
                    + " values, ONNX shape " + java.util.Arrays.toString(dims) + " needs " + count);
        }
        String name = g.fresh(layer + suffix);
        g.floats(name, arena, r.offset(), dims);
        return name;
    }

    /** The node's parameter regions, checked against the count its spec implies. */
    private List<ParameterLayout.Region> regions(Node node, int paramRegions, int bufferRegions) {
        ParameterLayout.Layer l = layout.layer(node.name());
        int p = l == null ? 0 : l.params().size(), b = l == null ? 0 : l.buffers().size();
        if (p != paramRegions || b != bufferRegions) {
            throw new IllegalStateException("layer '" + node.name() + "' (" + node.spec().type() + ") has " + p
                    + " parameter and " + b + " buffer regions, its spec implies " + paramRegions + " and " + bufferRegions);
        }
        return l.params();
    }

    /** ONNX pads: every axis's begin, then every axis's end; the engine pads both ends alike. */
    private static int[] pads(int[] padding) { return concat(padding, padding); }

    private static int[] concat(int a, int b, int[] rest) {
        int[] r = new int[2 + rest.length];
        r[0] = a;
        r[1] = b;
        System.arraycopy(rest, 0, r, 2, rest.length);
        return r;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] r = new int[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
