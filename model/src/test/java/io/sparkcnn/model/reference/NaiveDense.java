package io.sparkcnn.model.reference;

/**
 * A fully connected layer by its definition, in double precision, as in PyTorch's Linear:
 * x (N,IN), w (OUT,IN), b (OUT), y[n,o] = b[o] + sum_i w[o,i] * x[n,i].
 */
public final class NaiveDense {
    private NaiveDense() {}

    /** y = x W^T + b; b may be null. */
    public static double[] forward(int batch, int in, int out, double[] x, double[] w, double[] b) {
        double[] y = new double[batch * out];
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[o];
                for (int i = 0; i < in; i++) s += w[o * in + i] * x[n * in + i];
                y[n * out + o] = s;
            }
        }
        return y;
    }

    /** dx = dy W. */
    public static double[] backwardData(int batch, int in, int out, double[] dy, double[] w) {
        double[] dx = new double[batch * in];
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) dx[n * in + i] += dy[n * out + o] * w[o * in + i];
            }
        }
        return dx;
    }

    /** dw = dy^T x, laid out as w (OUT,IN). */
    public static double[] backwardWeights(int batch, int in, int out, double[] x, double[] dy) {
        double[] dw = new double[out * in];
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) dw[o * in + i] += dy[n * out + o] * x[n * in + i];
            }
        }
        return dw;
    }

    /** db[o] = sum over the batch of dy[n,o]. */
    public static double[] biasGrad(int batch, int out, double[] dy) {
        double[] db = new double[out];
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < out; o++) db[o] += dy[n * out + o];
        }
        return db;
    }
}
