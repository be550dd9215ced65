package io.sparkcnn.model.detect;

import java.util.Arrays;

/**
 * One image's detections: box i is (x1, y1, x2, y2) at boxes[4i..4i+4) in pixels, with its score and
 * contiguous class index. A reusable holder: {@link #clear} and {@link #add} grow the arrays only when
 * they run out, so the inference loop does not allocate per image once warm.
 */
public final class Detections {
    private float[] boxes;
    private float[] scores;
    private int[] labels;
    private int count;

    public Detections() {
        this(16);
    }

    public Detections(int capacity) {
        int c = Math.max(1, capacity);
        boxes = new float[4 * c];
        scores = new float[c];
        labels = new int[c];
    }

    /** A holder of the given detections (copied); boxes 4 floats each. */
    public static Detections of(float[] boxes, float[] scores, int[] labels) {
        int n = scores.length;
        if (boxes.length != 4 * n || labels.length != n) {
            throw new IllegalArgumentException(n + " scores need " + 4 * n + " box floats and " + n + " labels, got "
                    + boxes.length + " and " + labels.length);
        }
        Detections d = new Detections(n);
        for (int i = 0; i < n; i++) d.add(boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3], scores[i], labels[i]);
        return d;
    }

    public void clear() {
        count = 0;
    }

    public void add(float x1, float y1, float x2, float y2, float score, int label) {
        if (count == scores.length) {
            int c = 2 * count;
            boxes = Arrays.copyOf(boxes, 4 * c);
            scores = Arrays.copyOf(scores, c);
            labels = Arrays.copyOf(labels, c);
        }
        int b = 4 * count;
        boxes[b] = x1;
        boxes[b + 1] = y1;
        boxes[b + 2] = x2;
        boxes[b + 3] = y2;
        scores[count] = score;
        labels[count] = label;
        count++;
    }

    public int count() { return count; }

    public float x1(int i) { return boxes[4 * check(i)]; }

    public float y1(int i) { return boxes[4 * check(i) + 1]; }

    public float x2(int i) { return boxes[4 * check(i) + 2]; }

    public float y2(int i) { return boxes[4 * check(i) + 3]; }

    public float score(int i) { return scores[check(i)]; }

    public int label(int i) { return labels[check(i)]; }

    private int check(int i) {
        if (i < 0 || i >= count) throw new IndexOutOfBoundsException("detection " + i + " of " + count);
        return i;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Detections[");
        for (int i = 0; i < count; i++) {
            if (i > 0) b.append(", ");
            b.append(labels[i]).append('@').append(scores[i]).append(" (").append(boxes[4 * i]).append(',')
                    .append(boxes[4 * i + 1]).append(',').append(boxes[4 * i + 2]).append(',').append(boxes[4 * i + 3]).append(')');
        }
        return b.append(']').toString();
    }
}
