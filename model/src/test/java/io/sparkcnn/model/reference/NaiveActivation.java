package io.sparkcnn.model.reference;

import io.sparkcnn.model.backend.Activation;

/** Pointwise activations and their derivatives in double; ReLU's derivative at 0 is 0, as PyTorch. */
public final class NaiveActivation {
    private NaiveActivation() {}

    public static double apply(Activation kind, double alpha, double v) {
        return switch (kind) {
            case RELU -> Math.max(v, 0);
            case LEAKY_RELU -> v > 0 ? v : alpha * v;
            case SIGMOID -> 1 / (1 + Math.exp(-v));
            case TANH -> Math.tanh(v);
        };
    }

    public static double derivative(Activation kind, double alpha, double v) {
        return switch (kind) {
            case RELU -> v > 0 ? 1 : 0;
            case LEAKY_RELU -> v > 0 ? 1 : alpha;
            case SIGMOID -> {
                double sg = apply(kind, alpha, v);
                yield sg * (1 - sg);
            }
            case TANH -> 1 - Math.tanh(v) * Math.tanh(v);
        };
    }

    public static double[] forward(Activation kind, double alpha, double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = apply(kind, alpha, x[i]);
        return y;
    }

    public static double[] backward(Activation kind, double alpha, double[] x, double[] dy) {
        double[] dx = new double[x.length];
        for (int i = 0; i < x.length; i++) dx[i] = derivative(kind, alpha, x[i]) * dy[i];
        return dx;
    }
}
