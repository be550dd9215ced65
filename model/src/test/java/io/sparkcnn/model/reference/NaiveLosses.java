package io.sparkcnn.model.reference;

/** The losses in double, from their definitions (PyTorch, mean reduction), each with its gradient. */
public final class NaiveLosses {
    private NaiveLosses() {}

    public record Result(double loss, double[] grad) {}

    /**
     * Cross-entropy of softmax over C at each of S positions: logits (N,C,S), labels (N,S).
     * Mean = sum w[y] nll / sum w[y] over positions whose label is not ignoreIndex; 0 when none counts.
     */
    public static Result softmaxCrossEntropy(int n, int classes, int s, double[] logits, int[] labels, double[] weights,
                                             int ignoreIndex) {
        double num = 0, den = 0;
        double[] grad = new double[logits.length];
        double[][] probs = new double[n * s][];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < s; j++) {
                int label = labels[i * s + j];
                if (label == ignoreIndex) continue;
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) max = Math.max(max, logits[(i * classes + c) * s + j]);
                double z = 0;
                for (int c = 0; c < classes; c++) z += Math.exp(logits[(i * classes + c) * s + j] - max);
                double[] p = new double[classes];
                for (int c = 0; c < classes; c++) p[c] = Math.exp(logits[(i * classes + c) * s + j] - max) / z;
                probs[i * s + j] = p;
                double w = weights == null ? 1 : weights[label];
                num += -w * Math.log(p[label]);
                den += w;
            }
        }
        if (den == 0) return new Result(0, grad);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < s; j++) {
                double[] p = probs[i * s + j];
                if (p == null) continue;
                int label = labels[i * s + j];
                double w = weights == null ? 1 : weights[label];
                for (int c = 0; c < classes; c++) grad[(i * classes + c) * s + j] = w * (p[c] - (c == label ? 1 : 0)) / den;
            }
        }
        return new Result(num / den, grad);
    }

    /** -[t log sigmoid(x) + (1-t) log(1 - sigmoid(x))], mean over values. */
    public static Result sigmoidBinaryCrossEntropy(double[] x, double[] t) {
        double sum = 0;
        double[] grad = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double sg = 1 / (1 + Math.exp(-x[i]));
            sum += -(t[i] * Math.log(sg) + (1 - t[i]) * Math.log(1 - sg));
            grad[i] = (sg - t[i]) / x.length;
        }
        return new Result(sum / x.length, grad);
    }

    public static Result meanSquaredError(double[] p, double[] t) {
        double sum = 0;
        double[] grad = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            double d = p[i] - t[i];
            sum += d * d;
            grad[i] = 2 * d / p.length;
        }
        return new Result(sum / p.length, grad);
    }

    /** 0.5 d^2 / beta where |d| &lt; beta, |d| - 0.5 beta elsewhere (beta 0: |d|). */
    public static Result smoothL1(double[] p, double[] t, double beta) {
        double sum = 0;
        double[] grad = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            double d = p[i] - t[i];
            if (Math.abs(d) < beta) {
                sum += 0.5 * d * d / beta;
                grad[i] = d / beta / p.length;
            } else {
                sum += Math.abs(d) - 0.5 * beta;
                grad[i] = Math.signum(d) / p.length;
            }
        }
        return new Result(sum / p.length, grad);
    }
}
