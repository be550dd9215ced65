package io.sparkcnn.model.layers;

import io.sparkcnn.model.backend.Backend;
import io.sparkcnn.model.backend.PoolGeom;
import io.sparkcnn.model.backend.PoolOp;
import io.sparkcnn.model.tensor.Shape;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Max or average pooling over 2 or 3 spatial axes: in (N,C,[D,]H,W) -> out (N,C,[OD,]OH,OW).
 * Kernel, stride and padding per axis, outermost first; stride defaults to the kernel and
 * padding may be at most half the kernel, as in PyTorch. Max pooling routes each output's
 * gradient to the first maximal input of its window (ties: the lowest index wins).
 */
public record Pool(boolean max, int dims, int[] kernel, int[] stride, int[] padding, boolean countIncludePad)
        implements LayerSpec {

    public Pool {
        if (dims < 2 || dims > 3) throw new IllegalArgumentException("pooling has 2 or 3 spatial axes, got " + dims);
        kernel = Conv.perAxis("kernel", kernel, dims);
        stride = Conv.perAxis("stride", stride, dims);
        padding = Conv.perAxis("padding", padding, dims);
        for (int i = 0; i < dims; i++) {
            if (kernel[i] <= 0 || stride[i] <= 0 || padding[i] < 0) {
                throw new IllegalArgumentException("kernel and stride must be positive and padding >= 0, got kernel="
                        + Arrays.toString(kernel) + " stride=" + Arrays.toString(stride) + " padding=" + Arrays.toString(padding));
            }
            if (2 * padding[i] > kernel[i]) {
                throw new IllegalArgumentException("padding " + Arrays.toString(padding) + " must be at most half the kernel "
                        + Arrays.toString(kernel));
            }
        }
    }

    /** 2-D max pooling with a square window; stride = kernel when stride is 0. */
    public static Pool max2d(int kernel, int stride, int padding) {
        return new Pool(true, 2, new int[]{kernel}, new int[]{stride == 0 ? kernel : stride}, new int[]{padding}, true);
    }

    public static Pool max2d(int kernel) { return max2d(kernel, kernel, 0); }

    /** 2-D average pooling with a square window, counting padded cells (PyTorch's default). */
    public static Pool avg2d(int kernel, int stride, int padding) {
        return new Pool(false, 2, new int[]{kernel}, new int[]{stride == 0 ? kernel : stride}, new int[]{padding}, true);
    }

    public static Pool avg2d(int kernel) { return avg2d(kernel, kernel, 0); }

    public static Pool max3d(int kernel, int stride, int padding) {
        return new Pool(true, 3, new int[]{kernel}, new int[]{stride == 0 ? kernel : stride}, new int[]{padding}, true);
    }

    public static Pool avg3d(int kernel, int stride, int padding) {
        return new Pool(false, 3, new int[]{kernel}, new int[]{stride == 0 ? kernel : stride}, new int[]{padding}, true);
    }

    public Pool withCountIncludePad(boolean include) { return new Pool(max, dims, kernel, stride, padding, include); }

    @Override
    public String type() { return (max ? "maxpool" : "avgpool") + dims + "d"; }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        PoolGeom g = geom(1, inputs.get(0));
        int[] out = new int[dims + 1];
        out[0] = g.c();
        int[] o = {g.od(), g.oh(), g.ow()};
        System.arraycopy(o, 3 - dims, out, 1, dims);
        return Shape.of(out);
    }

    /** The geometry for a batch, checking the input's rank and that every window fits the padded input. */
    public PoolGeom geom(int batch, Shape in) {
        if (in.rank() != dims + 1) {
            throw new IllegalArgumentException(type() + " needs input (C" + ",D,H,W".substring(2 * (3 - dims)) + "), got " + in);
        }
        int[] s = {1, 1, 1}, k = {1, 1, 1}, st = {1, 1, 1}, p = {0, 0, 0};
        for (int i = 0; i < dims; i++) {
            int a = 3 - dims + i;
            s[a] = in.dim(1 + i);
            k[a] = kernel[i];
            st[a] = stride[i];
            p[a] = padding[i];
        }
        PoolGeom g = new PoolGeom(max, batch, in.channels(), s[0], s[1], s[2], k[0], k[1], k[2], st[0], st[1], st[2],
                p[0], p[1], p[2], countIncludePad);
        if (g.od() <= 0 || g.oh() <= 0 || g.ow() <= 0) {
            throw new IllegalArgumentException("kernel " + Arrays.toString(kernel) + " is larger than the padded input " + in
                    + " (padding " + Arrays.toString(padding) + ")");
        }
        return g;
    }

    @Override
    public long flops(List<Shape> inputs) {
        PoolGeom g = geom(1, inputs.get(0));
        return (long) g.outSize() * g.kd() * g.kh() * g.kw();
    }

    @Override
    public LayerRuntime plan(LayerPlan plan) {
        PoolGeom g = geom(plan.batch(), plan.inputShape());
        int argmax = max ? plan.cache(plan.batch() * g.outSize()) : -1;
        return new Runtime(g, plan.input(0), plan.inputGrad(0), plan.output(), plan.outputGrad(), argmax);
    }

    @Override
    public Map<String, Object> toConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kernel", List.of(Conv.box(kernel)));
        m.put("stride", List.of(Conv.box(stride)));
        m.put("padding", List.of(Conv.box(padding)));
        if (!max) m.put("count_include_pad", countIncludePad);
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Pool p && p.max == max && p.dims == dims && p.toConfig().equals(toConfig());
    }

    @Override
    public int hashCode() { return toConfig().hashCode() * 31 + dims * 2 + (max ? 1 : 0); }

    /** Runs any pooling geometry: shared with {@link GlobalAvgPool}. */
    static final class Runtime implements LayerRuntime {
        private final PoolGeom g;
        private final int x, dx, y, dy, argmax;
        private PoolOp op;

        Runtime(PoolGeom g, int x, int dx, int y, int dy, int argmax) {
            this.g = g;
            this.x = x;
            this.dx = dx;
            this.y = y;
            this.dy = dy;
            this.argmax = argmax;
        }

        @Override
        public void bind(Backend backend) { op = backend.pool(g); }

        @Override
        public void forward(boolean training, long seed) { op.forward(x, y, argmax); }

        @Override
        public void backward() {
            if (dx >= 0) op.backward(dy, argmax, dx);
        }
    }
}
