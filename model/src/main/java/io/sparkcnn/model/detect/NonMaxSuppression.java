package io.sparkcnn.model.detect;

import java.util.Arrays;

/**
 * Inference post-processing of one image's decoded boxes: per-class greedy non-maximum suppression,
 * a score threshold and the top-k detections per image.
 *
 * <p>Candidates whose score is above {@code scoreThreshold} are visited by score, highest first, ties
 * by candidate position (so equal inputs always give equal outputs). Of each class at most
 * {@code candidatesPerClass} enter suppression (0: all, as torchvision's pre-NMS top-k); a candidate is
 * kept unless an already kept box of its class overlaps it with IoU above {@code iouThreshold}. Visiting
 * all classes in one score order is the same as suppressing each class on its own and then ranking the
 * survivors, and lets it stop at {@code maxPerImage} kept. The output is in that rank order.
 *
 * <p>Not thread-safe: it keeps its scratch arrays between calls so the loop does not allocate once warm.
 */
public final class NonMaxSuppression {
    private final float scoreThreshold;
    private final double iouThreshold;
    private final int maxPerImage;
    private final int candidatesPerClass;
    private long[] keys = new long[64];
    private int[] seenOfClass = new int[16];

    public NonMaxSuppression(float scoreThreshold, double iouThreshold, int maxPerImage, int candidatesPerClass) {
        if (!(iouThreshold >= 0 && iouThreshold <= 1)) {
            throw new IllegalArgumentException("NMS IoU threshold must be in [0, 1], got " + iouThreshold);
        }
        if (Float.isNaN(scoreThreshold)) throw new IllegalArgumentException("NMS score threshold is NaN");
        if (maxPerImage < 1) throw new IllegalArgumentException("detections per image must be at least 1, got " + maxPerImage);
        if (candidatesPerClass < 0) {
            throw new IllegalArgumentException("candidates per class must be 0 (all) or more, got " + candidatesPerClass);
        }
        this.scoreThreshold = scoreThreshold;
        this.iouThreshold = iouThreshold;
        this.maxPerImage = maxPerImage;
        this.candidatesPerClass = candidatesPerClass;
    }

    /**
     * Candidates with their own class: candidate i is the box boxes[4i..4i+4) (x1, y1, x2, y2), scores[i],
     * class labels[i] (&ge; 0), for i in [0, n). Replaces out's content.
     */
    public void apply(float[] boxes, float[] scores, int[] labels, int n, Detections out) {
        if (boxes.length < 4 * n || scores.length < n || labels.length < n) {
            throw new IllegalArgumentException(n + " candidates need " + 4 * n + " box floats, " + n + " scores and "
                    + n + " labels, got " + boxes.length + ", " + scores.length + ", " + labels.length);
        }
        int passing = 0;
        long[] k = keysFor(n);
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0) throw new IllegalArgumentException("candidate " + i + " has class " + labels[i]);
            if (scores[i] > scoreThreshold) k[passing++] = ScoreOrder.key(scores[i], i);
            else if (Float.isNaN(scores[i])) throw new IllegalArgumentException("candidate " + i + " has a NaN score");
        }
        suppress(boxes, 0, labels, 1, -1, passing, out);
    }

    /**
     * Boxes shared by all classes, as an SSD head gives them: anchor a's box is
     * boxes[boxOff + 4a .. +4) (x1, y1, x2, y2) and its score for column c is
     * scores[scoreOff + a * columns + c]. Column {@code background} (-1: none) is skipped; the other
     * columns are the classes 0.., counted without it (column c is class c - 1 when c &gt; background).
     * Ties go to the lower anchor, then the lower column. Replaces out's content.
     */
    public void apply(float[] boxes, int boxOff, float[] scores, int scoreOff, int anchors, int columns,
            int background, Detections out) {
        if (columns < 1 || background < -1 || background >= columns) {
            throw new IllegalArgumentException(columns + " score columns with background column " + background);
        }
        if ((long) anchors * columns >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException(anchors + " anchors x " + columns + " columns is too many candidates");
        }
        if (boxOff < 0 || boxOff + 4L * anchors > boxes.length || scoreOff < 0
                || scoreOff + (long) anchors * columns > scores.length) {
            throw new IllegalArgumentException(anchors + " anchors x " + columns + " columns do not fit boxes from "
                    + boxOff + " (" + boxes.length + " floats) or scores from " + scoreOff + " (" + scores.length + ")");
        }
        int n = anchors * columns;
        long[] k = keysFor(n);
        int passing = 0;
        for (int p = 0; p < n; p++) {
            if (p % columns == background) continue;
            float s = scores[scoreOff + p];
            if (s > scoreThreshold) k[passing++] = ScoreOrder.key(s, p);
            else if (Float.isNaN(s)) {
                throw new IllegalArgumentException("anchor " + p / columns + " has a NaN score in column " + p % columns);
            }
        }
        suppress(boxes, boxOff, null, columns, background, passing, out);
    }

    /** Visits the sorted keys[0..passing); a key's position is the candidate (labels != null) or anchor * columns + column. */
    private void suppress(float[] boxes, int boxOff, int[] labels, int columns, int background, int passing,
            Detections out) {
        out.clear();
        Arrays.sort(keys, 0, passing);
        if (candidatesPerClass > 0) Arrays.fill(seenOfClass, 0);
        for (int j = 0; j < passing && out.count() < maxPerImage; j++) {
            int p = ScoreOrder.position(keys[j]);
            int box, label;
            if (labels != null) {
                box = p;
                label = labels[p];
            } else {
                box = p / columns;
                int c = p % columns;
                label = background >= 0 && c > background ? c - 1 : c;
            }
            if (candidatesPerClass > 0 && seen(label) > candidatesPerClass) continue;
            int b = boxOff + 4 * box;
            float x1 = boxes[b], y1 = boxes[b + 1], x2 = boxes[b + 2], y2 = boxes[b + 3];
            if (!(x2 >= x1 && y2 >= y1)) {
                throw new IllegalArgumentException("box " + box + " is not (x1, y1, x2, y2) with x1 <= x2, y1 <= y2: ("
                        + x1 + ", " + y1 + ", " + x2 + ", " + y2 + ")");
            }
            if (!overlapsKept(out, label, x1, y1, x2, y2)) out.add(x1, y1, x2, y2, ScoreOrder.scoreOf(keys[j]), label);
        }
    }

    /** Counts one more candidate of the class and returns how many it has seen now. */
    private int seen(int label) {
        if (label >= seenOfClass.length) seenOfClass = Arrays.copyOf(seenOfClass, Math.max(label + 1, 2 * seenOfClass.length));
        return ++seenOfClass[label];
    }

    private boolean overlapsKept(Detections kept, int label, float x1, float y1, float x2, float y2) {
        for (int i = 0, n = kept.count(); i < n; i++) {
            if (kept.label(i) == label
                    && iou(x1, y1, x2, y2, kept.x1(i), kept.y1(i), kept.x2(i), kept.y2(i)) > iouThreshold) {
                return true;
            }
        }
        return false;
    }

    /** Intersection over union of two (x1, y1, x2, y2) boxes in continuous coordinates; 0 when either is empty. */
    public static double iou(float ax1, float ay1, float ax2, float ay2, float bx1, float by1, float bx2, float by2) {
        double w = Math.min((double) ax2, bx2) - Math.max((double) ax1, bx1);
        if (w <= 0) return 0;
        double h = Math.min((double) ay2, by2) - Math.max((double) ay1, by1);
        if (h <= 0) return 0;
        double inter = w * h;
        double union = ((double) ax2 - ax1) * ((double) ay2 - ay1) + ((double) bx2 - bx1) * ((double) by2 - by1) - inter;
        return inter / union;
    }

    private long[] keysFor(int n) {
        if (keys.length < n) keys = new long[Math.max(n, 2 * keys.length)];
        return keys;
    }
}
