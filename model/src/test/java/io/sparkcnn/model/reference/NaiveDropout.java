package io.sparkcnn.model.reference;

import io.sparkcnn.model.backend.DropoutHash;

/** Inverted dropout in double with the shared counter-based mask: element i is kept when uniform(seed, i) &gt;= p. */
public final class NaiveDropout {
    private NaiveDropout() {}

    public static double[] mask(int n, double p, long seed) {
        double[] m = new double[n];
        for (int i = 0; i < n; i++) m[i] = DropoutHash.uniform(seed, i) >= p ? 1 / (1 - p) : 0;
        return m;
    }

    public static double[] forward(double[] x, double[] mask) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = x[i] * mask[i];
        return y;
    }

    public static double[] backward(double[] dy, double[] mask) { return forward(dy, mask); }
}
