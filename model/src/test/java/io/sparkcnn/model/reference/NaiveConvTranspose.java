package io.sparkcnn.model.reference;

/**
 * Transposed convolution in double from its definition (PyTorch's ConvTranspose): every
 * input cell scatters into the output through the kernel,
 * y[n, g*Kg + k, i*s - p + t*d] += x[n, g*Cg + c, i] * w[g*Cg + c, k, t] for each axis,
 * plus bias. Sizes per axis are (D,H,W) with unit axes for 1-D and 2-D.
 */
public final class NaiveConvTranspose {
    private NaiveConvTranspose() {}

    /** One layer's geometry: in (N,C,D,H,W) -> out (N,K,OD,OH,OW), weights (C, K/groups, KD,KH,KW). */
    public record Geom(int n, int c, int k, int groups, int[] in, int[] kernel, int[] stride, int[] pad, int[] outPad,
                       int[] dil) {
        public int[] out() {
            int[] o = new int[3];
            for (int a = 0; a < 3; a++) o[a] = (in[a] - 1) * stride[a] - 2 * pad[a] + dil[a] * (kernel[a] - 1) + outPad[a] + 1;
            return o;
        }

        public int inSize() { return c * in[0] * in[1] * in[2]; }

        public int outSize() { int[] o = out(); return k * o[0] * o[1] * o[2]; }

        public int weightCount() { return c * (k / groups) * kernel[0] * kernel[1] * kernel[2]; }

        public static Geom conv2d(int n, int c, int k, int groups, int h, int w, int kernel, int stride, int pad,
                                  int outPad, int dil) {
            return new Geom(n, c, k, groups, new int[]{1, h, w}, new int[]{1, kernel, kernel}, new int[]{1, stride, stride},
                    new int[]{0, pad, pad}, new int[]{0, outPad, outPad}, new int[]{1, dil, dil});
        }
    }

    /** Calls visit(xIndex, wIndex, yIndex) for every product the forward sums. */
    interface Visitor {
        void visit(int xi, int wi, int yi);
    }

    static void each(Geom g, Visitor v) {
        int[] o = g.out();
        int cg = g.c() / g.groups(), kg = g.k() / g.groups();
        int[] in = g.in(), ker = g.kernel();
        for (int n = 0; n < g.n(); n++) {
            for (int ci = 0; ci < g.c(); ci++) {
                int grp = ci / cg;
                for (int kk = 0; kk < kg; kk++) {
                    int ko = grp * kg + kk;
                    for (int a = 0; a < in[0]; a++) for (int b = 0; b < in[1]; b++) for (int c = 0; c < in[2]; c++) {
                        int xi = (((n * g.c() + ci) * in[0] + a) * in[1] + b) * in[2] + c;
                        for (int ta = 0; ta < ker[0]; ta++) for (int tb = 0; tb < ker[1]; tb++) for (int tc = 0; tc < ker[2]; tc++) {
                            int oa = a * g.stride()[0] - g.pad()[0] + ta * g.dil()[0];
                            int ob = b * g.stride()[1] - g.pad()[1] + tb * g.dil()[1];
                            int oc = c * g.stride()[2] - g.pad()[2] + tc * g.dil()[2];
                            if (oa < 0 || ob < 0 || oc < 0 || oa >= o[0] || ob >= o[1] || oc >= o[2]) continue;
                            int wi = (((ci * kg + kk) * ker[0] + ta) * ker[1] + tb) * ker[2] + tc;
                            int yi = (((n * g.k() + ko) * o[0] + oa) * o[1] + ob) * o[2] + oc;
                            v.visit(xi, wi, yi);
                        }
                    }
                }
            }
        }
    }

    // x (N,C,D,H,W), w (C,K/g,KD,KH,KW), b (K or null) -> y (N,K,OD,OH,OW)
    public static double[] forward(Geom g, double[] x, double[] w, double[] b) {
        double[] y = new double[g.n() * g.outSize()];
        each(g, (xi, wi, yi) -> y[yi] += x[xi] * w[wi]);
        if (b != null) {
            int spatial = g.outSize() / g.k();
            for (int i = 0; i < y.length; i++) y[i] += b[(i / spatial) % g.k()];
        }
        return y;
    }

    public record Grads(double[] dx, double[] dw, double[] db) {}

    // dy (N,K,OD,OH,OW) -> dx (N,C,D,H,W), dw (C,K/g,KD,KH,KW), db (K)
    public static Grads backward(Geom g, double[] x, double[] w, double[] dy) {
        double[] dx = new double[x.length], dw = new double[w.length], db = new double[g.k()];
        each(g, (xi, wi, yi) -> {
            dx[xi] += w[wi] * dy[yi];
            dw[wi] += x[xi] * dy[yi];
        });
        int spatial = g.outSize() / g.k();
        for (int i = 0; i < dy.length; i++) db[(i / spatial) % g.k()] += dy[i];
        return new Grads(dx, dw, db);
    }
}
