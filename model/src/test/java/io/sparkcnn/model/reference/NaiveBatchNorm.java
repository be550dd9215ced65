package io.sparkcnn.model.reference;

/**
 * Batch normalisation of x (N,C,S) in double, per channel over N*S values, as PyTorch:
 * training normalises with the biased batch variance and moves the running variance
 * towards the unbiased one; evaluation uses the running statistics.
 */
public final class NaiveBatchNorm {
    private NaiveBatchNorm() {}

    /** y, the batch mean and the biased batch variance per channel. */
    public record Train(double[] y, double[] mean, double[] var) {}

    /** Parameter and input gradients of a training-mode forward. */
    public record Grads(double[] dx, double[] dgamma, double[] dbeta) {}

    // x (N,C,S) -> y (N,C,S) with batch statistics
    public static Train forwardTrain(int n, int c, int s, double[] x, double[] gamma, double[] beta, double eps) {
        double[] mean = new double[c], var = new double[c], y = new double[x.length];
        int m = n * s;
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < n; i++) for (int j = 0; j < s; j++) mean[ch] += x[(i * c + ch) * s + j];
            mean[ch] /= m;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    double d = x[(i * c + ch) * s + j] - mean[ch];
                    var[ch] += d * d;
                }
            }
            var[ch] /= m;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    int k = (i * c + ch) * s + j;
                    y[k] = (x[k] - mean[ch]) / Math.sqrt(var[ch] + eps) * gamma[ch] + beta[ch];
                }
            }
        }
        return new Train(y, mean, var);
    }

    /** running = (1 - momentum) running + momentum batch, with the unbiased variance; in place. */
    public static void updateRunning(Train t, int count, double momentum, double[] runMean, double[] runVar) {
        for (int ch = 0; ch < runMean.length; ch++) {
            runMean[ch] = (1 - momentum) * runMean[ch] + momentum * t.mean()[ch];
            runVar[ch] = (1 - momentum) * runVar[ch] + momentum * t.var()[ch] * count / (count - 1);
        }
    }

    // x (N,C,S) -> y (N,C,S) with running statistics
    public static double[] forwardEval(int n, int c, int s, double[] x, double[] gamma, double[] beta,
                                       double[] runMean, double[] runVar, double eps) {
        double[] y = new double[x.length];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int j = 0; j < s; j++) {
                    int k = (i * c + ch) * s + j;
                    y[k] = (x[k] - runMean[ch]) / Math.sqrt(runVar[ch] + eps) * gamma[ch] + beta[ch];
                }
            }
        }
        return y;
    }

    /** The gradient through the batch statistics: dx = gamma/(M sigma) (M dy - sum dy - xhat sum(dy xhat)). */
    public static Grads backward(int n, int c, int s, double[] x, double[] dy, double[] gamma, double eps) {
        Train t = forwardTrain(n, c, s, x, gamma, new double[c], eps);
        double[] dx = new double[x.length], dgamma = new double[c], dbeta = new double[c];
        int m = n * s;
        for (int ch = 0; ch < c; ch++) {
            double sigma = Math.sqrt(t.var()[ch] + eps);
            double sumDy = 0, sumDyXhat = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    int k = (i * c + ch) * s + j;
                    double xhat = (x[k] - t.mean()[ch]) / sigma;
                    sumDy += dy[k];
                    sumDyXhat += dy[k] * xhat;
                }
            }
            dgamma[ch] = sumDyXhat;
            dbeta[ch] = sumDy;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    int k = (i * c + ch) * s + j;
                    double xhat = (x[k] - t.mean()[ch]) / sigma;
                    dx[k] = gamma[ch] / (m * sigma) * (m * dy[k] - sumDy - xhat * sumDyXhat);
                }
            }
        }
        return new Grads(dx, dgamma, dbeta);
    }

    /** The gradient of {@link #forwardEval}: the running statistics are constants, dx = dy gamma / sigma. */
    public static Grads backwardEval(int n, int c, int s, double[] x, double[] dy, double[] gamma,
                                     double[] runMean, double[] runVar, double eps) {
        double[] dx = new double[x.length], dgamma = new double[c], dbeta = new double[c];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                double sigma = Math.sqrt(runVar[ch] + eps);
                for (int j = 0; j < s; j++) {
                    int k = (i * c + ch) * s + j;
                    dx[k] = dy[k] * gamma[ch] / sigma;
                    dgamma[ch] += dy[k] * (x[k] - runMean[ch]) / sigma;
                    dbeta[ch] += dy[k];
                }
            }
        }
        return new Grads(dx, dgamma, dbeta);
    }
}
