package io.sparkcnn.jobs.eval;

import io.sparkcnn.model.detect.Detections;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One partition's images and their detections as flat primitive arrays (what travels back to the
 * driver): image i has ids[i] and counts[i] detections, stored one after the other; detection j
 * has box boxes[4j..4j+4) (x1, y1, x2, y2, stored pixels), scores[j] and class labels[j] (0..K-1).
 */
public record ImageDetections(int partition, long[] ids, int[] counts, float[] boxes, float[] scores, int[] labels)
        implements Serializable {

    public int images() { return ids.length; }

    /** Image i's detections, written into d (replacing its content). */
    public void image(int i, int first, Detections d) {
        d.clear();
        for (int j = first; j < first + counts[i]; j++) {
            d.add(boxes[4 * j], boxes[4 * j + 1], boxes[4 * j + 2], boxes[4 * j + 3], scores[j], labels[j]);
        }
    }

    /** Collects a partition's images in order. */
    static final class Builder {
        private final int partition;
        private long[] ids = new long[16];
        private int[] counts = new int[16], labels = new int[64];
        private float[] boxes = new float[256], scores = new float[64];
        private int images, dets;

        Builder(int partition) { this.partition = partition; }

        void add(long imageId, Detections d) {
            if (images == ids.length) {
                ids = Arrays.copyOf(ids, 2 * images);
                counts = Arrays.copyOf(counts, 2 * images);
            }
            ids[images] = imageId;
            counts[images++] = d.count();
            if (dets + d.count() > scores.length) {
                int c = Math.max(2 * scores.length, dets + d.count());
                scores = Arrays.copyOf(scores, c);
                labels = Arrays.copyOf(labels, c);
                boxes = Arrays.copyOf(boxes, 4 * c);
            }
            for (int j = 0; j < d.count(); j++, dets++) {
                boxes[4 * dets] = d.x1(j);
                boxes[4 * dets + 1] = d.y1(j);
                boxes[4 * dets + 2] = d.x2(j);
                boxes[4 * dets + 3] = d.y2(j);
                scores[dets] = d.score(j);
                labels[dets] = d.label(j);
            }
        }

        ImageDetections build() {
            return new ImageDetections(partition, Arrays.copyOf(ids, images), Arrays.copyOf(counts, images),
                    Arrays.copyOf(boxes, 4 * dets), Arrays.copyOf(scores, dets), Arrays.copyOf(labels, dets));
        }
    }
}
