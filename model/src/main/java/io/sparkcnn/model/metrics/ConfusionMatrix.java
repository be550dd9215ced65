package io.sparkcnn.model.metrics;

import java.util.Arrays;

/**
 * Pixel (or sample) counts of (truth, predicted) class pairs, summed over a whole split. Mergeable, so
 * executors each fill one and the driver adds them up; {@link #counts()} / {@link #of} is the compact
 * form that travels (a plain long[] row-major by truth, no Java serialization).
 *
 * <p>Truth equal to the ignore label is skipped (its prediction is not looked at). Any other value
 * outside [0, classes), in truth or prediction, is a bug upstream and fails loudly.
 */
public final class ConfusionMatrix {
    private final int classes;
    private final int ignoreLabel;
    private final long[] counts;

    public ConfusionMatrix(int classes, int ignoreLabel) {
        this(classes, ignoreLabel, new long[checkedSize(classes)]);
    }

    private ConfusionMatrix(int classes, int ignoreLabel, long[] counts) {
        this.classes = classes;
        this.ignoreLabel = ignoreLabel;
        this.counts = counts;
    }

    /** Rebuilds a matrix from {@link #counts()} (a copy is taken). */
    public static ConfusionMatrix of(int classes, int ignoreLabel, long[] counts) {
        int size = checkedSize(classes);
        if (counts.length != size) {
            throw new IllegalArgumentException("confusion counts hold " + counts.length + " cells, "
                    + classes + " classes need " + size);
        }
        for (long c : counts) {
            if (c < 0) throw new IllegalArgumentException("confusion counts hold a negative cell: " + c);
        }
        return new ConfusionMatrix(classes, ignoreLabel, counts.clone());
    }

    private static int checkedSize(int classes) {
        if (classes < 1 || classes > 46340) {
            throw new IllegalArgumentException("classes must be in [1, 46340], got " + classes);
        }
        return classes * classes;
    }

    public int classes() {
        return classes;
    }

    public int ignoreLabel() {
        return ignoreLabel;
    }

    /** Counts truth[offset..offset+length) against predicted[offset..offset+length). */
    public void add(int[] truth, int[] predicted, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > truth.length || offset + length > predicted.length) {
            throw new IndexOutOfBoundsException("range [" + offset + ", " + (offset + length) + ") outside truth ("
                    + truth.length + ") or predicted (" + predicted.length + ")");
        }
        for (int i = offset, end = offset + length; i < end; i++) addAt(truth[i], predicted[i], i);
    }

    /** Adds one (truth, predicted) pair. */
    public void add(int truth, int predicted) {
        addAt(truth, predicted, 0);
    }

    private void addAt(int t, int p, int index) {
        if (t == ignoreLabel) return;
        if (t < 0 || t >= classes) {
            throw new IllegalArgumentException("truth label " + t + " at index " + index + " is outside [0, "
                    + classes + ") and is not the ignore label " + ignoreLabel);
        }
        if (p < 0 || p >= classes) {
            throw new IllegalArgumentException("predicted label " + p + " at index " + index + " is outside [0, "
                    + classes + ")");
        }
        counts[t * classes + p]++;
    }

    /** Adds another matrix's counts into this one. */
    public void merge(ConfusionMatrix other) {
        if (other.classes != classes || other.ignoreLabel != ignoreLabel) {
            throw new IllegalArgumentException("cannot merge a confusion matrix of " + other.classes
                    + " classes (ignore " + other.ignoreLabel + ") into one of " + classes + " (ignore "
                    + ignoreLabel + ")");
        }
        for (int i = 0; i < counts.length; i++) counts[i] += other.counts[i];
    }

    public long count(int truth, int predicted) {
        if (truth < 0 || truth >= classes || predicted < 0 || predicted >= classes) {
            throw new IllegalArgumentException("cell (" + truth + ", " + predicted + ") outside " + classes
                    + " classes");
        }
        return counts[truth * classes + predicted];
    }

    /** Pixels whose truth is {@code truth} (row sum). */
    public long truthTotal(int truth) {
        long s = 0;
        for (int p = 0; p < classes; p++) s += counts[truth * classes + p];
        return s;
    }

    /** Pixels predicted as {@code predicted} among the counted ones (column sum). */
    public long predictedTotal(int predicted) {
        long s = 0;
        for (int t = 0; t < classes; t++) s += counts[t * classes + predicted];
        return s;
    }

    /** All counted (non-ignored) pixels. */
    public long total() {
        long s = 0;
        for (long c : counts) s += c;
        return s;
    }

    /** Row-major copy (index truth * classes + predicted): the form that ships between JVMs. */
    public long[] counts() {
        return counts.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfusionMatrix m && m.classes == classes && m.ignoreLabel == ignoreLabel
                && Arrays.equals(m.counts, counts);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * classes + ignoreLabel) + Arrays.hashCode(counts);
    }
}
