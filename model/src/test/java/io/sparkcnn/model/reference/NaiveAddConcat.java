package io.sparkcnn.model.reference;

/** Element-wise sum and channel concatenation of (N,Ci,S) tensors in double, with their adjoints. */
public final class NaiveAddConcat {
    private NaiveAddConcat() {}

    public static double[] add(double[]... xs) {
        double[] y = new double[xs[0].length];
        for (double[] x : xs) for (int i = 0; i < y.length; i++) y[i] += x[i];
        return y;
    }

    // xi (N,Ci,S) -> y (N,sum Ci,S)
    public static double[] concat(int n, int s, int[] channels, double[]... xs) {
        int total = 0;
        for (int c : channels) total += c;
        double[] y = new double[n * total * s];
        for (int i = 0; i < n; i++) {
            int at = 0;
            for (int k = 0; k < xs.length; k++) {
                for (int c = 0; c < channels[k]; c++) {
                    for (int j = 0; j < s; j++) y[(i * total + at + c) * s + j] = xs[k][(i * channels[k] + c) * s + j];
                }
                at += channels[k];
            }
        }
        return y;
    }

    // dy (N,sum Ci,S) -> dxk (N,Ck,S)
    public static double[] concatBackward(int n, int s, int[] channels, int k, double[] dy) {
        int total = 0, at = 0;
        for (int i = 0; i < channels.length; i++) {
            if (i < k) at += channels[i];
            total += channels[i];
        }
        double[] dx = new double[n * channels[k] * s];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < channels[k]; c++) {
                for (int j = 0; j < s; j++) dx[(i * channels[k] + c) * s + j] = dy[(i * total + at + c) * s + j];
            }
        }
        return dx;
    }
}
