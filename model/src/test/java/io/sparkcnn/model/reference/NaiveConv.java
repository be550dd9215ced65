package io.sparkcnn.model.reference;

import io.sparkcnn.model.backend.ConvGeom;

/**
 * Convolution by its definition, in double precision: the reference the fast ops are tested
 * against. x (N,C,D,H,W), w (K,C/groups,KD,KH,KW), b (K), y (N,K,OD,OH,OW), as in PyTorch:
 * y[n,k,z,r,q] = b[k] + sum over c in k's group, kd, kh, kw of
 * w[k,c,kd,kh,kw] * x[n, g*C/groups + c, z*sd-pd+kd*dd, r*sh-ph+kh*dh, q*sw-pw+kw*dw] (zero outside).
 * A transposed convolution's forward is {@link #backwardData}.
 */
public final class NaiveConv {
    private NaiveConv() {}

    /** y = conv(x, w) + b; b may be null. */
    public static double[] forward(ConvGeom g, double[] x, double[] w, double[] b) {
        double[] y = new double[g.n() * g.outSize()];
        visit(g, (n, k, o, c, i, t) -> y[o] += w[weightIndex(g, k, c, t)] * x[i]);
        if (b != null) {
            int osp = g.outSpatial();
            for (int n = 0; n < g.n(); n++) {
                for (int k = 0; k < g.k(); k++) {
                    for (int s = 0; s < osp; s++) y[(n * g.k() + k) * osp + s] += b[k];
                }
            }
        }
        return y;
    }

    /** dx = d(sum dy .* y) / dx: the adjoint of forward applied to dy. */
    public static double[] backwardData(ConvGeom g, double[] dy, double[] w) {
        double[] dx = new double[g.n() * g.inSize()];
        visit(g, (n, k, o, c, i, t) -> dx[i] += w[weightIndex(g, k, c, t)] * dy[o]);
        return dx;
    }

    /** dw = d(sum dy .* y) / dw, laid out as w. */
    public static double[] backwardWeights(ConvGeom g, double[] x, double[] dy) {
        double[] dw = new double[g.weightCount()];
        visit(g, (n, k, o, c, i, t) -> dw[weightIndex(g, k, c, t)] += x[i] * dy[o]);
        return dw;
    }

    /** db[k] = sum over examples and positions of dy[n,k,...]. */
    public static double[] biasGrad(ConvGeom g, double[] dy) {
        double[] db = new double[g.k()];
        int osp = g.outSpatial();
        for (int n = 0; n < g.n(); n++) {
            for (int k = 0; k < g.k(); k++) {
                for (int s = 0; s < osp; s++) db[k] += dy[(n * g.k() + k) * osp + s];
            }
        }
        return db;
    }

    private static int weightIndex(ConvGeom g, int k, int c, int tap) {
        return (k * (g.c() / g.groups()) + c) * g.kd() * g.kh() * g.kw() + tap;
    }

    /** One (output element, input element) pair of the convolution's sum. */
    private interface Term {
        /** o: index into y; c: channel within the group; i: index into x; tap: (kd*KH + kh)*KW + kw. */
        void apply(int n, int k, int o, int c, int i, int tap);
    }

    /** Calls term for every product of the definition whose input is inside the unpadded volume. */
    private static void visit(ConvGeom g, Term term) {
        int cg = g.c() / g.groups(), kgr = g.k() / g.groups();
        int od = g.od(), oh = g.oh(), ow = g.ow();
        for (int n = 0; n < g.n(); n++) {
            for (int k = 0; k < g.k(); k++) {
                int group = k / kgr;
                for (int z = 0; z < od; z++) {
                    for (int r = 0; r < oh; r++) {
                        for (int q = 0; q < ow; q++) {
                            int o = (((n * g.k() + k) * od + z) * oh + r) * ow + q;
                            for (int c = 0; c < cg; c++) {
                                int channel = group * cg + c;
                                for (int kd = 0; kd < g.kd(); kd++) {
                                    int iz = z * g.sd() - g.pd() + kd * g.dd();
                                    if (iz < 0 || iz >= g.id()) continue;
                                    for (int kh = 0; kh < g.kh(); kh++) {
                                        int iy = r * g.sh() - g.ph() + kh * g.dh();
                                        if (iy < 0 || iy >= g.ih()) continue;
                                        for (int kw = 0; kw < g.kw(); kw++) {
                                            int ix = q * g.sw() - g.pw() + kw * g.dw();
                                            if (ix < 0 || ix >= g.iw()) continue;
                                            int i = (((n * g.c() + channel) * g.id() + iz) * g.ih() + iy) * g.iw() + ix;
                                            term.apply(n, k, o, c, i, (kd * g.kh() + kh) * g.kw() + kw);
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
