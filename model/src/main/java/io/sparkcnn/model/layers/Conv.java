package io.sparkcnn.model.layers;

import io.sparkcnn.model.backend.Backend;
import io.sparkcnn.model.backend.ConvGeom;
import io.sparkcnn.model.backend.ConvOp;
import io.sparkcnn.model.tensor.Shape;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Convolution over 1, 2 or 3 spatial axes: in (N,C,[D,][H,]W) -> out (N,K,[OD,][OH,]OW),
 * weights (K, C/groups, kernel...) and bias (K) as in PyTorch. Kernel, stride, padding and
 * dilation are per axis, outermost first.
 */
public record Conv(int dims, int filters, int[] kernel, int[] stride, int[] padding, int[] dilation,
                   int groups, boolean bias) implements LayerSpec {

    public Conv {
        if (dims < 1 || dims > 3) throw new IllegalArgumentException("convolution has 1, 2 or 3 spatial axes, got " + dims);
        kernel = perAxis("kernel", kernel, dims);
        stride = perAxis("stride", stride, dims);
        padding = perAxis("padding", padding, dims);
        dilation = perAxis("dilation", dilation, dims);
        if (filters <= 0) throw new IllegalArgumentException("filters must be positive, got " + filters);
        if (groups <= 0) throw new IllegalArgumentException("groups must be positive, got " + groups);
        for (int i = 0; i < dims; i++) {
            if (kernel[i] <= 0 || stride[i] <= 0 || dilation[i] <= 0 || padding[i] < 0) {
                throw new IllegalArgumentException("kernel, stride and dilation must be positive and padding >= 0, got kernel="
                        + java.util.Arrays.toString(kernel) + " stride=" + java.util.Arrays.toString(stride)
                        + " padding=" + java.util.Arrays.toString(padding) + " dilation=" + java.util.Arrays.toString(dilation));
            }
        }
    }

    /** Square 2-D convolution. */
    public static Conv conv2d(int filters, int kernel, int stride, int padding) {
        return new Conv(2, filters, new int[]{kernel}, new int[]{stride}, new int[]{padding}, new int[]{1}, 1, true);
    }

    public Conv withGroups(int g) { return new Conv(dims, filters, kernel, stride, padding, dilation, g, bias); }

    public Conv withDilation(int d) { return new Conv(dims, filters, kernel, stride, padding, new int[]{d}, groups, bias); }

    public Conv withoutBias() { return new Conv(dims, filters, kernel, stride, padding, dilation, groups, false); }

    /** A single value applies to every axis. */
    static int[] perAxis(String what, int[] v, int dims) {
        if (v == null) throw new IllegalArgumentException(what + " is missing");
        if (v.length == dims) return v.clone();
        if (v.length == 1) {
            int[] r = new int[dims];
            java.util.Arrays.fill(r, v[0]);
            return r;
        }
        throw new IllegalArgumentException(what + " has " + v.length + " values for " + dims + " spatial axes");
    }

    @Override
    public String type() { return "conv" + dims + "d"; }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        return Shape.of(outDims(inputs.get(0)));
    }

    private int[] outDims(Shape in) {
        ConvGeom g = geom(1, in, true);
        int[] out = new int[dims + 1];
        out[0] = filters;
        int[] o = {g.od(), g.oh(), g.ow()};
        System.arraycopy(o, 3 - dims, out, 1, dims);
        return out;
    }

    /** The geometry for a batch, checking channels and sizes. */
    public ConvGeom geom(int batch, Shape in, boolean check) {
        if (in.rank() != dims + 1) {
            throw new IllegalArgumentException(type() + " needs input (C" + ",D,H,W".substring(2 * (3 - dims)) + "), got " + in);
        }
        int c = in.channels();
        if (c % groups != 0 || filters % groups != 0) {
            throw new IllegalArgumentException("groups=" + groups + " must divide in channels " + c + " and filters " + filters);
        }
        int[] s = {1, 1, 1}, k = {1, 1, 1}, st = {1, 1, 1}, p = {0, 0, 0}, d = {1, 1, 1};
        for (int i = 0; i < dims; i++) {
            int a = 3 - dims + i;
            s[a] = in.dim(1 + i);
            k[a] = kernel[i];
            st[a] = stride[i];
            p[a] = padding[i];
            d[a] = dilation[i];
        }
        ConvGeom g = new ConvGeom(batch, c, s[0], s[1], s[2], filters, k[0], k[1], k[2], st[0], st[1], st[2],
                p[0], p[1], p[2], d[0], d[1], d[2], groups);
        if (check && (g.od() <= 0 || g.oh() <= 0 || g.ow() <= 0)) {
            throw new IllegalArgumentException("kernel " + java.util.Arrays.toString(kernel) + " with dilation "
                    + java.util.Arrays.toString(dilation) + " is larger than the padded input " + in
                    + " (padding " + java.util.Arrays.toString(padding) + ")");
        }
        return g;
    }

    @Override
    public long paramCount(List<Shape> inputs) {
        ConvGeom g = geom(1, inputs.get(0), false);
        return (long) g.weightCount() + (bias ? filters : 0);
    }

    @Override
    public long flops(List<Shape> inputs) {
        ConvGeom g = geom(1, inputs.get(0), true);
        return 2 * g.macs() + (bias ? (long) g.outSize() : 0);
    }

    @Override
    public LayerRuntime plan(LayerPlan plan) {
        ConvGeom g = geom(plan.batch(), plan.inputShape(), true);
        int fanIn = g.kernelVolume();
        int w = plan.params(g.weightCount(), Init.he(fanIn));
        int b = bias ? plan.params(filters, Init.zeros()) : -1;
        return new Runtime(g, plan.input(0), plan.inputGrad(0), plan.output(), plan.outputGrad(), w, b);
    }

    @Override
    public Map<String, Object> toConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("filters", filters);
        m.put("kernel", List.of(box(kernel)));
        m.put("stride", List.of(box(stride)));
        m.put("padding", List.of(box(padding)));
        m.put("dilation", List.of(box(dilation)));
        m.put("groups", groups);
        m.put("bias", bias);
        return m;
    }

    static Integer[] box(int[] a) {
        Integer[] r = new Integer[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[i];
        return r;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Conv c && c.toConfig().equals(toConfig()) && c.dims == dims;
    }

    @Override
    public int hashCode() { return toConfig().hashCode() * 31 + dims; }

    private static final class Runtime implements LayerRuntime {
        private final ConvGeom g;
        private final int x, dx, y, dy, w, b;
        private ConvOp op;

        Runtime(ConvGeom g, int x, int dx, int y, int dy, int w, int b) {
            this.g = g;
            this.x = x;
            this.dx = dx;
            this.y = y;
            this.dy = dy;
            this.w = w;
            this.b = b;
        }

        @Override
        public void bind(Backend backend) { op = backend.conv(g); }

        @Override
        public void forward(boolean training, long seed) { op.forward(x, w, b, y, false); }

        @Override
        public void backward() {
            op.backwardWeights(x, dy, w, b); // GRADS mirrors PARAMS: dw sits at w's offset
            if (dx >= 0) op.backwardData(dy, w, dx);
        }
    }
}
