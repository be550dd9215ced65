package io.sparkcnn.model.layers;

import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.Backend;
import io.sparkcnn.model.backend.ConvGeom;
import io.sparkcnn.model.backend.ConvOp;
import io.sparkcnn.model.backend.TensorOps;
import io.sparkcnn.model.tensor.Shape;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Transposed convolution over 1, 2 or 3 spatial axes, as PyTorch's ConvTranspose:
 * in (N,C,[D,][H,]W) -> out (N,K,[OD,][OH,]OW) with O = (I-1)*stride - 2*padding
 * + dilation*(kernel-1) + outputPadding + 1; weights (C, K/groups, kernel...), bias (K).
 *
 * <p>It is the adjoint of the convolution that maps its output back to its input, so it
 * runs on that convolution's op: forward = the op's backwardData into a zeroed output,
 * backward = the op's forward (accumulating) for dX and its backwardWeights with the roles
 * of input and output gradient swapped. outputPadding must be smaller than the stride:
 * then that convolution lands exactly on the input size (PyTorch also allows
 * stride &lt;= outputPadding &lt; dilation, which has no such convolution).
 */
public record ConvTranspose(int dims, int filters, int[] kernel, int[] stride, int[] padding, int[] outputPadding,
                            int[] dilation, int groups, boolean bias) implements LayerSpec {

    public ConvTranspose {
        if (dims < 1 || dims > 3) throw new IllegalArgumentException("transposed convolution has 1, 2 or 3 spatial axes, got " + dims);
        kernel = Conv.perAxis("kernel", kernel, dims);
        stride = Conv.perAxis("stride", stride, dims);
        padding = Conv.perAxis("padding", padding, dims);
        outputPadding = Conv.perAxis("output_padding", outputPadding, dims);
        dilation = Conv.perAxis("dilation", dilation, dims);
        if (filters <= 0) throw new IllegalArgumentException("filters must be positive, got " + filters);
        if (groups <= 0) throw new IllegalArgumentException("groups must be positive, got " + groups);
        for (int i = 0; i < dims; i++) {
            if (kernel[i] <= 0 || stride[i] <= 0 || dilation[i] <= 0 || padding[i] < 0 || outputPadding[i] < 0) {
                throw new IllegalArgumentException("kernel, stride and dilation must be positive, padding and output padding >= 0, got kernel="
                        + Arrays.toString(kernel) + " stride=" + Arrays.toString(stride) + " padding=" + Arrays.toString(padding)
                        + " output_padding=" + Arrays.toString(outputPadding) + " dilation=" + Arrays.toString(dilation));
            }
            if (outputPadding[i] >= stride[i]) {
                throw new IllegalArgumentException("output padding " + Arrays.toString(outputPadding)
                        + " must be smaller than the stride " + Arrays.toString(stride));
            }
        }
    }

    /** Square 2-D transposed convolution with bias, no dilation, one group. */
    public static ConvTranspose convTranspose2d(int filters, int kernel, int stride, int padding, int outputPadding) {
        return new ConvTranspose(2, filters, new int[]{kernel}, new int[]{stride}, new int[]{padding},
                new int[]{outputPadding}, new int[]{1}, 1, true);
    }

    public ConvTranspose withGroups(int g) {
        return new ConvTranspose(dims, filters, kernel, stride, padding, outputPadding, dilation, g, bias);
    }

    public ConvTranspose withDilation(int d) {
        return new ConvTranspose(dims, filters, kernel, stride, padding, outputPadding, new int[]{d}, groups, bias);
    }

    public ConvTranspose withoutBias() {
        return new ConvTranspose(dims, filters, kernel, stride, padding, outputPadding, dilation, groups, false);
    }

    @Override
    public String type() { return "conv_transpose" + dims + "d"; }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = inputs.get(0);
        int[] out = outSpatial(in);
        int[] dimsOut = new int[dims + 1];
        dimsOut[0] = filters;
        System.arraycopy(out, 3 - dims, dimsOut, 1, dims);
        geom(1, in);
        return Shape.of(dimsOut);
    }

    /** Output sizes as (D,H,W) with unit leading axes for fewer dims; checks rank, groups and sizes. */
    private int[] outSpatial(Shape in) {
        if (in.rank() != dims + 1) {
            throw new IllegalArgumentException(type() + " needs input (C" + ",D,H,W".substring(2 * (3 - dims)) + "), got " + in);
        }
        if (in.channels() % groups != 0 || filters % groups != 0) {
            throw new IllegalArgumentException("groups=" + groups + " must divide in channels " + in.channels()
                    + " and filters " + filters);
        }
        int[] out = {1, 1, 1};
        for (int i = 0; i < dims; i++) {
            long o = (long) (in.dim(1 + i) - 1) * stride[i] - 2L * padding[i] + (long) dilation[i] * (kernel[i] - 1)
                    + outputPadding[i] + 1;
            if (o <= 0 || o > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("padding " + Arrays.toString(padding) + " leaves no output for input " + in
                        + " with kernel " + Arrays.toString(kernel) + " and stride " + Arrays.toString(stride));
            }
            out[3 - dims + i] = (int) o;
        }
        return out;
    }

    /**
     * The convolution this layer transposes: its input is this layer's output (N,K,O...) and its
     * output this layer's input (N,C,I...); its weights (C, K/groups, kernel...) are this layer's.
     */
    public ConvGeom geom(int batch, Shape in) {
        int[] o = outSpatial(in);
        int[] k = {1, 1, 1}, st = {1, 1, 1}, p = {0, 0, 0}, d = {1, 1, 1};
        for (int i = 0; i < dims; i++) {
            int a = 3 - dims + i;
            k[a] = kernel[i];
            st[a] = stride[i];
            p[a] = padding[i];
            d[a] = dilation[i];
        }
        ConvGeom g = new ConvGeom(batch, filters, o[0], o[1], o[2], in.channels(), k[0], k[1], k[2], st[0], st[1], st[2],
                p[0], p[1], p[2], d[0], d[1], d[2], groups);
        int[] back = {g.od(), g.oh(), g.ow()};
        for (int i = 0; i < dims; i++) {
            if (back[3 - dims + i] != in.dim(1 + i)) {
                throw new IllegalStateException("transposed geometry does not invert: " + in + " -> " + Arrays.toString(o)
                        + " -> " + Arrays.toString(back));
            }
        }
        return g;
    }

    @Override
    public long paramCount(List<Shape> inputs) {
        return (long) geom(1, inputs.get(0)).weightCount() + (bias ? filters : 0);
    }

    @Override
    public long flops(List<Shape> inputs) {
        ConvGeom g = geom(1, inputs.get(0));
        return 2 * g.macs() + (bias ? (long) g.inSize() : 0);
    }

    @Override
    public LayerRuntime plan(LayerPlan plan) {
        ConvGeom g = geom(plan.batch(), plan.inputShape());
        // each output sums about (C/groups) * kernel volume / stride volume products: He's fan-in for that sum
        int fanIn = Math.max(1, (g.k() / groups) * g.kd() * g.kh() * g.kw() / (g.sd() * g.sh() * g.sw()));
        int w = plan.params(g.weightCount(), Init.he(fanIn));
        int b = bias ? plan.params(filters, Init.zeros()) : -1;
        return new Runtime(g, plan.input(0), plan.inputGrad(0), plan.output(), plan.outputGrad(), w, b);
    }

    @Override
    public Map<String, Object> toConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("filters", filters);
        m.put("kernel", List.of(Conv.box(kernel)));
        m.put("stride", List.of(Conv.box(stride)));
        m.put("padding", List.of(Conv.box(padding)));
        m.put("output_padding", List.of(Conv.box(outputPadding)));
        m.put("dilation", List.of(Conv.box(dilation)));
        m.put("groups", groups);
        m.put("bias", bias);
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConvTranspose c && c.dims == dims && c.toConfig().equals(toConfig());
    }

    @Override
    public int hashCode() { return toConfig().hashCode() * 31 + dims; }

    private static final class Runtime implements LayerRuntime {
        private final ConvGeom g;
        private final int x, dx, y, dy, w, b, outCount;
        private ConvOp op;
        private TensorOps t;

        Runtime(ConvGeom g, int x, int dx, int y, int dy, int w, int b) {
            this.g = g;
            this.x = x;
            this.dx = dx;
            this.y = y;
            this.dy = dy;
            this.w = w;
            this.b = b;
            this.outCount = g.n() * g.inSize();
        }

        @Override
        public void bind(Backend backend) {
            op = backend.conv(g);
            t = backend.tensor();
        }

        // x (N,C,I...) -> y (N,K,O...) = conv^T(x, w) + b
        @Override
        public void forward(boolean training, long seed) {
            t.fill(Arena.ACTS, y, outCount, 0f);
            op.backwardData(x, w, y);
            if (b >= 0) t.addBias(g.n(), g.c(), g.inSpatial(), b, y);
        }

        // dy (N,K,O...) -> dw += (x against dy), db += sums of dy, dx += conv(dy, w)
        @Override
        public void backward() {
            op.backwardWeights(dy, x, w, -1); // GRADS mirrors PARAMS: dw sits at w's offset
            if (b >= 0) t.biasGrad(g.n(), g.c(), g.inSpatial(), dy, b);
            if (dx >= 0) op.forward(dy, w, -1, dx, true);
        }
    }
}
