package io.sparkcnn.model.reference;

import io.sparkcnn.model.backend.PoolGeom;

/**
 * Max and average pooling in double, written from the definition: every window is visited
 * offset by offset in (d, h, w) order. Max pooling skips padded cells and keeps the first
 * maximum met (ties: the lowest input index wins); average pooling divides by the window
 * cells inside the padded input (countIncludePad) or inside the real input.
 */
public final class NaivePool {
    private NaivePool() {}

    /** y (N,C,OD,OH,OW) and, for max pooling, the winning input index per output within its plane. */
    public record Result(double[] y, int[] argmax) {}

    // x (N,C,D,H,W) -> y (N,C,OD,OH,OW)
    public static Result forward(PoolGeom g, double[] x) {
        int od = g.od(), oh = g.oh(), ow = g.ow();
        int inPlane = g.id() * g.ih() * g.iw(), outPlane = od * oh * ow;
        double[] y = new double[g.n() * g.c() * outPlane];
        int[] argmax = new int[y.length];
        for (int p = 0; p < g.n() * g.c(); p++) {
            for (int zd = 0; zd < od; zd++) {
                for (int zh = 0; zh < oh; zh++) {
                    for (int zw = 0; zw < ow; zw++) {
                        int o = p * outPlane + (zd * oh + zh) * ow + zw;
                        double best = Double.NEGATIVE_INFINITY, sum = 0;
                        int bestIdx = -1, inside = 0, insidePadded = 0;
                        for (int a = 0; a < g.kd(); a++) {
                            for (int b = 0; b < g.kh(); b++) {
                                for (int c = 0; c < g.kw(); c++) {
                                    int d = zd * g.sd() - g.pd() + a;
                                    int h = zh * g.sh() - g.ph() + b;
                                    int w = zw * g.sw() - g.pw() + c;
                                    if (d < g.id() + g.pd() && h < g.ih() + g.ph() && w < g.iw() + g.pw()) insidePadded++;
                                    if (d < 0 || h < 0 || w < 0 || d >= g.id() || h >= g.ih() || w >= g.iw()) continue;
                                    inside++;
                                    int idx = (d * g.ih() + h) * g.iw() + w;
                                    double v = x[p * inPlane + idx];
                                    sum += v;
                                    if (bestIdx < 0 || v > best) {
                                        best = v;
                                        bestIdx = idx;
                                    }
                                }
                            }
                        }
                        if (g.max()) {
                            y[o] = best;
                            argmax[o] = bestIdx;
                        } else {
                            y[o] = sum / (g.countIncludePad() ? insidePadded : inside);
                        }
                    }
                }
            }
        }
        return new Result(y, argmax);
    }

    // dy (N,C,OD,OH,OW) -> dx (N,C,D,H,W)
    public static double[] backward(PoolGeom g, double[] dy, int[] argmax) {
        int od = g.od(), oh = g.oh(), ow = g.ow();
        int inPlane = g.id() * g.ih() * g.iw(), outPlane = od * oh * ow;
        double[] dx = new double[g.n() * g.c() * inPlane];
        for (int p = 0; p < g.n() * g.c(); p++) {
            for (int zd = 0; zd < od; zd++) {
                for (int zh = 0; zh < oh; zh++) {
                    for (int zw = 0; zw < ow; zw++) {
                        int o = p * outPlane + (zd * oh + zh) * ow + zw;
                        if (g.max()) {
                            dx[p * inPlane + argmax[o]] += dy[o];
                            continue;
                        }
                        int inside = 0, insidePadded = 0;
                        for (int pass = 0; pass < 2; pass++) {
                            double share = pass == 0 ? 0 : dy[o] / (g.countIncludePad() ? insidePadded : inside);
                            for (int a = 0; a < g.kd(); a++) {
                                for (int b = 0; b < g.kh(); b++) {
                                    for (int c = 0; c < g.kw(); c++) {
                                        int d = zd * g.sd() - g.pd() + a;
                                        int h = zh * g.sh() - g.ph() + b;
                                        int w = zw * g.sw() - g.pw() + c;
                                        boolean inPad = d < g.id() + g.pd() && h < g.ih() + g.ph() && w < g.iw() + g.pw();
                                        boolean in = d >= 0 && h >= 0 && w >= 0 && d < g.id() && h < g.ih() && w < g.iw();
                                        if (pass == 0) {
                                            if (inPad) insidePadded++;
                                            if (in) inside++;
                                        } else if (in) {
                                            dx[p * inPlane + (d * g.ih() + h) * g.iw() + w] += share;
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return dx;
    }
}
