package io.sparkcnn.jobs.report;

/**
 * Per-class precision, recall and F1 from a confusion matrix [true][predicted], as scikit-learn's
 * precision_recall_fscore_support defines them, except that a ratio with nothing to divide by (a class
 * never predicted, never present) is NaN rather than 0, so the page can show it as undefined.
 */
public record ClassScores(double[] precision, double[] recall, double[] f1, long[] support) {

    public static ClassScores of(long[][] confusion) {
        int n = confusion.length;
        double[] p = new double[n], r = new double[n], f = new double[n];
        long[] support = new long[n];
        for (int c = 0; c < n; c++) {
            if (confusion[c].length != n) {
                throw new IllegalArgumentException("confusion row " + c + " has " + confusion[c].length + " columns, not " + n);
            }
            long predicted = 0;
            for (int t = 0; t < n; t++) predicted += confusion[t][c];
            for (int q = 0; q < n; q++) support[c] += confusion[c][q];
            long tp = confusion[c][c];
            p[c] = predicted == 0 ? Double.NaN : (double) tp / predicted;
            r[c] = support[c] == 0 ? Double.NaN : (double) tp / support[c];
            f[c] = Double.isNaN(p[c]) || Double.isNaN(r[c]) ? Double.NaN : p[c] + r[c] == 0 ? 0 : 2 * p[c] * r[c] / (p[c] + r[c]);
        }
        return new ClassScores(p, r, f, support);
    }

    public int classes() { return support.length; }

    /** The unweighted mean of the defined F1 scores (sklearn's macro average over classes that have one). */
    public double macroF1() {
        double sum = 0;
        int n = 0;
        for (double v : f1) if (!Double.isNaN(v)) { sum += v; n++; }
        return n == 0 ? Double.NaN : sum / n;
    }
}
