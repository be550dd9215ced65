package io.sparkcnn.model.train;

/**
 * Classification results over a dataset: counts of scored positions (one per example, or
 * one per pixel for segmentation), top-1 and top-5 hits, the summed cross-entropy, and the
 * confusion matrix [true][predicted]. Parts computed apart (per batch, per worker) merge.
 */
public record Evaluation(long count, long correct, long top5Correct, double lossSum, long[][] confusion) {

    public static Evaluation empty(int classes) { return new Evaluation(0, 0, 0, 0, new long[classes][classes]); }

    public double accuracy() { return count == 0 ? Double.NaN : correct / (double) count; }

    public double top5Accuracy() { return count == 0 ? Double.NaN : top5Correct / (double) count; }

    /** Mean softmax cross-entropy of the scored positions. */
    public double meanLoss() { return count == 0 ? Double.NaN : lossSum / count; }

    public Evaluation merge(Evaluation o) {
        if (o.confusion.length != confusion.length) {
            throw new IllegalArgumentException("cannot merge evaluations of " + confusion.length + " and " + o.confusion.length + " classes");
        }
        long[][] c = new long[confusion.length][];
        for (int i = 0; i < c.length; i++) {
            c[i] = confusion[i].clone();
            for (int j = 0; j < c[i].length; j++) c[i][j] += o.confusion[i][j];
        }
        return new Evaluation(count + o.count, correct + o.correct, top5Correct + o.top5Correct, lossSum + o.lossSum, c);
    }
}
