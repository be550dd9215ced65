package io.sparkcnn.model.reference;

import java.util.function.ToDoubleFunction;

/**
 * Central finite differences in double precision: the ground truth every analytic gradient
 * of the naive references is checked against.
 */
public final class FiniteDifference {
    private FiniteDifference() {}

    /** d f / d x[i] for every i, by (f(x+h) - f(x-h)) / 2h; x is restored afterwards. */
    public static double[] gradient(double[] x, double h, ToDoubleFunction<double[]> f) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double keep = x[i];
            x[i] = keep + h;
            double plus = f.applyAsDouble(x);
            x[i] = keep - h;
            double minus = f.applyAsDouble(x);
            x[i] = keep;
            g[i] = (plus - minus) / (2 * h);
        }
        return g;
    }

    /** Largest |a-b| / max(1, |a|, |b|): relative for large values, absolute near zero. */
    public static double maxRelativeError(double[] a, double[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            double scale = Math.max(1.0, Math.max(Math.abs(a[i]), Math.abs(b[i])));
            worst = Math.max(worst, Math.abs(a[i] - b[i]) / scale);
        }
        return worst;
    }

    /** A random projection weight: grads are checked through the scalar sum(w .* y). */
    public static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
